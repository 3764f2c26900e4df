/**
 * Statistics of a recorded run, computed in one pass over its events and only
 * from what the trace holds: instructions from the END event's icounts (or,
 * in a cut recording, from each hart's last event), traps with their cause,
 * epc and privilege transition, VM exits that leave an event (device I/O and
 * host-clock reads), interrupt lines with the icount from raised to taken,
 * device registers, console bytes and digests. The collector is an observer:
 * feed it events from a trace or live from a recorder.
 */
import { exceptionName, interruptName } from '../isa/causes.js';
import { EventKind, type TraceEvent } from '../trace/events.js';
import type { TraceReader } from '../trace/reader.js';
import type { TraceDevice } from '../trace/schema.js';
import { forEachEvent } from './trace-walk.js';
import { interruptLineName, privilegeName } from './stats-names.js';

/** A count of traps of one cause, and of its privilege transitions. */
export interface TrapCauseCount {
  interrupt: boolean;
  cause: number;
  name: string;
  count: number;
  transitions: TransitionCount[];
}

/** A count of traps between two privilege modes (`U->S`). */
export interface TransitionCount {
  from: string;
  to: string;
  count: number;
}

/** A VM exit reason and how often it occurred. */
export interface ExitCount {
  reason: string;
  count: number;
}

/** One interrupt line (mip bit) driven by devices: how often raised and taken, and the delivery latency. */
export interface InterruptLineStats {
  line: number;
  name: string;
  raised: number;
  lowered: number;
  /** Traps with this interrupt cause. */
  taken: number;
  /** Latency in instructions from the line rising to the trap, for the traps that followed a recorded rise. */
  latency: { samples: number; min: number; mean: number; max: number } | undefined;
}

/** Reads and writes of one device register. */
export interface RegisterStats {
  offset: number;
  reads: number;
  writes: number;
}

/** I/O of one device, in total and per register (registers sorted by offset). */
export interface DeviceIoStats {
  device: string;
  reads: number;
  writes: number;
  registers: RegisterStats[];
}

/** A guest address where traps were taken, with the ELF symbol that holds it when known. */
export interface HotPc {
  pc: bigint;
  count: number;
  symbol: string | undefined;
}

/** Everything `deja stats` reports. */
export interface TraceStats {
  events: number;
  eventsByKind: Array<{ kind: string; count: number }>;
  instructions: {
    perHart: number[];
    total: number;
    /** `end event` when the run ended cleanly, else `last event of each hart` (a lower bound). */
    source: 'end event' | 'last event of each hart';
  };
  traps: { total: number; byCause: TrapCauseCount[]; byTransition: TransitionCount[] };
  exits: { total: number; byReason: ExitCount[]; instructionsPerExit: number | undefined };
  interrupts: InterruptLineStats[];
  io: DeviceIoStats[];
  /**
   * The most frequent pcs: of exec events when the trace has a pc stream
   * (imported traces), else of trap epcs (`hot` then means where traps were taken).
   */
  hotPcs: HotPc[];
  /** What {@link TraceStats.hotPcs} counted. */
  hotPcSource: 'exec events' | 'trap epcs';
  console: { bytesIn: number; bytesOut: number };
  digests: { count: number; interval: number; firstIcount: number | undefined; lastIcount: number | undefined; final: string | undefined };
  end: { reason: string; exitCode: number } | undefined;
}

/** What the collector needs from the trace header, and how to name addresses. */
export interface StatsOptions {
  devices: readonly TraceDevice[];
  /** Instructions between digests (trace header). */
  digestInterval: number;
  /** How many hot pcs to keep (default 10). */
  hotPcCount?: number;
  /** Names a guest address (`function+0x10`), or undefined when no image says. */
  symbolize?: (pc: bigint) => string | undefined;
}

interface LineCounts {
  raised: number;
  lowered: number;
  taken: number;
  samples: number;
  sum: number;
  min: number;
  max: number;
}

const KIND_NAMES = ['', 'trap', 'irq', 'io read', 'io write', 'dma', 'input', 'clock', 'digest', 'end', 'snapshot', 'exec'];
const UART_THR = 0;
const UART_LCR = 3;
const LCR_DLAB = 0x80;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Counts per guest address; addresses below 2^53 (nearly all) are counted under number keys, which hash faster than bigints. */
class PcCounts {
  private readonly low = new Map<number, number>();
  private readonly high = new Map<bigint, number>();

  get size(): number {
    return this.low.size + this.high.size;
  }

  add(pc: bigint): void {
    if (pc <= MAX_SAFE) {
      const key = Number(pc);
      this.low.set(key, (this.low.get(key) ?? 0) + 1);
    } else {
      this.high.set(pc, (this.high.get(pc) ?? 0) + 1);
    }
  }

  entries(): Array<[bigint, number]> {
    return [...[...this.low].map(([pc, count]): [bigint, number] => [BigInt(pc), count]), ...this.high];
  }
}

