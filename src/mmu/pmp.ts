import type { Hart } from '../cpu/hart.js';
import { PMP_ENTRIES } from '../cpu/hart.js';
import { PRIV_M } from '../cpu/constants.js';

/** PMP permission bits as in pmpcfg. */
export const PMP_R = 1;
/** Write permission. */
export const PMP_W = 2;
/** Execute permission. */
export const PMP_X = 4;
const PMP_A_SHIFT = 3;
const PMP_L = 0x80;

interface PmpRange {
  lo: number;
  hi: number;
  perm: number;
  locked: boolean;
}

/**
 * The decoded PMP rules of one hart, rebuilt whenever a pmpcfg/pmpaddr CSR
 * changes. Address ranges are doubles: anything above 2^53 is beyond every
 * RAM and device, so the rounding there cannot change an outcome.
 */
export class Pmp {
  private ranges: PmpRange[] = [];

  constructor(private readonly hart: Hart) {
    this.rebuild();
  }

  /** Recompute the active ranges from the hart's pmpcfg/pmpaddr registers. */
  rebuild(): void {
    const ranges: PmpRange[] = [];
    const { pmpcfg, pmpaddr } = this.hart;
    for (let i = 0; i < PMP_ENTRIES; i++) {
      const cfg = pmpcfg[i]!;
      const mode = (cfg >> PMP_A_SHIFT) & 3;
      if (mode === 0) continue;
      const addr = pmpaddr[i]!;
      let lo: bigint;
      let hi: bigint;
      if (mode === 1) {
        lo = i === 0 ? 0n : pmpaddr[i - 1]! << 2n;
        hi = addr << 2n;
      } else if (mode === 2) {
        lo = addr << 2n;
        hi = lo + 4n;
      } else {
        let ones = 0n;
        while (((addr >> ones) & 1n) === 1n) ones++;
        lo = (addr & ~((1n << ones) - 1n)) << 2n;
        hi = lo + (1n << (ones + 3n));
      }
      ranges.push({ lo: Number(lo), hi: Number(hi), perm: cfg & 7, locked: (cfg & PMP_L) !== 0 });
    }
    this.ranges = ranges;
  }

  /**
   * The permissions (PMP_R|W|X) granted to `priv` for `[paddr, paddr + size)`,
   * or 0 when the access is denied (including a partial match).
   */
  permissions(paddr: number, size: number, priv: number): number {
    const end = paddr + size;
    for (const r of this.ranges) {
      if (paddr >= r.lo && end <= r.hi) {
        if (priv === PRIV_M && !r.locked) return PMP_R | PMP_W | PMP_X;
        return r.perm;
      }
      if (paddr < r.hi && end > r.lo) return 0;
    }
    return priv === PRIV_M ? PMP_R | PMP_W | PMP_X : 0;
  }

  /**
   * Whether one PMP decision holds for the whole 4 KiB page at `pageBase`, so a
   * translation of that page may be cached.
   */
  uniformOverPage(pageBase: number): boolean {
    const end = pageBase + 4096;
    for (const r of this.ranges) {
      if (pageBase >= r.lo && end <= r.hi) return true;
      if (pageBase < r.hi && end > r.lo) return false;
    }
    return true;
  }
}
