import { describe, expect, it } from 'vitest';
import { Ram } from '../../../src/mem/ram.js';
import { PAGE_BYTES, type MachineSnapshot } from '../../../src/rr/machine-snapshot.js';
import { RamRestorer } from '../../../src/rr/ram-restorer.js';
import { Prng } from '../../conformance/diff/prng.js';

const BASE = 0x8000_0000;
/** The scheduler of a machine that has not run (RamRestorer does not look at it). */
const SCHEDULER = { turn: 0, sliceEnd: -1, roundAllWaiting: true };
const PAGES = 8;

/** A (non-key) snapshot carrying `pages` (ascending), page `p` filled with `fill(p)`; no harts or devices. */
function snapshot(icount: number, pages: number[], fill: (page: number) => number): MachineSnapshot {
  const pageData = new Uint8Array(pages.length * PAGE_BYTES);
  pages.forEach((page, i) => pageData.fill(fill(page), i * PAGE_BYTES, (i + 1) * PAGE_BYTES));
  return { icount, harts: [], devices: new Map(), skippedTicks: 0n, scheduler: SCHEDULER, key: false, pages: Uint32Array.from(pages), pageData };
}

/** RAM with page `p` loaded as `p + 1` (before the restorer exists, as the images are), and the code-write calls by page. */
function loadedRam(): { ram: Ram; rewritten: Set<number> } {
  const ram = new Ram(BASE, PAGES * PAGE_BYTES);
  for (let page = 0; page < PAGES; page++) ram.load(BASE + page * PAGE_BYTES, new Uint8Array(PAGE_BYTES).fill(page + 1));
  const rewritten = new Set<number>();
  for (let page = 0; page < PAGES; page++) ram.markCode(page);
  ram.onCodeWrite((offset) => rewritten.add(Math.floor(offset / PAGE_BYTES)));
  return { ram, rewritten };
}

/** The fill byte of every page (each test page holds one repeated byte), or -1 for a mixed page. */
function pageFills(ram: Ram): number[] {
  return Array.from({ length: PAGES }, (_, page) => {
    const bytes = ram.bytes.subarray(page * PAGE_BYTES, (page + 1) * PAGE_BYTES);
    return bytes.every((byte) => byte === bytes[0]) ? bytes[0]! : -1;
  });
}

/** A guest store as the CPU makes it: the bytes, then noteWrite. */
function store(ram: Ram, offset: number, value: number): void {
  ram.bytes[offset] = value;
  ram.noteWrite(offset, 1);
}

const SNAPSHOTS = [
  snapshot(100, [1, 3], (page) => 0xa0 + page),
  snapshot(200, [3, 5], (page) => 0xb0 + page),
  snapshot(300, [0], (page) => 0xc0 + page),
];

/** Page fills expected after `restore(index)`. */
const EXPECTED: Record<number, number[]> = {
  [-1]: [1, 2, 3, 4, 5, 6, 7, 8],
  0: [1, 0xa1, 3, 0xa3, 5, 6, 7, 8],
  1: [1, 0xa1, 3, 0xb3, 5, 0xb5, 7, 8],
  2: [0xc0, 0xa1, 3, 0xb3, 5, 0xb5, 7, 8],
};

function restorerWithSnapshots(ram: Ram): RamRestorer {
  const restorer = new RamRestorer(ram);
  SNAPSHOTS.forEach((item, index) => restorer.add(index, item));
  return restorer;
}

