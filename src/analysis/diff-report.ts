/**
 * The text `deja diff` prints: "equivalent" with the counts of what was
 * compared, or each divergence with the events before it on both sides, side
 * by side.
 */
import type { TraceEvent } from '../trace/events.js';
import type { DiffResult, Divergence } from './diff.js';
import { describeEvent, type EventContext } from './event-text.js';

/** How each side is named and how its events are described. */
export interface ReportSides {
  readonly nameA: string;
  readonly nameB: string;
  readonly contextA: EventContext;
  readonly contextB: EventContext;
}

/** `matched` as `trap 3, io 120, end 1`, largest first. */
function countsText(matched: Readonly<Record<string, number>>): string {
  const entries = Object.entries(matched).sort((x, y) => y[1] - x[1]);
  return entries.length === 0 ? 'nothing' : entries.map(([kind, count]) => `${kind} ${count}`).join(', ');
}

/** Two columns: `left` padded to the widest left line, a gap, then `right`. */
function sideBySide(rows: ReadonlyArray<{ marker: string; left: string; right: string }>): string[] {
  const width = Math.max(...rows.map((row) => row.left.length));
  return rows.map((row) => `${row.marker} ${row.left.padEnd(width)}  | ${row.right}`.trimEnd());
}

/** The lines of one divergence: context, the differing events marked with `!`, and where the comparison resumed. */
function divergenceLines(divergence: Divergence, sides: ReportSides): string[] {
  const describe = (event: TraceEvent | undefined, context: EventContext): string =>
    event === undefined ? '(no more events)' : describeEvent(event, context);
  const rows: Array<{ marker: string; left: string; right: string }> = [{ marker: ' ', left: `A: ${sides.nameA}`, right: `B: ${sides.nameB}` }];
  const depth = Math.max(divergence.beforeA.length, divergence.beforeB.length);
  for (let index = 0; index < depth; index++) {
    const eventA = divergence.beforeA[divergence.beforeA.length - depth + index];
    const eventB = divergence.beforeB[divergence.beforeB.length - depth + index];
    rows.push({ marker: ' ', left: eventA === undefined ? '' : describeEvent(eventA, sides.contextA), right: eventB === undefined ? '' : describeEvent(eventB, sides.contextB) });
  }
  rows.push({ marker: '!', left: describe(divergence.a, sides.contextA), right: describe(divergence.b, sides.contextB) });
  const lines = sideBySide(rows);
  const resync = divergence.resync;
  if (resync !== undefined) {
    const shift = resync.shift === 0 ? 'at the same icounts' : `B ${resync.shift > 0 ? 'ahead' : 'behind'} by ${Math.abs(resync.shift)} instructions`;
    lines.push(`  resynchronised on ${describeEvent(resync.at, sides.contextA).replace(/\s+/g, ' ')} (skipped ${resync.skippedA} events of A, ${resync.skippedB} of B; ${shift})`);
  }
  return lines;
}

/** The whole report of `result` (without a trailing newline). */
export function diffReport(result: DiffResult, sides: ReportSides): string {
  const lines: string[] = [];
  const compared = Object.values(result.matched).reduce((sum, count) => sum + count, 0);
  const scope = `compared: ${result.kinds.join(', ')}${result.cutoff === undefined ? '' : `; up to icount ${result.cutoff.icounts.join('/')}, where ${result.cutoff.reason}`}`;
  if (result.divergences.length === 0) {
    lines.push(`equivalent: ${compared} events match (${countsText(result.matched)})`, scope);
    return lines.join('\n');
  }
  lines.push(`divergent: ${result.divergences.length === 1 ? 'first divergence' : `${result.divergences.length} divergences`} (${scope})`);
  result.divergences.forEach((divergence, index) => {
    lines.push('', result.divergences.length === 1 ? 'first divergence:' : `divergence ${index + 1}:`, ...divergenceLines(divergence, sides));
  });
  if (result.lostSync) lines.push('', 'no matching trap or digest found after the last divergence: stopped there');
  lines.push('', `matching events: ${compared} (${countsText(result.matched)})`);
  return lines.join('\n');
}
