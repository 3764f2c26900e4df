/**
 * A progress bar for long commands (record, replay, diff, stats, export):
 * drawn on stderr when stderr is a terminal, silent otherwise (pipes, CI logs,
 * tests). Redraws at most ten times a second; `done()` erases the bar so the
 * command's own output starts on a clean line.
 *
 * ```ts
 * const bar = progress('stats', reader.eventCount);
 * bar.update(eventsDone);
 * bar.done();
 * ```
 */

/** A running progress bar. */
export interface Progress {
  /** Reports `done` units out of the total (values past the total show as 100%). */
  update(done: number): void;
  /** Erases the bar; later updates are ignored. */
  done(): void;
}

/** Where the bar is drawn: a writable with the TTY fields of `process.stderr`. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** Options of {@link progress}, for tests and callers with their own stream. */
export interface ProgressOptions {
  /** Default `process.stderr`. */
  stream?: ProgressStream;
  /** Milliseconds clock for throttling redraws (default `Date.now`). */
  now?: () => number;
}

const REDRAW_INTERVAL_MS = 100;
const SILENT: Progress = { update: () => undefined, done: () => undefined };

/** A bar labelled `label` counting up to `total` units (0 = unknown: shows the count only). */
export function progress(label: string, total: number, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (!stream.isTTY) return SILENT;
  const now = options.now ?? Date.now;
  let lastDraw = -Infinity;
  let finished = false;
  let drawn = false;
  return {
    update(done: number): void {
      if (finished) return;
      const time = now();
      if (time - lastDraw < REDRAW_INTERVAL_MS && done < total) return;
      lastDraw = time;
      drawn = true;
      stream.write(`\r${progressLine(label, done, total, stream.columns ?? 80)}\x1b[K`);
    },
    done(): void {
      if (finished) return;
      finished = true;
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}

/** The text of the bar for `done` of `total` in a terminal `columns` wide: `label [#####.....]  50% 5/10`. */
export function progressLine(label: string, done: number, total: number, columns: number): string {
  if (total <= 0) return `${label} ${done}`;
  const fraction = Math.min(1, Math.max(0, done / total));
  const tail = ` ${String(Math.floor(fraction * 100)).padStart(3)}% ${Math.min(done, total)}/${total}`;
  const width = Math.max(10, Math.min(40, columns - label.length - tail.length - 4));
  const filled = Math.round(fraction * width);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}]${tail}`;
}
