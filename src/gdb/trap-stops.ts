import type { Hart } from '../cpu/hart.js';
import type { Vmm } from '../vmm/vmm.js';
import type { StopPoints } from './stop-points.js';
import type { DebugTarget } from './target.js';

/**
 * Thrown from a VMM callback (a trap observer, a retire callback) to end a
 * debugger's move right there, between two instructions or right after a
 * trap was taken. Why not `Vmm.pause()`: a replay session resumes after
 * pauses it did not ask for (its feed mode pauses at line changes), while an
 * exception unwinds to the debugger in every target; the VMM keeps its slice
 * suspended exactly as when a run limit is reached.
 */
class DebuggerStop {}

/** The one stop signal (it carries nothing). */
export const DEBUGGER_STOP = new DebuggerStop();

/**
 * Stops the machine right after a trap is taken when the handler's first
 * instruction holds a breakpoint.
 *
 * Why: positions are icounts, and taking a trap retires nothing, so one
 * instruction's step takes the trap and runs the handler's first
 * instruction together; a breakpoint there would never be seen between two
 * steps. The trap observer (chained after the recorder's, so a replay still
 * compares the event) throws `DEBUGGER_STOP` instead, leaving the hart at
 * the handler with the icount unchanged.
 */
export class TrapStops {
  private stopped = false;

  constructor(private readonly target: DebugTarget, private readonly points: StopPoints) {}

  /**
   * Run `move` with trap stops armed (`move` must catch `DEBUGGER_STOP`);
   * true if a trap stop ended it (the machine is then at a handler's
   * breakpoint, at the same position).
   */
  during(move: () => void): boolean {
    const hook = hookFor(this.target.vmm);
    hook.armed = this;
    this.stopped = false;
    try {
      move();
    } finally {
      hook.armed = undefined;
    }
    return this.stopped;
  }

  /** Told by the machine's trap hook, during a move, that `hart` just took a trap: stop there if its handler holds a breakpoint. */
  trapTaken(hart: Hart): void {
    if (!this.points.hasBreakpointAt(hart.pc)) return;
    this.stopped = true;
    throw DEBUGGER_STOP;
  }
}

/** The observer chained into one machine's trap reports, and the trap stops it serves while a move runs. */
interface TrapHook {
  armed: TrapStops | undefined;
}

/** One hook per machine, whatever the number of debugger sessions it sees (each connection has its own). */
const HOOKS = new WeakMap<Vmm, TrapHook>();

/** The hook of `vmm`, chained after its trap observers (the recorder's: a replay still compares the event) on first use. */
function hookFor(vmm: Vmm): TrapHook {
  const existing = HOOKS.get(vmm);
  if (existing !== undefined) return existing;
  const hook: TrapHook = { armed: undefined };
  for (const hart of vmm.machine.harts) {
    const core = vmm.backend.forHart(hart);
    const inner = core.onTrap;
    core.onTrap = (info) => {
      inner?.(info);
      hook.armed?.trapTaken(hart);
    };
  }
  HOOKS.set(vmm, hook);
  return hook;
}
