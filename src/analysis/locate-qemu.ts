/**
 * `deja diff --locate` with a QEMU import on one side: QEMU cannot be
 * replayed, but its log holds every pc, so the dejavm recording is replayed
 * and each instruction it retires is compared with the pc QEMU ran at the
 * same icount, up to the first divergent event. The first pc that differs is
 * where control flow parted.
 *
 * The comparison starts at the beginning, or at the last snapshot of the
 * recording before the last event both traces still agreed on (pc streams
 * that part and meet again before that event are not seen then).
 */
import { ReplaySession } from '../rr/replay-session.js';
import type { ImagePaths } from '../rr/replay-images.js';
import { EventKind, type TraceEvent } from '../trace/events.js';
import type { TraceReader } from '../trace/reader.js';
import type { RetiredInstruction } from '../vmm/vmm.js';
import { diffTraces, endEvent, type Divergence } from './diff.js';
import { TransferLog, type ControlTransfer } from './locate-state.js';

/** Where the pc streams part. */
export interface PcDivergence {
  /** dejavm's icount there. */
  readonly icount: number;
  /** QEMU's icount minus dejavm's from the last resynchronisation on (0 before any). */
  readonly shift: number;
  /** The pc QEMU ran at that icount (undefined: its log ends there). */
  readonly qemuPc: bigint | undefined;
  /** The instruction dejavm retired there. */
  readonly ours: RetiredInstruction;
  /** The last jumps and taken branches before it on each side, oldest first. */
  readonly qemuHistory: readonly ControlTransfer[];
  readonly ourHistory: readonly ControlTransfer[];
}

/** What {@link locateAgainstQemu} found. */
export interface QemuLocateResult {
  readonly firstEvents: { readonly a: TraceEvent | undefined; readonly b: TraceEvent | undefined } | undefined;
  readonly searchedFrom: number;
  /** Instructions whose pcs were compared. */
  readonly compared: number;
  /** The pc divergences found, in order (at most one per stretch between two resynchronisations). */
  readonly divergences: readonly PcDivergence[];
}

/** How {@link locateAgainstQemu} searches. */
export interface QemuLocateOptions {
  /** Paths replacing the image names the recording's header records. */
  readonly images?: ImagePaths;
  /** With more than 1: resynchronise on the trap events as `deja diff --all` does and look for up to this many pc divergences. */
  readonly limit?: number;
  readonly onProgress?: (icount: number) => void;
}

/** A stretch of dejavm's run compared with one icount shift: icounts in [from, until). */
interface Stretch {
  readonly from: number;
  readonly until: number;
  /** dejavm's icount minus QEMU's. */
  readonly shift: number;
}

/** The stretches between event divergences and the resynchronisation points after them, in dejavm's icounts. */
function stretches(divergences: readonly Divergence[], start: number): Stretch[] {
  const list: Stretch[] = [];
  let from = start;
  let shift = 0;
  for (const divergence of divergences) {
    const at = divergence.b?.icount ?? (divergence.a === undefined ? Infinity : divergence.a.icount + shift);
    list.push({ from, until: at + 1, shift });
    if (divergence.resync === undefined) return list;
    shift = divergence.resync.shift;
    from = divergence.resync.at.icount + shift;
  }
  list.push({ from, until: Infinity, shift });
  return list;
}

/** What QEMU did at one icount: the pcs it ran there and whether it took a trap there. */
interface QemuStep {
  readonly pcs: readonly bigint[];
  readonly trapped: boolean;
}

/** QEMU's EXEC and TRAP events of hart 0 from `start` on, one icount at a time, forwards only. */
class QemuPcs {
  private readonly events: Iterator<TraceEvent>;
  private next: TraceEvent | undefined;
  private reached = -1;
  readonly log = new TransferLog();

  constructor(reader: TraceReader, start: number) {
    this.events = reader.events(start);
    this.advance();
    while (this.next !== undefined && this.next.icount < start) this.advance();
  }

  private advance(): void {
    for (let step = this.events.next(); step.done !== true; step = this.events.next()) {
      const kind = step.value.kind;
      if ((kind === EventKind.EXEC || kind === EventKind.TRAP) && step.value.hart === 0) {
        this.next = step.value;
        return;
      }
    }
    this.next = undefined;
  }

