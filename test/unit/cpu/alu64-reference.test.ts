import { describe, expect, it } from 'vitest';
import * as alu from '../../../src/cpu/alu64.js';

const M = 1n << 64n;
const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const MIN = -(1n << 63n);

/** RISC-V M-extension results computed with BigInt, the reference. */
const reference: Record<string, (a: bigint, b: bigint) => bigint> = {
  mul: (a, b) => u64(a * b),
  mulhu: (a, b) => (a * b) >> 64n,
  mulh: (a, b) => u64((s64(a) * s64(b)) >> 64n),
  mulhsu: (a, b) => u64((s64(a) * b) >> 64n),
  div: (a, b) => (b === 0n ? M - 1n : s64(a) === MIN && s64(b) === -1n ? a : u64(s64(a) / s64(b))),
  rem: (a, b) => (b === 0n ? a : s64(a) === MIN && s64(b) === -1n ? 0n : u64(s64(a) % s64(b))),
  divu: (a, b) => (b === 0n ? M - 1n : a / b),
  remu: (a, b) => (b === 0n ? a : a % b),
};

/** Edge values around every boundary the double fast paths care about. */
const EDGES = [
  0n, 1n, 2n, 3n, 7n, (1n << 31n) - 1n, 1n << 31n, (1n << 32n) - 1n, 1n << 32n, (1n << 52n) - 1n, 1n << 52n,
  (1n << 53n) + 1n, (1n << 63n) - 1n, 1n << 63n, M - 1n, M - 2n, M - (1n << 31n), M - (1n << 52n),
  M - (1n << 52n) - 1n, 12345678901234n,
];

function seeded(seed: number): () => bigint {
  let state = BigInt(seed);
  return () => {
    state = (state * 6364136223846793005n + 1442695040888963407n) & (M - 1n);
    const shift = state & 63n;
    return (state >> 11n) % 3n === 0n ? state : (state >> 11n) % 3n === 1n ? state >> shift : M - (state >> shift) - 1n;
  };
}

function halves(v: bigint): [number, number] {
  return [Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n))];
}

describe('alu64 against BigInt references', () => {
  const next = seeded(2026);
  const values = [...EDGES, ...Array.from({ length: 150 }, next)];
  for (const [name, expected] of Object.entries(reference)) {
    it(`${name} matches on ${values.length ** 2} operand pairs`, () => {
      const op = (alu as unknown as Record<string, (al: number, ah: number, bl: number, bh: number) => void>)[name]!;
      const mismatches: string[] = [];
      for (const a of values) {
        for (const b of values) {
          op(...halves(a), ...halves(b));
          const got = u64((BigInt(alu.out[1]!) << 32n) | BigInt(alu.out[0]! >>> 0));
          if (got !== expected(a, b)) mismatches.push(`${name}(0x${a.toString(16)}, 0x${b.toString(16)}) = 0x${got.toString(16)}`);
        }
      }
      expect(mismatches.slice(0, 5)).toEqual([]);
    });
  }
});
