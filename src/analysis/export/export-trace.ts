/**
 * `deja export`: drives a timeline sink over every complete chunk of a trace,
 * in the format asked for.
 */
import type { TraceReader } from '../../trace/reader.js';
import { ChromeJsonSink } from './chrome-json.js';
import { PerfettoSink } from './perfetto.js';
import { defaultExitInterval, TimelineBuilder, type TimelineSink } from './timeline.js';

/** The export formats. */
export const EXPORT_FORMATS = ['perfetto', 'chrome-json'] as const;

/** One of {@link EXPORT_FORMATS}. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Options of {@link exportTrace}. */
export interface ExportOptions {
  /** Instructions per exit-counter sample (default: {@link defaultExitInterval} of the run's length). */
  exitInterval?: number;
  /** Hears the number of events done after each chunk. */
  onChunk?: (eventsDone: number) => void;
}

/** The highest icount in the trace's last chunk: the run's length, as far as the file goes. */
export function lastIcount(reader: TraceReader): number {
  if (reader.chunks.length === 0) return 0;
  let last = 0;
  for (const event of reader.readChunk(reader.chunks.length - 1)) if (event.icount > last) last = event.icount;
  return last;
}

/**
 * Writes the timeline of `reader`'s events in `format` through `write`, in
 * file order; each piece is a view valid only during the call.
 */
export function exportTrace(reader: TraceReader, format: ExportFormat, write: (bytes: Uint8Array) => void, options: ExportOptions = {}): void {
  const sink: TimelineSink = format === 'perfetto' ? new PerfettoSink(write) : new ChromeJsonSink(write);
  const interval = options.exitInterval ?? defaultExitInterval(lastIcount(reader));
  const builder = new TimelineBuilder(sink, reader.header.machine.harts, reader.header.devices.map((device) => device.name), interval);
  let done = 0;
  for (let index = 0; index < reader.chunks.length; index++) {
    const events = reader.readChunk(index);
    for (let at = 0; at < events.length; at++) builder.add(events[at]!);
    done += events.length;
    options.onChunk?.(done);
  }
  builder.finish();
}
