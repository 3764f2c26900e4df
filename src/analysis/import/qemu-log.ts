/**
 * Reads a `qemu-system-riscv64` log made with `-d int,exec,nochain
 * -singlestep` (one instruction per translation block, every block logged
 * when it runs) and turns it into trace events: an EXEC event per
 * instruction that ran and a TRAP event per trap taken, each at the exact
 * icount of its hart.
 *
 * What the log says and how it maps (QEMU 7.2):
 * - `Trace <cpu>: <host ptr> [<cs_base>/<pc>/<flags>/<cflags>] ...` is
 *   printed when a block starts, so the instruction at `pc` is only known to
 *   have run once the next line arrives;
 * - `Stopped execution of TB chain before ...` and `cpu_io_recompile:
 *   rewound execution ...` mean the block just logged did not run after all;
 * - `riscv_cpu_do_interrupt: hart:H, async:A, cause:C, epc:E, tval:T, desc=...`
 *   is a trap. An exception whose epc is the pc of the block just logged was
 *   raised by that instruction, which therefore did not retire (as in dejavm:
 *   the trap's icount is the instruction's own). The log names no privilege
 *   levels, so traps carry PRIV_UNKNOWN.
 */
import { EventKind, PRIV_UNKNOWN, type EndEvent, type TraceEvent } from '../../trace/events.js';

/** The END reason of an imported log: the log stops, whether or not the guest did. */
export const LOG_END_REASON = 'log-end';

/** A line the importer cannot read, with its 1-based number. */
export class QemuLogError extends Error {
  constructor(message: string, readonly line: number) {
    super(`line ${line}: ${message}`);
    this.name = 'QemuLogError';
  }
}

const TRAP_LINE = /^riscv_cpu_do_interrupt: hart:(\d+), async:([01]), cause:([0-9a-f]+), epc:0x([0-9a-f]+), tval:0x([0-9a-f]+), desc=\S*$/;
const EXEC_LINE = /^Trace (\d+): 0x[0-9a-f]+ \[[0-9a-f]+\/([0-9a-f]+)\/[0-9a-f]+\/[0-9a-f]+\]/;
const NOT_RUN_PREFIXES = ['Stopped execution of TB chain before ', 'cpu_io_recompile: rewound execution of TB'];

/** Per-hart progress through the log. */
interface HartProgress {
  /** Instructions known to have retired. */
  icount: number;
  /** The pc of the block logged last, not yet known to have run. */
  pending: bigint | undefined;
}

/**
 * Turns log lines into events, in log order, through `sink`. Feed every line
 * with `line`, then call `finish` for the END event (reason `log-end`).
 */
export class QemuLogParser {
  private readonly harts: HartProgress[] = [];
  /** The hart whose block was logged last (the "not run" lines name none). */
  private lastHart = -1;
  private lines = 0;

  constructor(private readonly sink: (event: TraceEvent) => void) {}

  private hart(id: number): HartProgress {
    while (this.harts.length <= id) this.harts.push({ icount: 0, pending: undefined });
    return this.harts[id]!;
  }

  /** The pending block of `id` ran: emit it and count it. */
  private retirePending(id: number, progress: HartProgress): void {
    if (progress.pending === undefined) return;
    this.sink({ kind: EventKind.EXEC, hart: id, icount: progress.icount, pc: progress.pending });
    progress.icount++;
    progress.pending = undefined;
  }

  /** Reads one line (without its newline); throws a QemuLogError for a line of no known form. */
  line(text: string): void {
    this.lines++;
    if (text.startsWith('Trace ')) {
      const match = EXEC_LINE.exec(text);
      if (match === null) throw new QemuLogError(`unreadable exec line: ${text.slice(0, 80)}`, this.lines);
      const id = Number(match[1]);
      const progress = this.hart(id);
      this.retirePending(id, progress);
      progress.pending = BigInt(`0x${match[2]}`);
      this.lastHart = id;
    } else if (text.startsWith('riscv_cpu_do_interrupt: ')) {
      this.trap(text);
    } else if (NOT_RUN_PREFIXES.some((prefix) => text.startsWith(prefix))) {
      if (this.lastHart >= 0) this.hart(this.lastHart).pending = undefined;
    } else if (text.trim() !== '') {
      throw new QemuLogError(`not a line of a QEMU -d int,exec,nochain log: ${text.slice(0, 80)}`, this.lines);
    }
  }

  private trap(text: string): void {
    const match = TRAP_LINE.exec(text);
    if (match === null) throw new QemuLogError(`unreadable trap line: ${text.slice(0, 80)}`, this.lines);
    const id = Number(match[1]);
    const interrupt = match[2] === '1';
    const epc = BigInt(`0x${match[4]}`);
    const progress = this.hart(id);
    if (!interrupt && progress.pending === epc) {
      // The instruction of the block just logged raised this exception: it did not retire.
      this.sink({ kind: EventKind.EXEC, hart: id, icount: progress.icount, pc: epc });
      progress.pending = undefined;
    } else {
      this.retirePending(id, progress);
    }
    this.sink({
      kind: EventKind.TRAP, hart: id, icount: progress.icount, interrupt, cause: Number.parseInt(match[3]!, 16),
      tval: BigInt(`0x${match[5]}`), epc, fromPriv: PRIV_UNKNOWN, toPriv: PRIV_UNKNOWN,
    });
  }

  /**
   * The END event: icounts are the instructions known to have retired (the
   * block logged last may or may not have run when the log stopped).
   * Throws a QemuLogError when the log held no QEMU line at all.
   */
  finish(): EndEvent {
    if (this.harts.length === 0) throw new QemuLogError('no exec or trap line: not a QEMU -d int,exec,nochain log', Math.max(1, this.lines));
    const icounts = this.harts.map((progress) => progress.icount);
    return { kind: EventKind.END, hart: 0, icount: icounts[0]!, reason: LOG_END_REASON, exitCode: 0, icounts, sha256: new Uint8Array(0) };
  }
}