describe('RamRestorer', () => {
  it('knows which snapshots were added, refuses one twice, and a restore that needs one not added', () => {
    const { ram } = loadedRam();
    const restorer = new RamRestorer(ram);
    expect(restorer.has(0)).toBe(false);
    restorer.add(1, SNAPSHOTS[1]!);
    expect([restorer.has(0), restorer.has(1)]).toEqual([false, true]);
    expect(() => restorer.add(1, SNAPSHOTS[1]!)).toThrow('snapshot 1 was added twice');
    expect(() => restorer.restore(1)).toThrow('restoring snapshot 1 needs snapshot 0, which was not added');
  });

  it.each([
    ['forwards', [-1, 0, 1, 2]],
    ['backwards', [2, 1, 0, -1]],
    ['jumping around', [1, -1, 2, 0, 2, 2, -1, 1]],
  ])('gives, page by page, the latest version at or before the snapshot (%s)', (_, order) => {
    const { ram } = loadedRam();
    const restorer = restorerWithSnapshots(ram);
    for (const index of order) {
      restorer.restore(index);
      expect(pageFills(ram), `restore(${index})`).toEqual(EXPECTED[index]);
    }
  });

  it('puts back pages the run wrote after the last restore, wherever they are', () => {
    const { ram } = loadedRam();
    const restorer = restorerWithSnapshots(ram);
    restorer.restore(1);
    store(ram, 7 * PAGE_BYTES + 9, 0x55);
    store(ram, 3 * PAGE_BYTES, 0x66);
    store(ram, 1 * PAGE_BYTES + 4095, 0x77);
    ram.load(BASE + 2 * PAGE_BYTES, new Uint8Array(PAGE_BYTES).fill(0x99));
    restorer.restore(1);
    expect(pageFills(ram)).toEqual(EXPECTED[1]);
    store(ram, 6 * PAGE_BYTES, 0x12);
    restorer.restore(-1);
    expect(pageFills(ram)).toEqual(EXPECTED[-1]);
  });

  it('rewrites only pages whose bytes differ (the code cached from the others stays)', () => {
    const { ram, rewritten } = loadedRam();
    const restorer = restorerWithSnapshots(ram);
    restorer.restore(1);
    expect([...rewritten].sort()).toEqual([1, 3, 5]);
    rewritten.clear();
    restorer.restore(1);
    expect([...rewritten]).toEqual([]);
    restorer.restore(0);
    expect([...rewritten].sort()).toEqual([3, 5]);
    rewritten.clear();
    store(ram, 4 * PAGE_BYTES + 10, 5);
    store(ram, 6 * PAGE_BYTES + 10, 0xee);
    rewritten.clear();
    restorer.restore(2);
    expect([...rewritten].sort()).toEqual([0, 3, 5, 6]);
  });

  it('pages the images left as zeros, and a partly loaded page, come back as loaded', () => {
    const ram = new Ram(BASE, PAGES * PAGE_BYTES);
    ram.load(BASE + 2 * PAGE_BYTES + 100, Uint8Array.of(1, 2, 3));
    const loaded = ram.bytes.slice();
    const restorer = new RamRestorer(ram);
    restorer.add(0, snapshot(100, [2, 6], () => 0x44));
    restorer.restore(0);
    expect(pageFills(ram)).toEqual([0, 0, 0x44, 0, 0, 0, 0x44, 0]);
    for (let offset = 0; offset < PAGES * PAGE_BYTES; offset += 999) store(ram, offset, 0xaa);
    restorer.restore(-1);
    expect(Buffer.from(ram.bytes).equals(loaded)).toBe(true);
  });

  it('leaves no page reported dirty after a restore', () => {
    const { ram } = loadedRam();
    const restorer = restorerWithSnapshots(ram);
    store(ram, 2 * PAGE_BYTES, 0);
    restorer.restore(2);
    expect(ram.takeDirtyPages()).toEqual([]);
  });

  it('matches the recorded RAM after random restores with random writes in between', () => {
    const prng = new Prng(20261124);
    const recording = loadedRam().ram;
    const initial = recording.bytes.slice();
    recording.trackDirtyPages();
    const snapshots: MachineSnapshot[] = [];
    const states: Uint8Array[] = [];
    const written = new Set<number>();
    for (let icount = 1; snapshots.length < 12; icount++) {
      for (let writes = prng.below(6); writes > 0; writes--) store(recording, prng.below(PAGES * PAGE_BYTES), prng.below(256));
      if (!prng.chance(0.4)) continue;
      const dirty = recording.takeDirtyPages();
      for (const page of dirty) written.add(page);
      // Every fourth snapshot is a key, carrying every page written since the start (as RecordingRun makes them).
      const key = snapshots.length % 4 === 0;
      const pages = key ? [...written].sort((a, b) => a - b) : dirty;
      const pageData = new Uint8Array(pages.length * PAGE_BYTES);
      pages.forEach((page, i) => pageData.set(recording.bytes.subarray(page * PAGE_BYTES, (page + 1) * PAGE_BYTES), i * PAGE_BYTES));
      snapshots.push({ icount, harts: [], devices: new Map(), skippedTicks: 0n, scheduler: SCHEDULER, key, pages: Uint32Array.from(pages), pageData });
      states.push(recording.bytes.slice());
    }
    const { ram } = loadedRam();
    const restorer = new RamRestorer(ram);
    // Snapshots are added as a replay decodes them: only from the key before the target on.
    const add = (index: number): void => {
      for (let at = index - (index % 4); at <= index; at++) if (!restorer.has(at)) restorer.add(at, snapshots[at]!);
    };
    for (let round = 0; round < 60; round++) {
      const index = prng.below(snapshots.length + 1) - 1;
      if (index >= 0) add(index);
      restorer.restore(index);
      expect(Buffer.from(ram.bytes).equals(index < 0 ? initial : states[index]!), `round ${round}, restore(${index})`).toBe(true);
      for (let writes = prng.below(4); writes > 0; writes--) store(ram, prng.below(PAGES * PAGE_BYTES), prng.below(256));
    }
  });
});
