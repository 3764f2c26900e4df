import { describe, expect, it } from 'vitest';
import { out } from '../../../../src/cpu/alu64.js';
import { remu } from '../../../../src/exec/dbt/remainder.js';
import { Prng } from '../../../conformance/diff/prng.js';

/** RISC-V REMU on 64-bit values: x % 0 = x. */
function reference(a: bigint, b: bigint): bigint {
  return b === 0n ? a : a % b;
}

function halves(v: bigint): [number, number] {
  return [Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n))];
}

function check(a: bigint, b: bigint): void {
  const [al, ah] = halves(a);
  const [bl, bh] = halves(b);
  remu(al, ah, bl, bh);
  const result = (BigInt(out[1]! >>> 0) << 32n) | BigInt(out[0]! >>> 0);
  expect(result, `${a} remu ${b}`).toBe(reference(a, b));
}

const MAX = 0xffffffffffffffffn;

describe('remu with the 32-bit divisor path', () => {
  it.each([
    [0n, 1n], [MAX, 1n], [MAX, 0xffffffffn], [MAX, 0xfffffffbn], [MAX - 1n, 0xffffffffn],
    [0xfffffffa_00000000n, 0xfffffffbn], [0xffffffffn, 0xffffffffn], [0x1_00000000n, 0xffffffffn],
    [12345n, 0n], [MAX, 0n], [7n, 0x80000000n], [MAX, 0x80000000n], [MAX, 3n], [MAX, 0x1_00000000n],
    [0x123456789abcdef0n, 0x1_00000001n], [5n, MAX],
  ])('%s remu %s', (a, b) => check(a, b));

  it('agrees with BigInt on random dividends and divisors of every width', () => {
    const prng = new Prng(11);
    const word = (): bigint => BigInt(prng.below(0x10000)) << 16n | BigInt(prng.below(0x10000));
    for (let i = 0; i < 20_000; i++) {
      const a = (word() << 32n) | word();
      const bits = 1 + prng.below(33);
      const b = word() & ((1n << BigInt(bits)) - 1n) | (i % 7 === 0 ? word() << 32n : 0n);
      check(a, b);
    }
  });
});
