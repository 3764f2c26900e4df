/**
 * Turns a trace's events into timeline items that both exporters draw: per
 * hart, privilege-mode stretches, trap and interrupt-line instants and a
 * counter of VM exits per interval; per device, I/O instants; on a `vmm`
 * track, console input, clock readings, DMA, digests, snapshots and the end
 * (exec events, an imported trace's pc stream, are not drawn).
 * Time is the hart's icount (one instruction is drawn as one nanosecond).
 *
 * Privilege modes: the trace records every trap with the mode before and
 * after it, but not the xRET that leaves a handler. Between two traps of a
 * hart the mode is therefore known at both ends: the stretch is drawn in the
 * mode the hart trapped *from* at its end (when it equals the previous trap's
 * target mode, which is the common case, this is exact; otherwise the return
 * happened somewhere inside the stretch and the handler's time is folded into
 * it). After a hart's last trap nothing says when it returned from the
 * handler (a firmware that traps a few times at boot and then runs its
 * payload in S-mode for the rest of the run is typical), so that stretch is
 * drawn in the unknown mode, as is a hart that never trapped. Consecutive
 * stretches in the same mode are reported as one.
 */
import { EventKind, PRIV_UNKNOWN, type MmioEvent, type TraceEvent, type TrapEvent } from '../../trace/events.js';

/** What a timeline is drawn on. */
export interface TimelineSink {
  /** Called once before anything else. */
  start(harts: number, devices: readonly string[], exitInterval: number): void;
  /** Hart `hart` ran in privilege `mode` over [start, end) (end > start). */
  privilege(hart: number, mode: number, start: number, end: number): void;
  trap(event: TrapEvent): void;
  /** A device drove interrupt line `line` of `hart` to `level`. */
  interruptLine(hart: number, icount: number, line: number, level: boolean): void;
  io(event: MmioEvent): void;
  /** `exits` VM exits (I/O and clock events) on `hart` in the interval starting at `start`. */
  exits(hart: number, start: number, exits: number): void;
  /** Anything else (input, clock, dma, digest, snapshot, end) as a named instant on the vmm track. */
  vmm(event: TraceEvent, name: string): void;
  /** Called once after the last item. */
  finish(): void;
}

interface HartState {
  /** Start of the stretch not yet known to be over (ends where the last closed stretch ended). */
  since: number;
  /** Where the known part of that stretch ends. */
  until: number;
  /** Its mode, or -1 before the first stretch. */
  mode: number;
  /** Last icount seen. */
  last: number;
  intervalStart: number;
  intervalExits: number;
}

const VMM_NAMES: Partial<Record<EventKind, string>> = {
  [EventKind.DMA]: 'dma',
  [EventKind.CONSOLE_INPUT]: 'console input',
  [EventKind.CLOCK]: 'clock read',
  [EventKind.DIGEST]: 'digest',
  [EventKind.END]: 'end',
  [EventKind.SNAPSHOT]: 'snapshot',
};

/** Feeds events to a sink, keeping the per-hart state the stretches and counters need. */
export class TimelineBuilder {
  private readonly harts: HartState[] = [];

  constructor(private readonly sink: TimelineSink, harts: number, devices: readonly string[], private readonly exitInterval: number) {
    sink.start(harts, devices, exitInterval);
  }

  /** Adds one event. */
  add(event: TraceEvent): void {
    const state = this.hart(event.hart);
    const icount = event.icount;
    if (icount > state.last) state.last = icount;
    switch (event.kind) {
      case EventKind.TRAP:
        this.closeStretch(event.hart, state, event.fromPriv, icount);
        this.sink.trap(event);
        break;
      case EventKind.IRQ:
        this.sink.interruptLine(event.hart, icount, event.line, event.level);
        break;
      case EventKind.MMIO_READ:
      case EventKind.MMIO_WRITE:
        this.countExit(event.hart, state, icount);
        this.sink.io(event);
        break;
      case EventKind.CLOCK:
        this.countExit(event.hart, state, icount);
        this.sink.vmm(event, VMM_NAMES[event.kind]!);
        break;
      case EventKind.EXEC:
        // The pc stream of an imported trace: one event per instruction, far too many to draw.
        break;
      case EventKind.END:
        for (const [hart, final] of event.icounts.entries()) {
          const hartState = this.hart(hart);
          if (final > hartState.last) hartState.last = final;
        }
        this.sink.vmm(event, VMM_NAMES[event.kind]!);
        break;
      default:
        this.sink.vmm(event, VMM_NAMES[event.kind] ?? `event ${event.kind}`);
        break;
    }
  }

  /** Closes every hart's last stretch and exit interval at its last icount, then finishes the sink. */
  finish(): void {
    for (const [hart, state] of this.harts.entries()) {
      if (state === undefined) continue;
      this.closeStretch(hart, state, PRIV_UNKNOWN, state.last);
      if (state.mode >= 0) this.sink.privilege(hart, state.mode, state.since, state.until);
      if (state.intervalExits > 0) this.sink.exits(hart, state.intervalStart, state.intervalExits);
    }
    this.sink.finish();
  }

  private hart(hart: number): HartState {
    let state = this.harts[hart];
    if (state === undefined) {
      state = { since: 0, until: 0, mode: -1, last: 0, intervalStart: 0, intervalExits: 0 };
      this.harts[hart] = state;
    }
    return state;
  }

  /** The hart ran in `mode` up to `end`: extends the open stretch when the mode is the same, else reports it and opens a new one. */
  private closeStretch(hart: number, state: HartState, mode: number, end: number): void {
    if (end <= state.until) return;
    if (mode !== state.mode) {
      if (state.mode >= 0) this.sink.privilege(hart, state.mode, state.since, state.until);
      state.mode = mode;
      state.since = state.until;
    }
    state.until = end;
  }

  /** Counts an exit in its interval; a finished interval is reported, and an empty gap after it as one zero. */
  private countExit(hart: number, state: HartState, icount: number): void {
    const interval = this.exitInterval;
    if (icount >= state.intervalStart + interval) {
      this.sink.exits(hart, state.intervalStart, state.intervalExits);
      const next = state.intervalStart + interval;
      state.intervalStart = icount - (icount % interval);
      if (state.intervalStart > next) this.sink.exits(hart, next, 0);
      state.intervalExits = 0;
    }
    state.intervalExits++;
  }
}

/** An exit-counter interval for a run of `instructions`: a power of ten giving about 100 to 1000 samples, at least 1000. */
export function defaultExitInterval(instructions: number): number {
  if (instructions <= 100_000) return 1000;
  return 10 ** Math.floor(Math.log10(instructions / 100));
}
