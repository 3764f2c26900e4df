import { describeEvent } from '../analysis/event-text.js';
import { ReplayError } from '../rr/replay-error.js';
import type { ReplayProgress, ReplaySession } from '../rr/replay-session.js';
import { TraceError } from '../trace/errors.js';
import type { TraceEvent } from '../trace/events.js';
import type { RetiredInstruction, Vmm } from '../vmm/vmm.js';
import type { DebugTarget, MoveResult } from './target.js';

/**
 * A recording under the debugger (`deja replay --gdb`): it moves forward by
 * replaying, checking every event, and backwards by seeking (the nearest
 * snapshot, then replay). It refuses register and memory changes, which
 * would make the replay leave the recording.
 */
export class ReplayTarget implements DebugTarget {
  readonly writable = false;

  constructor(private readonly session: ReplaySession) {}

  get vmm(): Vmm {
    return this.session.vmm;
  }

  position(): number {
    return this.session.icount();
  }

  endPosition(): number {
    return this.session.endIcount();
  }

  runTo(icount: number, onRetire?: (insn: RetiredInstruction) => void): MoveResult {
    return this.guarded(() => this.result(this.session.runTo(Math.min(icount, this.endPosition()), onRetire), icount));
  }

  seek(icount: number): MoveResult {
    return this.guarded(() => this.result(this.session.seek(Math.min(Math.max(icount, 0), this.endPosition())), icount));
  }

  /** A trace that turns out unreadable further on (a bad chunk or snapshot) stops the replay with its message. */
  private guarded(move: () => MoveResult): MoveResult {
    try {
      return move();
    } catch (error) {
      if (!(error instanceof ReplayError || error instanceof TraceError)) throw error;
      return { kind: 'diverged', message: `the trace cannot be replayed from here: ${error.message}` };
    }
  }

  private result(progress: ReplayProgress, wanted: number): MoveResult {
    const divergence = progress.divergence;
    if (divergence !== undefined) {
      return { kind: 'diverged', message: `hart ${divergence.hart} at icount ${divergence.icount}: the recording has ${this.describe(divergence.expected)}, the replay ${this.describe(divergence.actual)}` };
    }
    if (this.position() >= wanted) return { kind: 'moved' };
    if (this.position() >= this.endPosition() || this.session.finished) return { kind: 'history-end' };
    return { kind: 'paused' };
  }

  private describe(event: TraceEvent | undefined): string {
    if (event === undefined) return 'nothing more';
    return describeEvent(event, { devices: this.session.header.devices.map((device) => device.name) }).replace(/\s+/g, ' ');
  }

  /**
   * The recorded events around hart 0's `icount`: `before` events before
   * it, a marker line, and `after` events at or after it (from the chunks
   * around the position).
   */
  eventsNear(icount: number, before: number, after: number): string[] {
    const reader = this.session.reader;
    if (reader.chunks.length === 0) return [];
    const middle = reader.chunkIndexFor(icount);
    const events: TraceEvent[] = [];
    for (let index = Math.max(0, middle - 1); index <= Math.min(reader.chunks.length - 1, middle + 1); index++) events.push(...reader.readChunk(index));
    let split = events.findIndex((event) => event.hart === 0 && event.icount >= icount);
    if (split < 0) split = events.length;
    const context = { devices: this.session.header.devices.map((device) => device.name) };
    return [
      ...events.slice(Math.max(0, split - before), split).map((event) => describeEvent(event, context)),
      `---- here: hart 0 icount ${icount}`,
      ...events.slice(split, split + after).map((event) => describeEvent(event, context)),
    ];
  }
}
