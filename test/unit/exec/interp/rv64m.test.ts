import { describe, expect, it } from 'vitest';
import { HartHarness, operands } from '../../../support/hart-harness.js';

const MASK = (1n << 64n) - 1n;
const INT64_MIN = 1n << 63n;
const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const s32 = (v: bigint): bigint => BigInt.asIntN(32, v);
const u32 = (v: bigint): bigint => BigInt.asUintN(32, v);
const sext32 = (v: bigint): bigint => u64(BigInt.asIntN(32, v));

/** The spec's M-extension results, including division by zero and overflow. */
const M_OPS: Record<string, (a: bigint, b: bigint) => bigint> = {
  mul: (a, b) => (a * b) & MASK,
  mulh: (a, b) => u64((s64(a) * s64(b)) >> 64n),
  mulhu: (a, b) => (a * b) >> 64n,
  mulhsu: (a, b) => u64((s64(a) * b) >> 64n),
  div: (a, b) => (b === 0n ? MASK : a === INT64_MIN && b === MASK ? INT64_MIN : u64(s64(a) / s64(b))),
  divu: (a, b) => (b === 0n ? MASK : a / b),
  rem: (a, b) => (b === 0n ? a : a === INT64_MIN && b === MASK ? 0n : u64(s64(a) % s64(b))),
  remu: (a, b) => (b === 0n ? a : a % b),
  mulw: (a, b) => sext32(a * b),
  divw: (a, b) => {
    const x = s32(a), y = s32(b);
    if (y === 0n) return MASK;
    if (x === -(1n << 31n) && y === -1n) return sext32(x);
    return sext32(x / y);
  },
  divuw: (a, b) => (u32(b) === 0n ? MASK : sext32(u32(a) / u32(b))),
  remw: (a, b) => {
    const x = s32(a), y = s32(b);
    if (y === 0n) return sext32(x);
    if (x === -(1n << 31n) && y === -1n) return 0n;
    return sext32(x % y);
  },
  remuw: (a, b) => (u32(b) === 0n ? sext32(a) : sext32(u32(a) % u32(b))),
};

describe('M extension against BigInt references on edge and random operands', () => {
  const values = operands(7, 40);
  for (const [name, reference] of Object.entries(M_OPS)) {
    it(name, () => {
      const h = new HartHarness().load(`${name} a0, a1, a2`);
      for (const a of values) {
        for (const b of values) {
          h.step({ a1: a, a2: b });
          const got = h.x('a0');
          if (got !== reference(a, b)) {
            expect.fail(`${name} 0x${a.toString(16)}, 0x${b.toString(16)}: got 0x${got.toString(16)}, want 0x${reference(a, b).toString(16)}`);
          }
        }
      }
      expect(h.traps).toEqual([]);
    });
  }
});

/** [instruction, a1, a2, expected]: the spec's table of special cases, spelled out. */
const SPECIAL_CASES: ReadonlyArray<readonly [string, bigint, bigint, bigint]> = [
  ['div', 42n, 0n, MASK],
  ['divu', 42n, 0n, MASK],
  ['rem', 42n, 0n, 42n],
  ['remu', 42n, 0n, 42n],
  ['div', INT64_MIN, MASK, INT64_MIN],
  ['rem', INT64_MIN, MASK, 0n],
  ['divw', 0x80000000n, MASK, 0xffffffff80000000n],
  ['remw', 0x80000000n, MASK, 0n],
  ['divw', 5n, 0x100000000n, MASK],
  ['divuw', 5n, 0xffffffff00000000n, MASK],
  ['remw', 0xffffffff80000005n, 0n, 0xffffffff80000005n],
  ['remuw', 0x1234567880000005n, 0n, 0xffffffff80000005n],
  ['div', u64(-7n), 2n, u64(-3n)],
  ['rem', u64(-7n), 2n, u64(-1n)],
  ['rem', 7n, u64(-2n), 1n],
  ['mulh', MASK, MASK, 0n],
  ['mulhu', MASK, MASK, MASK - 1n],
  ['mulhsu', MASK, MASK, MASK],
  ['mulw', 0x10000n, 0x8000n, 0xffffffff80000000n],
];

describe('M extension special cases', () => {
  it.each(SPECIAL_CASES)('%s 0x%s, 0x%s', (op, a1, a2, expected) => {
    const h = new HartHarness().load(`${op} a0, a1, a2`).step({ a1, a2 });
    expect(h.x('a0')).toBe(expected);
  });
});
