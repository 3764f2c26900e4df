import type { RetiredInstruction, Vmm } from '../vmm/vmm.js';

/** How a forward move of the target ended. */
export type MoveResult =
  /** The target reached the position asked for. */
  | { readonly kind: 'moved' }
  /** The move ended before the position (the debugger stopped it, or the VMM was paused). */
  | { readonly kind: 'paused' }
  /** A replay reached the end of the recording before it. */
  | { readonly kind: 'history-end' }
  /** The guest finished (power-off, reset, a hart stuck for good). */
  | { readonly kind: 'exited'; readonly code: number; readonly message: string }
  /** A replay no longer matches its recording, or its trace cannot be read further. */
  | { readonly kind: 'diverged'; readonly message: string };

/**
 * What the debugger drives: a machine that runs forward to exact positions
 * and, for a replay, goes back. A position is hart 0's icount (retired
 * instructions); with several harts the others follow the VMM's
 * deterministic round-robin. Every move is synchronous.
 */
export interface DebugTarget {
  /** The machine at the current position (a replay may build a new one on a seek: read it every time). */
  readonly vmm: Vmm;
  /** Whether registers and memory may be changed (a replay must stay what was recorded). */
  readonly writable: boolean;
  /** Hart 0's icount now. */
  position(): number;
  /**
   * Run forward until hart 0's icount is `icount` (or the run ends first).
   * With `onRetire`, instructions run one at a time and each is reported
   * (a callback may throw to end the move between two instructions).
   */
  runTo(icount: number, onRetire?: (insn: RetiredInstruction) => void): MoveResult;
  /** Go to `icount`, backwards or forwards: present only on targets that go back (`bs`, `bc`, `monitor seek`). */
  seek?(icount: number): MoveResult;
  /** The recorded events around `icount`, one line each, when the target has a recording. */
  eventsNear?(icount: number, before: number, after: number): string[];
  /** The last position a replay can reach, when the target has a recording. */
  endPosition?(): number;
}
