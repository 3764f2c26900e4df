/**
 * A small seeded PRNG (xoshiro128**, seeded through SplitMix32) for the
 * differential program generator: same seed, same programs, on every host,
 * and no `Math.random`.
 */
export class Prng {
  private readonly s = new Uint32Array(4);

  /** Seed with any 32-bit integer; distinct seeds give independent streams. */
  constructor(seed: number) {
    let z = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      z = (z + 0x9e3779b9) >>> 0;
      let t = z ^ (z >>> 16);
      t = Math.imul(t, 0x21f0aaad);
      t ^= t >>> 15;
      t = Math.imul(t, 0x735a2d97);
      this.s[i] = (t ^ (t >>> 15)) >>> 0;
    }
  }

  /** The next uniformly distributed unsigned 32-bit integer. */
  next32(): number {
    const s = this.s;
    const x = Math.imul(s[1], 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 11) | (s[3] >>> 21);
    return result;
  }

  /** A uniformly distributed integer in `[0, n)`, `n` at most 2^32. */
  below(n: number): number {
    return Math.floor((this.next32() / 0x1_0000_0000) * n);
  }

  /** A uniformly distributed integer in `[lo, hi]`. */
  range(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  /** `true` with probability `p`. */
  chance(p: number): boolean {
    return this.next32() / 0x1_0000_0000 < p;
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)] ;
  }

  /** A uniformly distributed unsigned 64-bit value. */
  next64(): bigint {
    return (BigInt(this.next32()) << 32n) | BigInt(this.next32());
  }

  /** A fresh generator whose stream depends on this one (for per-case streams). */
  fork(): Prng {
    return new Prng(this.next32());
  }
}
