import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventKind } from '../../src/trace/events.js';
import { TraceReader } from '../../src/trace/reader.js';
import { GUESTS, guestImage } from '../guests/guests.js';
import { deja, equivalence, ROOT } from '../support/deja-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'deja-replay-'));

/** Digest and snapshot intervals small enough to give every guest some, large enough for the bench guest. */
function intervals(name: string): string[] {
  return name === 'bench' ? ['--digest-every', '100000000', '--snapshot-every', '50000000'] : ['--digest-every', '2000', '--snapshot-every', '3000'];
}

/**
 * Record, replay and compare (design rule: every guest we run is also
 * recorded and replayed): the replay checks every event, prints the same
 * console, ends the same way, in verify mode and in feed mode.
 */
describe.each(GUESTS)('record and replay $name', ({ name, output, exitCode }) => {
  const trace = join(scratch, `${name}.deja`);
  const kernel = relative(ROOT, guestImage(name));

  it('replays equivalently with the same console, in verify and in feed mode', () => {
    const recorded = deja(['record', '-o', trace, '--kernel', kernel, ...intervals(name)]);
    expect(recorded.stdout).toBe(output);
    expect(recorded.status).toBe(exitCode);
    const reader = TraceReader.open(trace);
    const events = reader.eventCount;
    const end = [...reader.readChunk(reader.chunks.length - 1)].find((event) => event.kind === EventKind.END);
    reader.close();
    for (const mode of [[], ['--feed']]) {
      const replayed = deja(['replay', trace, ...mode]);
      expect(replayed.stderr).toMatch(/^deja replay: equivalent: /m);
      expect(replayed.status).toBe(0);
      expect(replayed.stdout).toBe(output);
      const verdict = equivalence(replayed.stderr)!;
      expect(verdict.events).toBe(events);
      expect(end?.kind === EventKind.END && Buffer.from(end.sha256).toString('hex')).toBe(verdict.digest);
    }
  }, 240_000);
});

describe('a recording stopped by --max-insns', () => {
  it.each([2999, 3000])('replays to its limit (%i, the limit on a snapshot and digest boundary or not)', (limit) => {
    const trace = join(scratch, `limit-${limit}.deja`);
    const recorded = deja(['record', '-o', trace, '--kernel', relative(ROOT, guestImage('demo')), '--max-insns', String(limit), '--snapshot-every', '1000', '--digest-every', '1000']);
    expect(recorded.status).toBe(124);
    for (const extra of [[], ['--feed'], ['--from', '2500']]) {
      const replayed = deja(['replay', trace, ...extra]);
      expect(replayed.stderr).toContain(`deja replay: equivalent: `);
      expect(replayed.stderr).toContain(`run ended: instruction limit reached (${limit})`);
      expect(replayed.status).toBe(0);
    }
  });
});

describe('seeking through snapshots', () => {
  const kernel = relative(ROOT, guestImage('demo'));
  const withSnapshots = join(scratch, 'seek-snapshots.deja');
  const without = join(scratch, 'seek-plain.deja');

  it('--at N --print-state shows the same state whether it restores a snapshot or replays from the start', () => {
    expect(deja(['record', '-o', withSnapshots, '--kernel', kernel, '--snapshot-every', '500']).status).toBe(0);
    expect(deja(['record', '-o', without, '--kernel', kernel]).status).toBe(0);
    for (const at of [0, 1, 499, 500, 501, 2222, 3999, 4677]) {
      const fromSnapshot = deja(['replay', withSnapshots, '--at', String(at), '--print-state']);
      const fromStart = deja(['replay', without, '--at', String(at), '--print-state']);
      expect(fromSnapshot.status).toBe(0);
      expect(fromSnapshot.stdout).toMatch(new RegExp(`^hart 0 at icount ${at}: pc 0x[0-9a-f]+ `));
      expect(fromSnapshot.stdout).toBe(fromStart.stdout);
    }
  });

  it('--from N replays from the nearest snapshot and prints the console from there; --to stops early', () => {
    const whole = deja(['replay', withSnapshots]).stdout;
    const tail = deja(['replay', withSnapshots, '--from', '3000']);
    expect(tail.status).toBe(0);
    expect(tail.stdout.length).toBeGreaterThan(0);
    expect(tail.stdout.length).toBeLessThan(whole.length);
    expect(whole.endsWith(tail.stdout)).toBe(true);
    const head = deja(['replay', withSnapshots, '--to', '2000']);
    expect(head.status).toBe(0);
    expect(head.stderr).toMatch(/stopped at icount 2000 of 4677/);
  });
});
