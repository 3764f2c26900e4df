import { EventKind, type TraceEvent } from '../trace/events.js';
import type { TraceReader } from '../trace/reader.js';

/**
 * Reads a trace's events in order from a chunk boundary, one at a time,
 * decoding a chunk only when the cursor reaches it.
 */
export class EventCursor {
  private events: TraceEvent[] = [];
  private index = 0;
  private chunk: number;

  /** Starts at the first event of chunk `firstChunk` (0: the beginning of the run). */
  constructor(private readonly reader: TraceReader, firstChunk: number, private readonly kind?: EventKind) {
    this.chunk = firstChunk;
  }

  /** The next event (of the cursor's kind, if it has one), or undefined past the last complete chunk. */
  peek(): TraceEvent | undefined {
    for (;;) {
      while (this.index < this.events.length) {
        const event = this.events[this.index]!;
        if (this.kind === undefined || event.kind === this.kind) return event;
        this.index++;
      }
      if (this.chunk >= this.reader.chunks.length) return undefined;
      this.events = this.reader.readChunk(this.chunk++);
      this.index = 0;
    }
  }

  /**
   * The event `ahead` places after the one `peek` returns (0: that one),
   * ignoring the cursor's kind filter; undefined past the last complete chunk.
   */
  peekAhead(ahead: number): TraceEvent | undefined {
    if (this.peek() === undefined) return undefined;
    let index = this.index + ahead;
    let events = this.events;
    for (let chunk = this.chunk; index >= events.length; chunk++) {
      if (chunk >= this.reader.chunks.length) return undefined;
      index -= events.length;
      events = this.reader.readChunk(chunk);
    }
    return events[index];
  }

  /** Moves past the event `peek` returns. */
  next(): TraceEvent | undefined {
    const event = this.peek();
    if (event !== undefined) this.index++;
    return event;
  }
}

/** A cursor over the host-clock readings only, for feeding them back to the guest. */
export function clockCursor(reader: TraceReader, firstChunk: number): EventCursor {
  return new EventCursor(reader, firstChunk, EventKind.CLOCK);
}