/** Accumulates statistics event by event; {@link StatsCollector.result} summarises. */
export class StatsCollector {
  private events = 0;
  private readonly byKind = new Float64Array(KIND_NAMES.length);
  private readonly lastIcount: number[] = [];
  /** Traps by `cause * 2 + (interrupt ? 1 : 0)`: a count and counts by `fromPriv * 16 + toPriv` (privileges are 0..3 or PRIV_UNKNOWN = 15). */
  private readonly traps = new Map<number, { count: number; transitions: Float64Array }>();
  private readonly lines = new Map<number, LineCounts>();
  /** Per hart and line: the icount at which the line rose and has not yet been taken, or -1. */
  private readonly pendingSince: number[][] = [];
  private readonly registers = new Map<number, RegisterStats>();
  private readonly trapPcs = new PcCounts();
  private readonly execPcs = new PcCounts();
  private readonly uartDevices: Set<number>;
  private readonly uartDivisorLatch = new Set<number>();
  private bytesIn = 0;
  private bytesOut = 0;
  private clockReads = 0;
  private digestCount = 0;
  private firstDigest: number | undefined;
  private lastDigest: number | undefined;
  private endEvent: Extract<TraceEvent, { kind: EventKind.END }> | undefined;

  constructor(private readonly options: StatsOptions) {
    this.uartDevices = new Set(options.devices.flatMap((device, index) => (device.name.startsWith('uart') ? [index] : [])));
  }

  /** Counts one event. */
  add(event: TraceEvent): void {
    this.events++;
    this.byKind[event.kind]++;
    const hart = event.hart;
    if (!(event.icount <= (this.lastIcount[hart] ?? -1))) this.lastIcount[hart] = event.icount;
    switch (event.kind) {
      case EventKind.TRAP: {
        const key = event.cause * 2 + (event.interrupt ? 1 : 0);
        let counts = this.traps.get(key);
        if (counts === undefined) {
          counts = { count: 0, transitions: new Float64Array(256) };
          this.traps.set(key, counts);
        }
        counts.count++;
        counts.transitions[(event.fromPriv & 15) * 16 + (event.toPriv & 15)]++;
        this.trapPcs.add(event.epc);
        if (event.interrupt) this.interruptTaken(hart, event.cause, event.icount);
        break;
      }
      case EventKind.IRQ: {
        const counts = this.line(event.line);
        const pending = this.pendingOf(hart);
        if (event.level) {
          counts.raised++;
          if (!(pending[event.line]! >= 0)) pending[event.line] = event.icount;
        } else {
          counts.lowered++;
          pending[event.line] = -1;
        }
        break;
      }
      case EventKind.MMIO_READ:
      case EventKind.MMIO_WRITE:
        this.access(event.kind === EventKind.MMIO_WRITE, event.device, event.offset, event.value);
        break;
      case EventKind.CONSOLE_INPUT:
        this.bytesIn += event.bytes.length;
        break;
      case EventKind.CLOCK:
        this.clockReads++;
        break;
      case EventKind.DIGEST:
        this.digestCount++;
        this.firstDigest ??= event.icount;
        this.lastDigest = event.icount;
        break;
      case EventKind.END:
        this.endEvent = event;
        break;
      case EventKind.EXEC:
        this.execPcs.add(event.pc);
        break;
      default:
        break;
    }
  }

  private access(write: boolean, device: number, offset: number, value: bigint): void {
    const key = device * 0x1_0000_0000 + offset;
    let register = this.registers.get(key);
    if (register === undefined) {
      register = { offset, reads: 0, writes: 0 };
      this.registers.set(key, register);
    }
    if (!write) {
      register.reads++;
      return;
    }
    register.writes++;
    if (!this.uartDevices.has(device)) return;
    // Offset 0 is the transmit register only while LCR's divisor-latch bit is clear.
    if (offset === UART_LCR) {
      if ((Number(value & 0xffn) & LCR_DLAB) !== 0) this.uartDivisorLatch.add(device);
      else this.uartDivisorLatch.delete(device);
    } else if (offset === UART_THR && !this.uartDivisorLatch.has(device)) {
      this.bytesOut++;
    }
  }

  private line(line: number): LineCounts {
    let counts = this.lines.get(line);
    if (counts === undefined) {
      counts = { raised: 0, lowered: 0, taken: 0, samples: 0, sum: 0, min: Infinity, max: 0 };
      this.lines.set(line, counts);
    }
    return counts;
  }

  private pendingOf(hart: number): number[] {
    let pending = this.pendingSince[hart];
    if (pending === undefined) {
      pending = new Array<number>(64).fill(-1);
      this.pendingSince[hart] = pending;
    }
    return pending;
  }

  /** An interrupt trap: the mip bit number equals the interrupt cause, so the latency runs from that line's rise. */
  private interruptTaken(hart: number, cause: number, icount: number): void {
    const counts = this.line(cause);
    counts.taken++;
    const pending = this.pendingOf(hart);
    const since = pending[cause] ?? -1;
    if (since < 0) return;
    const latency = icount - since;
    counts.samples++;
    counts.sum += latency;
    if (latency < counts.min) counts.min = latency;
    if (latency > counts.max) counts.max = latency;
    pending[cause] = -1;
  }

