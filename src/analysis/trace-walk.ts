import type { TraceEvent } from '../trace/events.js';
import type { TraceReader } from '../trace/reader.js';

/** Hand every event of the complete chunks of `reader` to `add`; `onChunk` hears the events done so far after each chunk. */
export function forEachEvent(reader: TraceReader, add: (event: TraceEvent) => void, onChunk?: (eventsDone: number) => void): void {
  let done = 0;
  for (let index = 0; index < reader.chunks.length; index++) {
    const events = reader.readChunk(index);
    for (let at = 0; at < events.length; at++) add(events[at]!);
    done += events.length;
    onChunk?.(done);
  }
}
