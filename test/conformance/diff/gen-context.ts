import type { Prng } from './prng.js';
import { SCRATCH, SCRATCH_PAGES, PAGE } from './layout.js';

/** ABI names of x0..x31, as the generated assembly spells them. */
export const XREG = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
] as const;

/** Privilege levels as encoded in mstatus.MPP. */
export const enum Priv {
  U = 0,
  S = 1,
  M = 3,
}

/** Integer values that find corner cases: signed/unsigned limits, 32-bit edges, shift amounts. */
export const EDGE_INTS: readonly bigint[] = [
  0n, 1n, 2n, 0xffff_ffff_ffff_ffffn, 0x8000_0000_0000_0000n, 0x7fff_ffff_ffff_ffffn, 0x8000_0000n,
  0x7fff_ffffn, 0xffff_ffffn, 0xffff_ffff_8000_0000n, 0xffff_ffff_7fff_ffffn, 0x1_0000_0000n, 31n, 32n, 63n,
  64n, 0xffff_ffff_ffff_fffen, 0x8000n, 0xffffn, 0xffn, 0x80n, 0xdead_beef_cafe_f00dn,
];

/**
 * Everything a category generator needs while writing one case body: the
 * PRNG, the output items, unique local labels, and whether the body runs
 * with translation on. Registers the body may overwrite exclude `gp` (the harness base).
 */
export class BodyWriter {
  /** The body so far as items: each item is one generated operation (its setup `li`s, the instruction, labels). */
  readonly items: string[][] = [];
  private labelCount = 0;

  constructor(
    readonly rng: Prng,
    /** `true` when the body runs with translation on (satp set and priv below M). */
    readonly paged: boolean,
  ) {}

  /** Start a new item: the shrinker deletes whole items, so an operation never loses its setup. */
  nextItem(): void {
    this.items.push([]);
  }

  /** Append instruction or label lines to the current item. */
  emit(...lines: string[]): void {
    if (this.items.length === 0) this.nextItem();
    const item = this.items[this.items.length - 1]!;
    for (const l of lines) item.push(l.endsWith(':') ? l : `  ${l}`);
  }

  /** A fresh local label name (`L...`, made unique per case by the program builder). */
  label(): string {
    return `L${this.labelCount++}`;
  }

  /** Any x register the body may write, never `gp`; `zero` occasionally (writes to x0). */
  rd(allowZero = true, exclude: readonly number[] = []): string {
    for (;;) {
      const r = this.rng.below(32);
      if (r === 3 || exclude.includes(r)) continue;
      if (r === 0 && (!allowZero || !this.rng.chance(0.3))) continue;
      return XREG[r]!;
    }
  }

  /** Any x register as a source operand (including `zero` and `gp`). */
  rs(): string {
    return XREG[this.rng.below(32)]!;
  }

  /** A writable register in x8..x15 (the compressed register set). */
  rdc(): string {
    return XREG[8 + this.rng.below(8)]!;
  }

  /** A 64-bit value, biased to corner cases. */
  value(): bigint {
    return this.rng.chance(0.6) ? this.rng.pick(EDGE_INTS) : this.rng.next64();
  }

  /** A signed immediate in `[-(2^(bits-1)), 2^(bits-1))`, biased to the ends. */
  imm(bits: number): number {
    const half = 1 << (bits - 1);
    const r = this.rng.below(8);
    if (r === 0) return -half;
    if (r === 1) return half - 1;
    if (r === 2) return -1;
    if (r === 3) return 0;
    return this.rng.range(-half, half - 1);
  }

  /**
   * An address inside the scratch pages aligned to `align` bytes (misaligned
   * by `skew` bytes), at least 64 bytes from either end so small offsets stay inside.
   */
  scratchAddress(align: number, skew = 0): bigint {
    const span = SCRATCH_PAGES * Number(PAGE) - 128;
    const offset = 64 + Math.floor(this.rng.below(span) / align) * align;
    return SCRATCH + BigInt(offset + skew);
  }

  /** `li` of a value into a register, as a line. */
  li(reg: string, value: bigint): string {
    return `li ${reg}, ${BigInt.asIntN(64, value)}`;
  }
}