  /** The statistics of the events seen so far. */
  result(): TraceStats {
    const end = this.endEvent;
    const perHart = end !== undefined ? [...end.icounts] : Array.from(this.lastIcount, (icount) => icount ?? 0);
    const total = perHart.reduce((sum, n) => sum + n, 0);
    const trapTotal = [...this.traps.values()].reduce((sum, counts) => sum + counts.count, 0);
    const reads = this.byKind[EventKind.MMIO_READ]!;
    const writes = this.byKind[EventKind.MMIO_WRITE]!;
    const exits: ExitCount[] = [
      { reason: 'device read (MMIO)', count: reads },
      { reason: 'device write (MMIO)', count: writes },
      { reason: 'host clock read', count: this.clockReads },
    ].filter((exit) => exit.count > 0);
    const exitTotal = reads + writes + this.clockReads;
    return {
      events: this.events,
      eventsByKind: KIND_NAMES.flatMap((kind, index) => (this.byKind[index]! > 0 ? [{ kind, count: this.byKind[index]! }] : [])),
      instructions: { perHart, total, source: end !== undefined ? 'end event' : 'last event of each hart' },
      traps: {
        total: trapTotal,
        byCause: [...this.traps].map(([key, counts]) => {
          const interrupt = key % 2 === 1;
          const cause = Math.floor(key / 2);
          return { interrupt, cause, name: interrupt ? interruptName(cause) : exceptionName(cause), count: counts.count, transitions: transitionCounts(counts.transitions) };
        }).sort(byCountThen((a, b) => Number(a.interrupt) - Number(b.interrupt) || a.cause - b.cause)),
        byTransition: transitionCounts([...this.traps.values()].reduce((sum, counts) => {
          for (let index = 0; index < 256; index++) sum[index]! += counts.transitions[index]!;
          return sum;
        }, new Float64Array(256))),
      },
      exits: { total: exitTotal, byReason: exits.sort(byCountThen((a, b) => a.reason.localeCompare(b.reason))), instructionsPerExit: exitTotal > 0 ? total / exitTotal : undefined },
      interrupts: [...this.lines].sort((a, b) => a[0] - b[0]).map(([line, c]) => ({
        line, name: interruptLineName(line), raised: c.raised, lowered: c.lowered, taken: c.taken,
        latency: c.samples > 0 ? { samples: c.samples, min: c.min, mean: c.sum / c.samples, max: c.max } : undefined,
      })),
      io: this.deviceIo(),
      hotPcs: (this.execPcs.size > 0 ? this.execPcs : this.trapPcs).entries().sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, this.options.hotPcCount ?? 10)
        .map(([pc, count]) => ({ pc, count, symbol: this.options.symbolize?.(pc) })),
      hotPcSource: this.execPcs.size > 0 ? 'exec events' : 'trap epcs',
      console: { bytesIn: this.bytesIn, bytesOut: this.bytesOut },
      digests: {
        count: this.digestCount, interval: this.options.digestInterval, firstIcount: this.firstDigest, lastIcount: this.lastDigest,
        final: end === undefined ? undefined : Buffer.from(end.sha256).toString('hex'),
      },
      end: end === undefined ? undefined : { reason: end.reason, exitCode: end.exitCode },
    };
  }

  private deviceIo(): DeviceIoStats[] {
    const devices = new Map<number, DeviceIoStats>();
    for (const [key, register] of this.registers) {
      const index = Math.floor(key / 0x1_0000_0000);
      let device = devices.get(index);
      if (device === undefined) {
        device = { device: this.options.devices[index]?.name ?? `device ${index}`, reads: 0, writes: 0, registers: [] };
        devices.set(index, device);
      }
      device.reads += register.reads;
      device.writes += register.writes;
      device.registers.push({ ...register });
    }
    for (const device of devices.values()) device.registers.sort((a, b) => a.offset - b.offset);
    return [...devices.values()].sort((a, b) => b.reads + b.writes - (a.reads + a.writes) || a.device.localeCompare(b.device));
  }
}

/** Non-zero transition counts (indexed `fromPriv * 16 + toPriv`), most frequent first. */
function transitionCounts(counts: Float64Array): TransitionCount[] {
  return [...counts.entries()].filter(([, count]) => count > 0)
    .map(([key, count]) => ({ from: privilegeName(key >> 4), to: privilegeName(key & 15), count }))
    .sort(byCountThen((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to)));
}

/** A comparator: larger `count` first, then `tie`. */
function byCountThen<T extends { count: number }>(tie: (a: T, b: T) => number): (a: T, b: T) => number {
  return (a, b) => b.count - a.count || tie(a, b);
}

/** Reads every complete chunk of `reader` into a collector; `onChunk` hears the events done so far after each chunk. */
export function statsOfTrace(reader: TraceReader, options: Omit<StatsOptions, 'devices' | 'digestInterval'> = {}, onChunk?: (eventsDone: number) => void): TraceStats {
  const collector = new StatsCollector({ ...options, devices: reader.header.devices, digestInterval: reader.header.digestInterval });
  forEachEvent(reader, (event) => collector.add(event), onChunk);
  return collector.result();
}
