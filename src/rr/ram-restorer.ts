import type { Ram } from '../mem/ram.js';
import { PAGE_BYTES, type MachineSnapshot } from './machine-snapshot.js';

/** A page of zeros: the initial contents of every page the images did not write. */
const ZERO_PAGE = new Uint8Array(PAGE_BYTES);

/**
 * Puts RAM back to its contents at a snapshot, touching only pages that can
 * differ: each snapshot carries the pages written since the one before, so
 * the contents at snapshot k are, page by page, the latest version in
 * snapshots 0..k, or the freshly loaded images for pages none of them holds.
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
  /** For each page, the snapshots (by position in `snapshots`) that carry it, ascending. */
  private readonly versions = new Map<number, number[]>();
  private readonly snapshots: MachineSnapshot[] = [];

  /** Call right after the machine is built from its images, before it runs. */
  constructor(private readonly ram: Ram) {
    const bytes = Buffer.from(ram.bytes.buffer, ram.bytes.byteOffset, ram.bytes.byteLength);
    for (let offset = 0; offset < bytes.length; offset += PAGE_BYTES) {
      if (bytes.compare(ZERO_PAGE, 0, PAGE_BYTES, offset, offset + PAGE_BYTES) !== 0) this.initial.set(offset / PAGE_BYTES, ram.bytes.slice(offset, offset + PAGE_BYTES));
    }
    ram.trackDirtyPages();
  }

  /** Number of snapshots added so far. */
  get snapshotCount(): number {
    return this.snapshots.length;
  }

  /** Snapshot `index`, as added. */
  snapshot(index: number): MachineSnapshot {
    const snapshot = this.snapshots[index];
    if (snapshot === undefined) throw new Error(`snapshot ${index} has not been added`);
    return snapshot;
  }

  /** Adds the next snapshot of the run (they must come in order). */
  add(snapshot: MachineSnapshot): void {
    const index = this.snapshots.length;
    this.snapshots.push(snapshot);
    for (const page of snapshot.pages) {
      let list = this.versions.get(page);
      if (list === undefined) this.versions.set(page, list = []);
      list.push(index);
    }
  }

  /** RAM as it was at snapshot `index` (-1: as the images were loaded). */
  restore(index: number): void {
    const ram = this.ram;
    const candidates = this.touched;
    for (const page of ram.takeDirtyPages()) candidates.add(page);
    const nextTouched = new Set<number>();
    for (const [page, list] of this.versions) if (list[0]! <= index) nextTouched.add(page);
    for (const page of nextTouched) candidates.add(page);
    for (const page of candidates) {
      const wanted = this.contents(page, index);
      const offset = page * PAGE_BYTES;
      if (!Buffer.from(ram.bytes.buffer, ram.bytes.byteOffset + offset, PAGE_BYTES).equals(wanted)) ram.load(ram.base + offset, wanted);
    }
    ram.takeDirtyPages();
    this.touched = nextTouched;
  }

  private contents(page: number, index: number): Uint8Array {
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
