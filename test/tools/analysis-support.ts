/**
 * Shared by the `deja stats`, `deja export` and `deja report` command tests:
 * running the built CLI, and bad traces made from the demo reference trace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventKind } from '../../src/trace/events.js';
import { TraceReader } from '../../src/trace/reader.js';
import { TraceWriter } from '../../src/trace/writer.js';
import { syntheticHeader } from '../unit/analysis/synthetic-trace.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** The demo reference trace. */
export const DEMO_TRACE = join(ROOT, 'traces', 'demo.deja');

/** Runs `deja` (the built CLI) with `args` from the repository root. */
export function deja(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'deja.js'), ...args], { encoding: 'utf8', timeout: 60_000, cwd: ROOT });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Bad and edge-case traces in a fresh directory. */
export function badTraces(): { dir: string; corrupt: string; corruptOffset: number; cut: string; empty: string; notATrace: string } {
  const dir = mkdtempSync(join(tmpdir(), 'deja-analysis-'));
  // The demo's events again, in chunks of 100 events, so that a cut leaves complete chunks.
  const rechunked = join(dir, 'rechunked.deja');
  const reader = TraceReader.open(DEMO_TRACE);
  const writer = TraceWriter.create(rechunked, reader.header, { chunkEvents: 100 });
  for (const event of reader.events()) if (event.kind !== EventKind.END) writer.append(event);
  const last = reader.readChunk(reader.chunks.length - 1).at(-1);
  reader.close();
  if (last?.kind !== EventKind.END) throw new Error('the demo trace does not end with an END event');
  writer.close(last);
  const chunks = TraceReader.open(rechunked).chunks;
  const corrupt = join(dir, 'corrupt.deja');
  const damaged = readFileSync(rechunked);
  damaged[chunks[1]!.offset + 40] ^= 0xff;
  writeFileSync(corrupt, damaged);
  const cut = join(dir, 'cut.deja');
  writeFileSync(cut, readFileSync(rechunked).subarray(0, chunks[2]!.offset + 30));
  const empty = join(dir, 'empty.deja');
  TraceWriter.create(empty, syntheticHeader()).abandon();
  const notATrace = join(dir, 'notes.txt');
  writeFileSync(notATrace, 'not a trace\n');
  return { dir, corrupt, corruptOffset: chunks[1]!.offset, cut, empty, notATrace };
}
