/**
 * Crash safety of `deja record`: real recordings are killed with SIGKILL at
 * seeded pseudo-random moments, and every file left behind must read back —
 * no footer, every complete chunk decodes, icounts never go back on a hart —
 * and `deja dump` must show it with the note that the recording was cut.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventKind } from '../../src/trace/events.js';
import { TraceReader } from '../../src/trace/reader.js';
import { GUEST_BIN_DIR, REPO_ROOT } from '../guests/guests.js';
import { LINUX_IMAGE, LINUX_INITRD } from '../support/linux-guest.js';

const DEJA = join(REPO_ROOT, 'bin', 'deja.js');

/** The seed of the kill delays: change it to explore other moments, keep it fixed so failures reproduce. */
const SEED = 0x5eed_dea1;
const KILLS = 5;
const MIN_DELAY_MS = 300;
const MAX_DELAY_MS = 3500;

/**
 * The guest recorded: the Linux boot when it is built, else the bench guest
 * (always shipped, so the test runs everywhere). Both must still be running
 * at the latest kill: the Linux boot records a digest every 500,000
 * instructions, which stretches it to several seconds and adds DIGEST events
 * to the chunks; the bench guest runs for seconds by itself.
 */
function recordedGuest(): { name: string; flags: string[] } {
  if (existsSync(LINUX_IMAGE) && existsSync(LINUX_INITRD)) {
    return {
      name: 'the Linux boot',
      flags: ['--digest-every', '500000', '--bios', 'builtin', '--kernel', LINUX_IMAGE, '--initrd', LINUX_INITRD, '--append', 'console=ttyS0 earlycon=sbi'],
    };
  }
  return { name: 'the bench guest', flags: ['--bios', 'none', '--kernel', join(GUEST_BIN_DIR, 'bench.elf')] };
}

/** mulberry32: a small seeded generator of uniform numbers in [0, 1). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Starts `deja record -o path`, kills it with SIGKILL after `delayMs`, and resolves with the signal that ended it. */
function recordAndKill(path: string, flags: readonly string[], delayMs: number): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DEJA, 'record', '-o', path, ...flags], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal);
    });
  });
}

/** What reading one cut file found. */
interface CutFileReport {
  chunks: number;
  events: number;
}

/** Reads every event of a cut trace and checks it; returns what it found. */
function checkCutFile(path: string): CutFileReport {
  const reader = TraceReader.open(path);
  try {
    expect(reader.footer).toBeUndefined();
    expect(reader.truncated).toBeDefined();
    const lastIcount = new Map<number, number>();
    let events = 0;
    for (const event of reader.events()) {
      expect(event.kind).not.toBe(EventKind.END);
      const previous = lastIcount.get(event.hart) ?? 0;
      expect(event.icount, `hart ${event.hart}'s icount went back at event ${events}`).toBeGreaterThanOrEqual(previous);
      lastIcount.set(event.hart, event.icount);
      events++;
    }
    expect(events).toBe(reader.eventCount);
    return { chunks: reader.chunks.length, events };
  } finally {
    reader.close();
  }
}

const guest = recordedGuest();
const random = seededRandom(SEED);
const delays = Array.from({ length: KILLS }, () => Math.round(MIN_DELAY_MS + random() * (MAX_DELAY_MS - MIN_DELAY_MS)));
const scratch = mkdtempSync(join(tmpdir(), 'deja-kill-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe(`deja record of ${guest.name}, killed with SIGKILL after ${delays.join(', ')} ms (seed ${SEED.toString(16)})`, () => {
  const reports: (CutFileReport | 'before the header')[] = [];

  it.each(delays.map((delayMs, kill) => ({ delayMs, kill: kill + 1 })))('kill $kill after $delayMs ms leaves a file whose complete chunks all read', async ({ delayMs, kill }) => {
    const path = join(scratch, `kill-${kill}.trace`);
    const signal = await recordAndKill(path, guest.flags, delayMs);
    expect(signal, 'the recording ended before the kill: dejavm not built (`npm run build`), or the guest too short').toBe('SIGKILL');
    if (!existsSync(path) || statSync(path).size === 0) {
      reports.push('before the header');
      return;
    }
    reports.push(checkCutFile(path));
    const dump = spawnSync(process.execPath, [DEJA, 'dump', path], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(dump.status, dump.stderr).toBe(2);
    expect(dump.stderr).toContain('ends without a footer');
  }, 30_000);

  it('cut at least one recording after its first chunk went out, so the checks above read real events', () => {
    const withEvents = reports.filter((report) => report !== 'before the header' && report.chunks > 0 && report.events > 0);
    expect(withEvents.length, JSON.stringify(reports)).toBeGreaterThan(0);
  });
});
