import type { Hart } from '../cpu/hart.js';
import { DebugMemory } from './debug-memory.js';
import type { StopPoints, Watchpoint } from './stop-points.js';
import type { DebugTarget, MoveResult } from './target.js';

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

/** Instructions between two looks at the socket (for Ctrl-C) while stepping one by one. */
const STEPS_PER_SLICE = 20_000;
/** Instructions per slice of a continue with no breakpoint or watchpoint set. */
const FREE_RUN_SLICE = 1_000_000;
/** The first window a reverse-continue scans; each further window back is four times larger. */
const FIRST_REVERSE_WINDOW = 1 << 14;

/** Let pending socket events (an interrupt byte) run between slices of guest execution. */
function yieldToSocket(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function moveStop(result: MoveResult): StopReason | undefined {
  switch (result.kind) {
    case 'moved': return undefined;
    case 'history-end': return { kind: 'history-end' };
    case 'exited': return { kind: 'exited', code: result.code, message: result.message };
    case 'diverged': return { kind: 'diverged', message: result.message };
  }
}

/**
 * Forward and reverse execution with breakpoints and watchpoints, over any
 * target. Every guest step is synchronous; continues run in slices and
 * yield to the event loop between them so an interrupt from gdb is seen.
 *
 * Reverse execution is replay: reverse-stepi seeks to the previous
 * position; reverse-continue scans windows before the current position
 * forwards, each from a seek, and stops at the last breakpoint or
 * watchpoint hit of the nearest window that has one.
 */
export class Execution {
  private interruptRequested = false;

  constructor(private readonly target: DebugTarget, private readonly points: StopPoints) {}

  /** Ask a running continue to stop at its next slice boundary (gdb's Ctrl-C). */
  interrupt(): void {
    this.interruptRequested = true;
  }

  private harts(): readonly Hart[] {
    return this.target.vmm.machine.harts;
  }

  /** One instruction forward (hart 0's icount + 1); a stop if the move could not be made. */
  private advance(): StopReason | undefined {
    return moveStop(this.target.runTo(this.target.position() + 1));
  }

  /**
   * Whether the guest stops in its current state: a hart's pc is at a
   * breakpoint, or hart 0's next instruction accesses watched memory. gdb
   * treats RISC-V watchpoints as firing before the access (as the debug
   * triggers do), steps over the instruction itself and compares the values.
   */
  private stopHere(): StopReason | undefined {
    const harts = this.harts();
    for (let i = 0; i < harts.length; i++) {
      if (this.points.hasBreakpoint(harts[i]!.getPc())) return { kind: 'breakpoint', hart: i };
    }
    return this.watchHere();
  }

  private watchHere(): StopReason | undefined {
    if (!this.points.watching) return undefined;
    const access = this.points.nextAccess(this.harts()[0]!, new DebugMemory(this.target.vmm.machine.bus));
    const watchpoint = access === undefined ? undefined : this.points.watchHit(access);
    return watchpoint === undefined ? undefined : { kind: 'watch', hart: 0, watchpoint };
  }

  /** gdb's `s`: one instruction forward, unless that instruction is about to trigger a watchpoint. */
  step(): StopReason {
    return this.watchHere() ?? this.advance() ?? { kind: 'step', hart: 0 };
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
        const stop = moveStop(this.target.runTo(this.target.position() + FREE_RUN_SLICE));
        if (stop !== undefined) return stop;
        continue;
      }
      for (let i = 0; i < STEPS_PER_SLICE; i++) {
        const stop = this.advance() ?? this.stopHere();
        if (stop !== undefined) return stop;
      }
    }
  }

  /** gdb's `bs`: one instruction back. */
  reverseStep(): StopReason {
    const seek = this.requireSeek();
    const position = this.target.position();
    if (position === 0) return { kind: 'history-begin' };
    return moveStop(seek(position - 1)) ?? { kind: 'step', hart: 0 };
  }

  private requireSeek(): (icount: number) => MoveResult {
    const target = this.target;
    if (target.seek === undefined) throw new Error('this target does not go backwards');
    return (icount) => target.seek!(icount);
  }

  /** gdb's `bc`: back to the last breakpoint or watchpoint hit before the current position, or to the start. */
  async continueBackward(): Promise<StopReason> {
    const seek = this.requireSeek();
    this.interruptRequested = false;
    let end = this.target.position();
    for (let window = FIRST_REVERSE_WINDOW; end > 0; window *= 4) {
      const start = Math.max(0, end - window);
      const found = await this.lastHitBetween(start, end, seek);
      if (found === 'interrupted') return { kind: 'interrupted', hart: 0 };
      if (found !== undefined) {
        const stop = moveStop(seek(found.position));
        return stop ?? found.reason;
      }
      end = start;
    }
    return moveStop(seek(0)) ?? { kind: 'history-begin' };
  }

  /**
   * Replay `[start, end)` from a seek and return the last position in it
   * where a breakpoint or watchpoint would stop the guest (the target is then
   * somewhere in the window), or 'interrupted'.
   */
  private async lastHitBetween(
    start: number,
    end: number,
    seek: (icount: number) => MoveResult,
  ): Promise<{ position: number; reason: StopReason } | 'interrupted' | undefined> {
    const target = this.target;
    const failed = moveStop(seek(start));
    if (failed !== undefined) return { position: start, reason: failed };
    let last: { position: number; reason: StopReason } | undefined;
    let steps = 0;
    while (target.position() < end) {
      const position = target.position();
      const hit = this.stopHere();
      if (hit !== undefined) last = { position, reason: hit };
      if (this.advance() !== undefined || target.position() === position) break;
      if (++steps % STEPS_PER_SLICE === 0) {
        await yieldToSocket();
        if (this.interruptRequested) {
          seek(start);
          return 'interrupted';
        }
      }
    }
    return last;
  }
}
