import type { Hart } from '../cpu/hart.js';
import type { RetiredInstruction } from '../vmm/vmm.js';
import { DebugMemory } from './debug-memory.js';
import type { StopPoints, Watchpoint } from './stop-points.js';
import type { DebugTarget, MoveResult } from './target.js';
import { DEBUGGER_STOP, TrapStops } from './trap-stops.js';

/** Why the target stopped, as a stop reply tells gdb. */
export type StopReason =
  | { readonly kind: 'step'; readonly hart: number }
  | { readonly kind: 'breakpoint'; readonly hart: number }
  | { readonly kind: 'watch'; readonly hart: number; readonly watchpoint: Watchpoint }
  | { readonly kind: 'interrupted'; readonly hart: number }
  | { readonly kind: 'exited'; readonly code: number; readonly message: string }
  | { readonly kind: 'history-begin' }
  | { readonly kind: 'history-end' }
  | { readonly kind: 'diverged'; readonly message: string };

/** Instructions per slice of a continue with no breakpoint or watchpoint set. */
const FREE_RUN_SLICE = 1_000_000;
/** Instructions per slice while every instruction is checked against the stop points. */
const CHECKED_SLICE = 100_000;
/** The first window a reverse-continue scans; each further window back is four times larger. */
const FIRST_REVERSE_WINDOW = 1 << 14;

