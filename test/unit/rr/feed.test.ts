import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hartRegisters } from '../../../src/analysis/hart-registers.js';
import { machineDigest } from '../../../src/rr/digest.js';
import { ReplaySession, type ReplayOptions } from '../../../src/rr/replay-session.js';
import { EventKind, type TraceEvent } from '../../../src/trace/events.js';
import { TraceReader } from '../../../src/trace/reader.js';
import { recordToFile } from '../../../tools/record.js';
import { guestImage } from '../../guests/guests.js';

const scratch = mkdtempSync(join(tmpdir(), 'deja-feed-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const DEMO = guestImage('demo');
const WITH_SNAPSHOTS = join(scratch, 'demo-snapshots.deja');
const WITHOUT_SNAPSHOTS = join(scratch, 'demo.deja');
const TWO_HARTS = join(scratch, 'demo-2-harts.deja');
/** RTC register the demo reads (TIME_LOW). */
const RTC_TIME_LOW = 0;

/** Records the demo guest in-process (virtual clock, interpreter) into `path`. */
function recordDemo(path: string, snapshotEvery: number, harts = 1): void {
  const console: number[] = [];
  const outcome = recordToFile({
    config: { kernel: { name: DEMO, bytes: new Uint8Array(readFileSync(DEMO)) }, memoryMiB: 16, harts },
    maxInstructions: Infinity,
    path,
    force: true,
    digestEvery: 1000,
    snapshotEvery,
    output: { console: (byte) => console.push(byte), flush: () => {} },
  });
  expect(outcome.reason).toBe('pass');
}

/** Every event of a trace. */
function traceEvents(path: string): TraceEvent[] {
  const reader = TraceReader.open(path);
  try {
    return [...reader.events()];
  } finally {
    reader.close();
  }
}

function withSession<T>(path: string, options: ReplayOptions, use: (session: ReplaySession) => T): T {
  const session = ReplaySession.open(path, options);
  try {
    return use(session);
  } finally {
    session.close();
  }
}

/** Makes the session's RTC answer `value` from now on, counting the reads it answers. */
function changeRtc(session: ReplaySession, value: bigint): { reads: number } {
  const counter = { reads: 0 };
  session.vmm.machine.rtc.read = () => {
    counter.reads++;
    return value;
  };
  return counter;
}

/** Every hart's icount and registers, and the machine digest: what two replays at the same icount must agree on. */
function state(session: ReplaySession): { icounts: number[]; registers: Array<Map<string, bigint>>; digest: string } {
  const machine = session.vmm.machine;
  return {
    icounts: machine.harts.map((hart) => hart.icount),
    registers: machine.harts.map(hartRegisters),
    digest: Buffer.from(machineDigest(machine.harts, machine.ram)).toString('hex'),
  };
}

beforeAll(() => {
  recordDemo(WITH_SNAPSHOTS, 500);
  recordDemo(WITHOUT_SNAPSHOTS, 0);
  recordDemo(TWO_HARTS, 500, 2);
});

describe('replay of the demo in verify and feed mode', () => {
  it('the recording has RTC reads and snapshots to work with', () => {
    const reader = TraceReader.open(WITH_SNAPSHOTS);
    const rtc = reader.header.devices.findIndex((device) => device.name === 'rtc');
    const snapshots = reader.snapshots.length;
    reader.close();
    expect(snapshots).toBeGreaterThan(5);
    expect(traceEvents(WITH_SNAPSHOTS).filter((event) => event.kind === EventKind.MMIO_READ && event.device === rtc)).toHaveLength(2);
  });

  it.each(['verify', 'feed'] as const)('%s mode with unchanged devices: equivalent to the end', (mode) => {
    withSession(WITH_SNAPSHOTS, { mode }, (session) => {
      const progress = session.runToEnd();
      expect(progress).toEqual({ reached: true, divergence: undefined });
      expect(session.finished).toBe(true);
      expect(session.outcome?.reason).toBe('pass');
      expect(session.eventsChecked).toBe(traceEvents(WITH_SNAPSHOTS).length);
    });
  });

  it('verify mode with a changed RTC model reports a divergence at its first read', () => {
    const events = traceEvents(WITH_SNAPSHOTS);
    const rtcIndex = withSession(WITH_SNAPSHOTS, {}, (session) => session.header.devices.findIndex((device) => device.name === 'rtc'));
    const firstRead = events.find((event) => event.kind === EventKind.MMIO_READ && event.device === rtcIndex)!;
    withSession(WITH_SNAPSHOTS, { mode: 'verify' }, (session) => {
      changeRtc(session, 0x1234n);
      const progress = session.runToEnd();
      expect(progress.reached).toBe(false);
      expect(session.finished).toBe(false);
      const divergence = session.firstDivergence!;
      expect(divergence).toBeDefined();
      expect(divergence.icount).toBe(firstRead.icount);
      expect(divergence.expected).toEqual(firstRead);
      expect(divergence.actual).toMatchObject({ kind: EventKind.MMIO_READ, device: rtcIndex, offset: RTC_TIME_LOW, value: 0x1234n });
      expect(divergence.lastMatchingDigest).toBe(Math.floor(firstRead.icount / 1000) * 1000);
      expect(session.icount()).toBeLessThanOrEqual(firstRead.icount + 1);
    });
  });

  it('feed mode with the same change replays to the end equivalently (the RTC is read for its side effects, its answers unused)', () => {
    withSession(WITH_SNAPSHOTS, { mode: 'feed' }, (session) => {
      const rtc = changeRtc(session, 0x1234n);
      expect(session.runToEnd()).toEqual({ reached: true, divergence: undefined });
      expect(session.finished).toBe(true);
      expect(session.outcome?.reason).toBe('pass');
      expect(rtc.reads).toBe(2);
    });
  });
});

describe.each([
  ['with snapshots', WITH_SNAPSHOTS],
  ['without snapshots', WITHOUT_SNAPSHOTS],
  ['with snapshots, two harts', TWO_HARTS],
])('seek %s', (_, path) => {
  /** Targets in a deliberately unsorted order: backwards and forwards, on and off the snapshot interval. */
  const targets = [3100, 1200, 4000, 1000, 700, 0, 2501, 1, 4499, 5];

  it('lands on the requested icount with the registers and memory of a straight replay', () => {
    const end = withSession(path, {}, (session) => session.endIcount());
    expect(end).toBeGreaterThan(4499);
    const straight = new Map(targets.map((target) => [target, withSession(path, {}, (session) => {
      expect(session.runTo(target)).toEqual({ reached: true, divergence: undefined });
      return state(session);
    })]));
    withSession(path, {}, (session) => {
      for (const target of [...targets, end, 3100, end]) {
        expect(session.seek(target), `seek(${target})`).toEqual({ reached: true, divergence: undefined });
        if (target === end) {
          expect(session.finished, `seek(${target})`).toBe(true);
          continue;
        }
        expect(state(session), `seek(${target})`).toEqual(straight.get(target));
      }
    });
  });

  it('after a seek the replay goes on to the end equivalently', () => {
    withSession(path, {}, (session) => {
      session.seek(3300);
      session.seek(800);
      expect(session.runToEnd()).toEqual({ reached: true, divergence: undefined });
      expect(session.finished).toBe(true);
    });
  });

  it('refuses an icount outside the recording', () => {
    withSession(path, {}, (session) => {
      expect(() => session.seek(session.endIcount() + 1)).toThrow(/outside the recording/);
      expect(() => session.seek(-1)).toThrow(/outside the recording/);
    });
  });
});

describe.each([
  ['with snapshots', WITH_SNAPSHOTS],
  ['without snapshots', WITHOUT_SNAPSHOTS],
])('seek in feed mode %s (one hart: feed mode replays one)', (_, path) => {
  it('lands where a straight verify replay does, with a changed RTC model', () => {
    const straight = withSession(path, {}, (session) => {
      session.runTo(4400);
      return state(session);
    });
    withSession(path, { mode: 'feed' }, (session) => {
      changeRtc(session, 0x1234n);
      for (const target of [4400, 1200, 4400]) expect(session.seek(target), `seek(${target})`).toEqual({ reached: true, divergence: undefined });
      expect(state(session)).toEqual(straight);
    });
  });
});

describe('seek and the snapshots in the file', () => {
  it('reads each snapshot from the file once per session, even across a rebuild from the images', () => {
    withSession(WITH_SNAPSHOTS, {}, (session) => {
      const reads = new Map<number, number>();
      const readSnapshot = session.reader.readSnapshot.bind(session.reader);
      session.reader.readSnapshot = (index) => {
        reads.set(index, (reads.get(index) ?? 0) + 1);
        return readSnapshot(index);
      };
      for (const target of [4400, 100, 4400, 3000, 4600]) expect(session.seek(target), `seek(${target})`).toEqual({ reached: true, divergence: undefined });
      expect(reads.size).toBe(session.reader.snapshots.filter((snapshot) => snapshot.icount <= 4600).length);
      expect([...reads].filter(([, count]) => count > 1)).toEqual([]);
    });
  });
});
