/**
 * Pure helpers of the benchmark harness: medians, rates, parsing dejavm's
 * `--stats` output and laying out a text table. Kept apart from the code that
 * spawns processes so they can be unit-tested without timing anything.
 */

/** The median of `values` (mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Millions of instructions per second for `instructions` retired in `wallMs` milliseconds. */
export function mips(instructions: number, wallMs: number): number {
  return instructions / (wallMs * 1000);
}

/**
 * The retired instruction count in dejavm's `--stats` report (a line
 * `instructions: N` on stderr), or `undefined` when there is none.
 */
export function parseInstructionCount(statsText: string): number | undefined {
  const match = /^instructions:\s*(\d+)\s*$/m.exec(statsText);
  return match === null ? undefined : Number(match[1]);
}

/** Lays out rows under a header as left-aligned text columns separated by two spaces. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}
