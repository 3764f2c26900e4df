import type { DebugTarget, MoveResult } from '../../../src/gdb/target.js';
import type { RetiredInstruction, Vmm } from '../../../src/vmm/vmm.js';

/**
 * A reversible target for tests that need no recording: a seek builds the
 * machine afresh and runs it forward to the position (exact, since a run is
 * a pure function of its images). Like a replay it refuses changes, and
 * `end` plays the part of the end of the recording.
 */
export class ReexecutionTarget implements DebugTarget {
  readonly writable = false;
  vmm: Vmm;

  constructor(private readonly build: () => Vmm, private readonly end: number) {
    this.vmm = build();
  }

  position(): number {
    return this.vmm.machine.harts[0]!.icount;
  }

  endPosition(): number {
    return this.end;
  }

  runTo(icount: number, onRetire?: (insn: RetiredInstruction) => void): MoveResult {
    const outcome = this.vmm.run(Math.min(icount, this.end), onRetire);
    if (outcome.reason === 'paused') return { kind: 'paused' };
    if (outcome.reason !== 'max-insns' || icount > this.end) return { kind: 'history-end' };
    return { kind: 'moved' };
  }

  seek(icount: number): MoveResult {
    this.vmm = this.build();
    return this.runTo(icount);
  }
}