/** Let pending socket events (an interrupt byte) run between slices of guest execution. */
function yieldToSocket(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function moveStop(result: MoveResult): StopReason | undefined {
  switch (result.kind) {
    case 'moved': case 'paused': return undefined;
    case 'history-end': return { kind: 'history-end' };
    case 'exited': return { kind: 'exited', code: result.code, message: result.message };
    case 'diverged': return { kind: 'diverged', message: result.message };
  }
}

/** A state where the guest would stop: its position, whether it is right after a trap, and why. */
interface Hit {
  readonly position: number;
  readonly afterTrap: boolean;
  readonly reason: StopReason;
}

/** A watched access hart 0 is about to make: a hit once the instruction at `pc` retires in place. */
interface PendingWatch {
  readonly position: number;
  readonly pc: bigint;
  readonly reason: StopReason;
}

/**
 * Forward and reverse execution with breakpoints and watchpoints, over any
 * target. Every guest step is synchronous; continues run in slices and
 * yield to the event loop between them so an interrupt from gdb is seen.
 * With stop points set, slices run one instruction at a time with a check
 * after each (the VMM's retire callback), which ends the move on a hit.
 *
 * A step retires exactly one instruction of hart 0 (a trap it takes and the
 * handler's first instruction included), except that a continue stops at a
 * trap handler's breakpoint right after the trap (see TrapStops): the
 * machine is then "after the trap" at the same position.
 *
 * Reverse execution is replay: reverse-stepi seeks to the previous
 * position (from after a trap: to the same position, before it);
 * reverse-continue replays windows before the current position forwards,
 * each from a seek, and stops at the last breakpoint or watchpoint hit of
 * the nearest window that has one.
 */
export class Execution {
  private interruptRequested = false;
  private readonly trapStops: TrapStops;
  /** Whether the machine stopped right after a trap, at a handler's breakpoint. */
  private afterTrap = false;

  constructor(private readonly target: DebugTarget, private readonly points: StopPoints) {
    this.trapStops = new TrapStops(target, points);
  }

  /** Ask a running continue to stop at its next slice boundary (gdb's Ctrl-C). */
  interrupt(): void {
    this.interruptRequested = true;
  }

  private harts(): readonly Hart[] {
    return this.target.vmm.machine.harts;
  }

  /**
   * Run forward to `limit` (hart 0's icount), calling `check` after every
   * retired instruction and stopping right there when it says so;
   * trap-handler breakpoints stop it too (`trapped`, the machine then after
   * the trap).
   */
  private runChecked(limit: number, check: (insn: RetiredInstruction) => boolean): { result: MoveResult; trapped: boolean } {
    let result: MoveResult = { kind: 'moved' };
    const trapped = this.trapStops.during(() => {
      try {
        result = this.target.runTo(limit, (insn) => {
          if (check(insn)) throw DEBUGGER_STOP;
        });
      } catch (signal) {
        if (signal !== DEBUGGER_STOP) throw signal;
        result = { kind: 'paused' };
      }
    });
    this.afterTrap = trapped;
    return { result, trapped };
  }

  /**
   * Whether the guest stops in its current state: a hart's pc is at a
   * breakpoint, or hart 0's next instruction accesses watched memory. gdb
   * treats RISC-V watchpoints as firing before the access (as the debug
   * triggers do), steps over the instruction itself and compares the values.
   */
  private stopHere(): StopReason | undefined {
    return this.breakpointHere() ?? this.watchHere();
  }

  private breakpointHere(): StopReason | undefined {
    const harts = this.harts();
    for (let i = 0; i < harts.length; i++) {
      if (this.points.hasBreakpointAt(harts[i]!.pc)) return { kind: 'breakpoint', hart: i };
    }
    return undefined;
  }

  private watchHere(): StopReason | undefined {
    if (!this.points.watching) return undefined;
    const access = this.points.nextAccess(this.harts()[0]!, new DebugMemory(this.target.vmm.machine.bus));
    const watchpoint = access === undefined ? undefined : this.points.watchHit(access);
    return watchpoint === undefined ? undefined : { kind: 'watch', hart: 0, watchpoint };
  }

  /** Whether hart 0's instruction at `pc` retired without a trap: loads, stores and AMOs never jump, so the pc is just past it. */
  private retiredInPlace(pc: bigint): boolean {
    const now = this.harts()[0]!.getPc();
    return now === pc + 2n || now === pc + 4n;
  }

  /** gdb's `s`: one instruction forward, unless that instruction is about to trigger a watchpoint. */
  step(): StopReason {
    this.afterTrap = false;
    return this.watchHere() ?? moveStop(this.target.runTo(this.target.position() + 1)) ?? { kind: 'step', hart: 0 };
  }

  /**
   * gdb's `c`: forward to a breakpoint, a watchpoint, the end of the run or
   * an interrupt; the first instruction always runs (gdb resumes from a stop).
   */
  async continueForward(): Promise<StopReason> {
    this.interruptRequested = false;
    for (let first = true; ; first = false) {
      if (!first) await yieldToSocket();
      if (this.interruptRequested) return { kind: 'interrupted', hart: 0 };
      if (this.points.empty) {
        this.afterTrap = false;
        const stop = moveStop(this.target.runTo(this.target.position() + FREE_RUN_SLICE));
        if (stop !== undefined) return stop;
        continue;
      }
      let hit: StopReason | undefined;
      const { result, trapped } = this.runChecked(this.target.position() + CHECKED_SLICE, () => {
        hit = this.stopHere();
        return hit !== undefined;
      });
      const stop = trapped ? this.stopHere() : hit ?? moveStop(result);
      if (stop !== undefined) return stop;
    }
  }

  /** gdb's `bs`: one instruction back. */
  reverseStep(): StopReason {
    const seek = this.requireSeek();
    const position = this.target.position();
    const back = this.afterTrap ? position : position - 1;
    if (back < 0) return { kind: 'history-begin' };
    return moveStop(seek(back)) ?? { kind: 'step', hart: 0 };
  }

  private requireSeek(): (icount: number) => MoveResult {
    const target = this.target;
    if (target.seek === undefined) throw new Error('this target does not go backwards');
    return (icount) => {
      this.afterTrap = false;
      return target.seek!(icount);
    };
  }

  /** Go to `icount` (`monitor seek`); only for targets that go back. */
  seek(icount: number): MoveResult {
    return this.requireSeek()(icount);
  }

  /** gdb's `bc`: back to the last breakpoint or watchpoint hit before the current position, or to the start. */
  async continueBackward(): Promise<StopReason> {
    const seek = this.requireSeek();
    this.interruptRequested = false;
    if (this.points.empty) return moveStop(seek(0)) ?? { kind: 'history-begin' };
    // After a trap, the state before it (same position) is still in the past.
    let end = this.target.position();
    let endIncluded = this.afterTrap;
    for (let window = FIRST_REVERSE_WINDOW; end > 0 || endIncluded; window *= 4) {
      const start = Math.max(0, end - window);
      const found = await this.lastHitBetween(start, end, endIncluded, seek);
      if (found === 'interrupted') return { kind: 'interrupted', hart: 0 };
      if (found !== undefined) return this.goToHit(found, seek);
      end = start;
      endIncluded = false;
    }
    return moveStop(seek(0)) ?? { kind: 'history-begin' };
  }

  private goToHit(hit: Hit, seek: (icount: number) => MoveResult): StopReason {
    const stop = moveStop(seek(hit.position));
    if (stop !== undefined) return stop;
    if (hit.afterTrap && !this.runChecked(hit.position + 1, () => false).trapped) {
      return { kind: 'diverged', message: `the trap at icount ${hit.position} did not happen again` };
    }
    return hit.reason;
  }

  /**
   * Replay from `start` (a seek) to `end` and return the last state where
   * the guest would stop going backwards: breakpoints at positions before
   * `end` (and the state at `end` itself when `endIncluded`), and accesses
   * to watched memory, just after them (gdb steps back over the access
   * itself; an access that trapped instead of retiring did not happen).
   * The target is then somewhere in the window; or 'interrupted'.
   */
  private async lastHitBetween(start: number, end: number, endIncluded: boolean, seek: (icount: number) => MoveResult): Promise<Hit | 'interrupted' | undefined> {
    const failed = moveStop(seek(start));
    if (failed !== undefined) return { position: start, afterTrap: false, reason: failed };
    let last: Hit | undefined;
    let pending: PendingWatch | undefined;
    const observe = (afterTrap: boolean): void => {
      const position = this.target.position();
      if (pending !== undefined && position === pending.position + 1 && this.retiredInPlace(pending.pc)) {
        last = { position, afterTrap: false, reason: pending.reason };
      }
      pending = undefined;
      const breakpoint = position < end || endIncluded ? this.breakpointHere() : undefined;
      if (breakpoint !== undefined) last = { position, afterTrap, reason: breakpoint };
      const watch = position < end ? this.watchHere() : undefined;
      if (watch !== undefined) pending = { position, pc: this.harts()[0]!.getPc(), reason: watch };
    };
    observe(false);
    while (this.target.position() < end) {
      const before = this.target.position();
      const { result, trapped } = this.runChecked(Math.min(end, this.target.position() + CHECKED_SLICE), (insn) => {
        if (insn.hart === 0) observe(false);
        return false;
      });
      if (trapped) observe(true);
      else if (moveStop(result) !== undefined || this.target.position() === before) break;
      await yieldToSocket();
      if (this.interruptRequested) {
        seek(start);
        return 'interrupted';
      }
    }
    return last;
  }
}
