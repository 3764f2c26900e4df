import type { Ram } from '../mem/ram.js';
import { PAGE_BYTES, type MachineSnapshot } from './machine-snapshot.js';

/** A page of zeros: the initial contents of every page the images did not write. */
const ZERO_PAGE = new Uint8Array(PAGE_BYTES);

/**
 * Puts RAM back to its contents at a snapshot, touching only pages that can
 * differ: each snapshot carries the pages written since the one before, and a
 * key snapshot every page written since the start, so the contents at
 * snapshot k are, page by page, the latest version in snapshots j..k (j the
 * last key at or before k), or the freshly loaded images for pages none of
 * them holds. Only snapshots j..k need to be added (decoded).
 * RAM's dirty tracking says which pages the run changed since the last
 * restore; pages whose bytes already match are left alone, so the backends
 * keep the code they decoded from them.
 */
export class RamRestorer {
  /**
   * The pages the images left nonzero, copied; every other page starts as
   * zeros. Why sparse: a copy of all of RAM costs a second of page faults
   * for 128 MiB on a loaded host, paid at every replay's start.
   */
  private readonly initial = new Map<number, Uint8Array>();
  /** Pages that may differ from `initial`: those of the snapshots restored last, and those written since. */
  private touched = new Set<number>();
  /** For each page, the added snapshots (by index) that carry it, ascending. */
  private readonly versions = new Map<number, number[]>();
  private readonly snapshots: Array<MachineSnapshot | undefined> = [];

  /** Call right after the machine is built from its images, before it runs. */
  constructor(private readonly ram: Ram) {
    const bytes = Buffer.from(ram.bytes.buffer, ram.bytes.byteOffset, ram.bytes.byteLength);
    for (let offset = 0; offset < bytes.length; offset += PAGE_BYTES) {
      if (bytes.compare(ZERO_PAGE, 0, PAGE_BYTES, offset, offset + PAGE_BYTES) !== 0) this.initial.set(offset / PAGE_BYTES, ram.bytes.slice(offset, offset + PAGE_BYTES));
    }
    ram.trackDirtyPages();
  }

  /** Whether snapshot `index` has been added. */
  has(index: number): boolean {
    return this.snapshots[index] !== undefined;
  }

  /** Snapshot `index`, as added. */
  snapshot(index: number): MachineSnapshot {
    const snapshot = this.snapshots[index];
    if (snapshot === undefined) throw new Error(`snapshot ${index} has not been added`);
    return snapshot;
  }

  /** Adds snapshot `index` of the run (in any order; each once). */
  add(index: number, snapshot: MachineSnapshot): void {
    if (this.snapshots[index] !== undefined) throw new Error(`snapshot ${index} was added twice`);
    this.snapshots[index] = snapshot;
    for (const page of snapshot.pages) {
      let list = this.versions.get(page);
      if (list === undefined) this.versions.set(page, list = []);
      let at = list.length;
      while (at > 0 && list[at - 1]! > index) at--;
      list.splice(at, 0, index);
    }
  }

  /**
   * The snapshot a restore of `index` starts from: the last key snapshot at
   * or before it among those added, or 0 when none is a key.
   */
  keyFor(index: number): number {
    for (let at = index; at > 0; at--) if (this.snapshots[at]?.key === true) return at;
    return 0;
  }

  /**
   * RAM as it was at snapshot `index` (-1: as the images were loaded);
   * snapshots `keyFor(index)`..`index` must have been added.
   */
  restore(index: number): void {
    const ram = this.ram;
    const key = this.keyFor(index);
    const nextTouched = new Set<number>();
    for (let at = key; at <= index; at++) {
      const snapshot = this.snapshots[at];
      if (snapshot === undefined) throw new Error(`restoring snapshot ${index} needs snapshot ${at}, which was not added`);
      for (const page of snapshot.pages) nextTouched.add(page);
    }
    const candidates = this.touched;
    for (const page of ram.takeDirtyPages()) candidates.add(page);
    for (const page of nextTouched) candidates.add(page);
    for (const page of candidates) {
      const wanted = this.contents(page, key, index);
      const offset = page * PAGE_BYTES;
      if (!Buffer.from(ram.bytes.buffer, ram.bytes.byteOffset + offset, PAGE_BYTES).equals(wanted)) ram.load(ram.base + offset, wanted);
    }
    ram.takeDirtyPages();
    this.touched = nextTouched;
  }

  /** The page's contents at snapshot `index`: its latest version in snapshots `key`..`index`, else as loaded. */
  private contents(page: number, key: number, index: number): Uint8Array {
    const list = this.versions.get(page);
    let found = -1;
    if (list !== undefined) {
      for (let low = 0, high = list.length - 1; low <= high;) {
        const middle = (low + high) >>> 1;
        if (list[middle]! <= index) {
          found = list[middle]!;
          low = middle + 1;
        } else high = middle - 1;
      }
    }
    if (found < key) found = -1;
    if (found < 0) return this.initial.get(page) ?? ZERO_PAGE;
    const snapshot = this.snapshots[found]!;
    const slot = binarySearch(snapshot.pages, page);
    return snapshot.pageData.subarray(slot * PAGE_BYTES, (slot + 1) * PAGE_BYTES);
  }
}

function binarySearch(sorted: Uint32Array, value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const item = sorted[middle]!;
    if (item === value) return middle;
    if (item < value) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}
