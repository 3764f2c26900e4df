import type { RetiredInstruction, RunOutcome, Vmm } from '../vmm/vmm.js';
import type { DebugTarget, MoveResult } from './target.js';

/**
 * A running machine under the debugger (`deja run --gdb`): it starts halted
 * at reset and only goes forward. Once the guest has finished, every move
 * reports the same exit.
 */
export class LiveTarget implements DebugTarget {
  readonly writable = true;
  private finished: RunOutcome | undefined;

  constructor(readonly vmm: Vmm) {}

  /** How the guest finished, once it has. */
  outcome(): RunOutcome | undefined {
    return this.finished;
  }

  position(): number {
    return this.vmm.machine.harts[0]!.icount;
  }

  runTo(icount: number, onRetire?: (insn: RetiredInstruction) => void): MoveResult {
    if (this.finished === undefined) {
      const outcome = this.vmm.run(icount, onRetire);
      if (outcome.reason === 'paused') return { kind: 'paused' };
      if (outcome.reason !== 'max-insns') this.finished = outcome;
    }
    const end = this.finished;
    if (end === undefined) return { kind: 'moved' };
    return { kind: 'exited', code: end.exitCode, message: end.message };
  }
}
