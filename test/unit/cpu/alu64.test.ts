import { describe, expect, it } from 'vitest';
import * as alu from '../../../src/cpu/alu64.js';
import { Prng } from '../../conformance/diff/prng.js';
import { EDGE_VALUES } from '../../support/hart-harness.js';

const MASK = (1n << 64n) - 1n;
const INT64_MIN = 1n << 63n;
const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const lo = (v: bigint): number => Number(BigInt.asIntN(32, v));
const hi = (v: bigint): number => Number(BigInt.asIntN(32, v >> 32n));
const result = (): bigint => (BigInt(alu.out[1]! >>> 0) << 32n) | BigInt(alu.out[0]! >>> 0);

/** The 64-bit operations on halves, with their BigInt references (unsigned in and out). */
const WIDE: ReadonlyArray<readonly [string, (al: number, ah: number, bl: number, bh: number) => void, (a: bigint, b: bigint) => bigint]> = [
  ['mul', alu.mul, (a, b) => (a * b) & MASK],
  ['mulh', alu.mulh, (a, b) => u64((s64(a) * s64(b)) >> 64n)],
  ['mulhu', alu.mulhu, (a, b) => (a * b) >> 64n],
  ['mulhsu', alu.mulhsu, (a, b) => u64((s64(a) * b) >> 64n)],
  ['div', alu.div, (a, b) => (b === 0n ? MASK : a === INT64_MIN && b === MASK ? INT64_MIN : u64(s64(a) / s64(b)))],
  ['divu', alu.divu, (a, b) => (b === 0n ? MASK : a / b)],
  ['rem', alu.rem, (a, b) => (b === 0n ? a : a === INT64_MIN && b === MASK ? 0n : u64(s64(a) % s64(b)))],
  ['remu', alu.remu, (a, b) => (b === 0n ? a : a % b)],
];

/**
 * Operands drawn to hit every fast path: tiny, 16-, 32-, 52- and 53-bit
 * magnitudes of both signs, full 64-bit values, and the edge values.
 */
function operandPool(seed: number, count: number): bigint[] {
  const prng = new Prng(seed);
  const pool = [...EDGE_VALUES, 1n << 52n, (1n << 52n) - 1n, 1n << 53n, (1n << 53n) + 1n, u64(-(1n << 52n)), 0xffffn, 0x10000n];
  const widths = [4, 16, 31, 32, 33, 48, 52, 53, 54, 63, 64];
  for (let i = 0; i < count; i++) {
    const width = BigInt(prng.pick(widths));
    let v = prng.next64() & ((1n << width) - 1n);
    if (prng.chance(0.4)) v = u64(-v);
    pool.push(v);
  }
  return pool;
}

describe('alu64 against BigInt references', () => {
  const pool = operandPool(42, 300);
  for (const [name, op, reference] of WIDE) {
    it(`${name} on ${pool.length}² operand pairs`, () => {
      for (const a of pool) {
        for (const b of pool) {
          op(lo(a), hi(a), lo(b), hi(b));
          const got = result();
          if (got !== reference(a, b)) expect.fail(`${name}(0x${a.toString(16)}, 0x${b.toString(16)}) = 0x${got.toString(16)}, want 0x${reference(a, b).toString(16)}`);
        }
      }
    });
  }

  const NARROW: ReadonlyArray<readonly [string, (a: number, b: number) => number, (a: bigint, b: bigint) => bigint]> = [
    ['divw', alu.divw, (a, b) => (b === 0n ? -1n : a === -(1n << 31n) && b === -1n ? a : a / b)],
    ['divuw', alu.divuw, (a, b) => (u64(b) & 0xffffffffn) === 0n ? -1n : BigInt.asIntN(32, (a & 0xffffffffn) / (b & 0xffffffffn))],
    ['remw', alu.remw, (a, b) => (b === 0n ? a : b === -1n ? 0n : a % b)],
    ['remuw', alu.remuw, (a, b) => (b & 0xffffffffn) === 0n ? a : BigInt.asIntN(32, (a & 0xffffffffn) % (b & 0xffffffffn))],
  ];
  for (const [name, op, reference] of NARROW) {
    it(`${name} on 32-bit operand pairs`, () => {
      for (const a of pool) {
        for (const b of pool) {
          const x = BigInt.asIntN(32, a), y = BigInt.asIntN(32, b);
          const got = BigInt(op(Number(x), Number(y)));
          const want = BigInt.asIntN(32, reference(x, y));
          if (got !== want) expect.fail(`${name}(${x}, ${y}) = ${got}, want ${want}`);
        }
      }
    });
  }
});