  /**
   * What QEMU did at `icount`: an instruction that faulted shares its icount
   * with the handler's first, so a trap there allows either pc. Undefined
   * for an icount not after the last one asked for.
   */
  at(icount: number): QemuStep | undefined {
    if (icount <= this.reached) return undefined;
    this.reached = icount;
    while (this.next !== undefined && this.next.icount < icount) this.advance();
    const pcs: bigint[] = [];
    let trapped = false;
    for (let event = this.next; event !== undefined && event.icount === icount; event = this.next) {
      if (event.kind === EventKind.EXEC) {
        pcs.push(event.pc);
        this.log.note(icount, event.pc, 0);
      } else trapped = true;
      this.advance();
    }
    return { pcs, trapped };
  }
}

/**
 * Replays the recording at `oursPath` (reader `ours`) against the pc stream
 * of the QEMU import `qemu`, to the first pc that differs (or, with a
 * `limit` above 1, to the first in each stretch between resynchronisations).
 */
export function locateAgainstQemu(qemu: TraceReader, oursPath: string, ours: TraceReader, options: QemuLocateOptions = {}): QemuLocateResult {
  const limit = options.limit ?? 1;
  const diff = diffTraces(qemu, ours, { context: 1, ignore: new Set(), all: limit > 1, limit: Math.max(limit, 1) });
  const first = diff.divergences[0];
  const firstEvents = first === undefined ? undefined : { a: first.a, b: first.b };
  const agreedUntil = first?.beforeB.at(-1)?.icount ?? 0;
  const session = ReplaySession.open(oursPath, { images: options.images });
  try {
    let start = 0;
    for (const snapshot of session.reader.snapshots) if (snapshot.icount <= agreedUntil) start = snapshot.icount;
    session.seek(start);
    const plan = stretches(diff.divergences, start);
    const qemuEnd = endEvent(qemu)?.icount ?? Infinity;
    const end = Math.min(plan.at(-1)!.until, session.endIcount(), qemuEnd + plan.at(-1)!.shift);
    const pcs = new QemuPcs(qemu, start);
    const ourLog = new TransferLog();
    const divergences: PcDivergence[] = [];
    let compared = 0;
    let stretch = 0;
    let partedIn = -1;
    // Around a trap, the VMM reports the pc the step began at (the faulting or
    // interrupted instruction) while the instruction that retired is the
    // handler's first; the traps themselves were compared as events, so a
    // step with a trap on either side is not compared by pc.
    const ourTraps = new Set<number>();
    for (const event of ours.events(start)) if (event.kind === EventKind.TRAP && event.hart === 0 && event.icount <= end) ourTraps.add(event.icount);
    const onRetire = (insn: RetiredInstruction): void => {
      const pc = BigInt.asUintN(64, BigInt(insn.pc));
      const trappedHere = ourTraps.has(insn.icount);
      while (stretch < plan.length - 1 && insn.icount >= plan[stretch]!.until) stretch++;
      const current = plan[stretch]!;
      const step = insn.icount < current.from || insn.icount >= current.until || partedIn === stretch ? undefined : pcs.at(insn.icount - current.shift);
      if (step !== undefined) {
        const trapped = step.trapped || trappedHere;
        if (step.pcs.length === 0 || (!trapped && !step.pcs.includes(pc))) {
          divergences.push({ icount: insn.icount, shift: current.shift, qemuPc: step.pcs.at(-1), ours: insn, qemuHistory: [...pcs.log.transfers], ourHistory: [...ourLog.transfers] });
          partedIn = stretch;
          if (divergences.length >= limit) session.vmm.pause();
        } else compared++;
      }
      ourLog.note(insn.icount, pc, trappedHere ? 0 : insn.len);
      if ((insn.icount & 0xfffff) === 0) options.onProgress?.(insn.icount);
    };
    session.runTo(end, onRetire);
    return { firstEvents, searchedFrom: start, compared, divergences };
  } finally {
    session.close();
  }
}
