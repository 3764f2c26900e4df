/**
 * Seeded operand generators for the FPU oracle tests, biased towards the
 * cases where rounding is hard: exponent extremes (overflow, subnormals,
 * tininess), halfway cases (short significands), cancellation, and integer
 * range boundaries.
 */

/** A small deterministic PRNG (mulberry32). */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform unsigned 32-bit integer. */
  next32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.next32() / 2 ** 32) * n);
  }

  /** A uniform integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next32() / 2 ** 32 < p;
  }

  /** `bits` uniform random bits as a BigInt. */
  bits(bits: number): bigint {
    let v = 0n;
    for (let have = 0; have < bits; have += 32) v = (v << 32n) | BigInt(this.next32());
    return v & ((1n << BigInt(bits)) - 1n);
  }
}

/** The layout of a binary format, for building bit patterns. */
export interface Layout {
  readonly width: number;
  /** Fraction bits (precision - 1). */
  readonly frac: number;
  /** Largest biased exponent of a finite number. */
  readonly maxExp: number;
  readonly bias: number;
}

/** Layout of binary32. */
export const S: Layout = { width: 32, frac: 23, maxExp: 254, bias: 127 };
/** Layout of binary64. */
export const D: Layout = { width: 64, frac: 52, maxExp: 2046, bias: 1023 };

/** Assembles a bit pattern from sign, biased exponent and fraction. */
export function pack(l: Layout, sign: number, biased: number, fraction: bigint): bigint {
  return (BigInt(sign) << BigInt(l.width - 1)) | (BigInt(biased) << BigInt(l.frac)) | fraction;
}

/** The biased exponent field of a bit pattern. */
export function biasedExponent(l: Layout, bits: bigint): number {
  return Number((bits >> BigInt(l.frac)) & BigInt(l.maxExp + 1));
}

function fraction(rng: Rng, l: Layout): bigint {
  const all = (1n << BigInt(l.frac)) - 1n;
  const pick = rng.below(10);
  if (pick < 4) return rng.bits(l.frac);
  if (pick < 7) {
    const kept = rng.between(0, l.frac);
    return (rng.bits(l.frac) >> BigInt(l.frac - kept)) << BigInt(l.frac - kept);
  }
  if (pick === 7) return all ^ ((1n << BigInt(rng.below(4))) - 1n);
  if (pick === 8) return 1n << BigInt(rng.below(l.frac));
  return (1n << BigInt(l.frac - 1)) | BigInt(rng.below(4));
}

const SPECIALS = (l: Layout): bigint[] => {
  const inf = pack(l, 0, l.maxExp + 1, 0n);
  return [
    0n, inf, inf | (1n << BigInt(l.frac - 1)), inf | 1n, 1n, (1n << BigInt(l.frac)) - 1n,
    pack(l, 0, 1, 0n), pack(l, 0, l.maxExp, (1n << BigInt(l.frac)) - 1n),
  ];
};

/** A random finite number with a biased exponent clamped to the finite range. */
export function floatWithExponent(rng: Rng, l: Layout, biased: number, sign = rng.below(2)): bigint {
  const e = Math.max(0, Math.min(l.maxExp, biased));
  return pack(l, sign, e, fraction(rng, l));
}

/** A random operand: mostly finite with exponents biased to the extremes and the middle, some specials. */
export function randomFloat(rng: Rng, l: Layout): bigint {
  if (rng.chance(0.04)) {
    const specials = SPECIALS(l);
    return specials[rng.below(specials.length)] | (BigInt(rng.below(2)) << BigInt(l.width - 1));
  }
  const pick = rng.below(20);
  let e: number;
  if (pick < 5) e = rng.between(0, l.maxExp);
  else if (pick < 9) e = rng.between(0, l.frac + 3);
  else if (pick < 12) e = rng.between(l.maxExp - 3, l.maxExp);
  else e = l.bias + rng.between(-40, 40);
  return floatWithExponent(rng, l, e);
}

/** A random 64-bit integer pattern with a random magnitude, often near a rounding tie. */
export function randomInteger(rng: Rng): bigint {
  const length = rng.between(0, 64);
  let v = rng.bits(64) >> BigInt(64 - length);
  if (rng.chance(0.3) && length > 26) {
    const cut = BigInt(rng.between(20, Math.min(54, length - 1)));
    v = ((v >> cut) << cut) | (rng.chance(0.5) ? 1n << (cut - 1n) : 0n) | BigInt(rng.below(2));
  }
  return rng.chance(0.5) ? BigInt.asUintN(64, -v) : v;
}
