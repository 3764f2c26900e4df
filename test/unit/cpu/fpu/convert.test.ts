import { describe, expect, it } from 'vitest';
import { RDN, RMM, RNE, RTZ, RUP } from '../../../../src/cpu/fpu/flags.js';
import { fcvt_d_s, fcvt_s_w, fcvt_w_d } from '../../../../src/cpu/fpu/index.js';
import { D, NV, NX, OF, S, UF, d, s } from './bits-helper.js';
import { get64, newFiles, opSpec, put32, put64 } from './registers-helper.js';

type Row = readonly [op: string, rm: number, a: bigint, want: bigint, flags: number];

const I32_MAX = 0x7fffffffn;
const I32_MIN = 0xffffffff80000000n;
const I64_MAX = 0x7fffffffffffffffn;
const I64_MIN = 0x8000000000000000n;
const ALL_ONES = 0xffffffffffffffffn;
/** Two's complement of a small integer, as the unsigned 64-bit register pattern. */
const int = (v: number): bigint => BigInt.asUintN(64, BigInt(v));

const TO_INTEGER: Row[] = [
  // NaN gives the largest value; out-of-range values saturate; both raise NV and not NX.
  ['fcvt_w_s', RNE, S.qnan, I32_MAX, NV],
  ['fcvt_w_s', RNE, S.snan | S.negZero, I32_MAX, NV],
  ['fcvt_w_s', RNE, S.inf, I32_MAX, NV],
  ['fcvt_w_s', RNE, S.negInf, I32_MIN, NV],
  ['fcvt_w_s', RNE, s(2 ** 31), I32_MAX, NV],
  ['fcvt_w_s', RNE, s(-(2 ** 31)), I32_MIN, 0],
  ['fcvt_w_d', RNE, d(-(2 ** 31) - 0.5), I32_MIN, NX],
  ['fcvt_w_d', RNE, d(-(2 ** 31) - 1.5), I32_MIN, NV],
  ['fcvt_w_d', RDN, d(-(2 ** 31) - 0.5), I32_MIN, NV],
  ['fcvt_w_d', RTZ, d(2 ** 31 - 0.5), I32_MAX, NX],
  ['fcvt_w_d', RUP, d(2 ** 31 - 0.5), I32_MAX, NV],
  ['fcvt_wu_s', RNE, S.qnan, ALL_ONES, NV],
  ['fcvt_wu_s', RNE, S.inf, ALL_ONES, NV],
  ['fcvt_wu_s', RNE, S.negInf, 0n, NV],
  ['fcvt_wu_s', RNE, s(-1), 0n, NV],
  ['fcvt_wu_s', RTZ, s(-0.75), 0n, NX],
  ['fcvt_wu_s', RNE, s(-0.5), 0n, NX],
  ['fcvt_wu_s', RNE, s(-0.75), 0n, NV],
  ['fcvt_wu_s', RNE, S.negZero, 0n, 0],
  ['fcvt_wu_s', RNE, s(3e9), int(3e9 - 2 ** 32), 0],
  ['fcvt_wu_d', RNE, d(2 ** 32), ALL_ONES, NV],
  ['fcvt_wu_d', RDN, d(2 ** 32 - 0.5), ALL_ONES, NX],
  ['fcvt_l_s', RNE, S.qnan, I64_MAX, NV],
  ['fcvt_l_s', RNE, s(2 ** 63), I64_MAX, NV],
  ['fcvt_l_s', RNE, s(-(2 ** 63)), I64_MIN, 0],
  ['fcvt_l_d', RNE, D.negInf, I64_MIN, NV],
  ['fcvt_l_d', RNE, d(-(2 ** 63)), I64_MIN, 0],
  ['fcvt_l_d', RNE, d(2 ** 63 - 1024), 0x7ffffffffffffc00n, 0],
  ['fcvt_l_d', RNE, D.payloadQnan, I64_MAX, NV],
  ['fcvt_lu_s', RNE, s(-(2 ** 40)), 0n, NV],
  ['fcvt_lu_d', RNE, D.snan, ALL_ONES, NV],
  ['fcvt_lu_d', RNE, d(2 ** 64), ALL_ONES, NV],
  ['fcvt_lu_d', RNE, d(2 ** 64 - 2048), 0xfffffffffffff800n, 0],
  ['fcvt_lu_d', RUP, D.minSub, 1n, NX],
  ['fcvt_lu_d', RDN, D.minSub | D.negZero, 0n, NV],
  // Rounding to integral values in each mode.
  ...([
    [2.5, [2, 2, 2, 3, 3]], [3.5, [4, 3, 3, 4, 4]], [-2.5, [-2, -2, -3, -2, -3]], [0.5, [0, 0, 0, 1, 1]],
    [-0.5, [0, 0, -1, 0, -1]], [1.25, [1, 1, 1, 2, 1]], [-1.75, [-2, -1, -2, -1, -2]],
  ] as const).flatMap(([v, results]) =>
    [RNE, RTZ, RDN, RUP, RMM].map((rm, i): Row => ['fcvt_l_d', rm, d(v), int(results[i]), NX])),
  ['fcvt_w_s', RMM, s(-2.5), int(-3), NX],
  ['fcvt_l_d', RNE, d(-7), int(-7), 0],
];

const TO_FLOAT: Row[] = [
  ['fcvt_s_w', RDN, 0n, S.zero, 0],
  ['fcvt_d_l', RDN, 0n, D.zero, 0],
  ['fcvt_s_w', RNE, int(-1), s(-1), 0],
  ['fcvt_s_wu', RNE, 0xffffffffn, s(2 ** 32), NX],
  ['fcvt_s_wu', RTZ, 0xffffffffn, s(2 ** 32) - 1n, NX],
  ['fcvt_s_w', RNE, 0xffffffff00000005n, s(5), 0],
  ['fcvt_s_l', RNE, I64_MAX, s(2 ** 63), NX],
  ['fcvt_s_l', RTZ, I64_MAX, s(2 ** 63) - 1n, NX],
  ['fcvt_s_l', RNE, I64_MIN, s(-(2 ** 63)), 0],
  ['fcvt_s_lu', RNE, ALL_ONES, s(2 ** 64), NX],
  ['fcvt_s_lu', RDN, ALL_ONES, s(2 ** 64) - 1n, NX],
  // 2^24 + 1 is a tie in single precision; 2^53 + 1 in double.
  ...[RNE, RTZ, RDN, RUP, RMM].map((rm, i): Row =>
    ['fcvt_s_l', rm, int(2 ** 24 + 1), s(2 ** 24) + BigInt([0, 0, 0, 1, 1][i]), NX]),
  ...[RNE, RTZ, RDN, RUP, RMM].map((rm, i): Row =>
    ['fcvt_d_l', rm, 2n ** 53n + 1n, d(2 ** 53) + BigInt([0, 0, 0, 1, 1][i]), NX]),
  ...[RNE, RTZ, RDN, RUP, RMM].map((rm, i): Row =>
    ['fcvt_d_l', rm, BigInt.asUintN(64, -(2n ** 53n) - 3n), d(-(2 ** 53) - 4) - BigInt([0, 1, 0, 1, 0][i]), NX]),
  ['fcvt_d_lu', RNE, ALL_ONES, d(2 ** 64), NX],
  ['fcvt_d_lu', RTZ, ALL_ONES, d(2 ** 64) - 1n, NX],
  ['fcvt_d_wu', RNE, 0xffffffffn, d(2 ** 32 - 1), 0],
  ['fcvt_d_w', RNE, 0x80000000n, d(-(2 ** 31)), 0],
  // Between the formats: NaNs become canonical (NV if signaling).
  ['fcvt_s_d', RNE, D.payloadQnan, S.qnan, 0],
  ['fcvt_s_d', RNE, D.snan, S.qnan, NV],
  ['fcvt_s_d', RNE, D.negInf, S.negInf, 0],
  ['fcvt_s_d', RNE, D.negZero, S.negZero, 0],
  ['fcvt_d_s', RNE, S.payloadQnan, D.qnan, 0],
  ['fcvt_d_s', RNE, S.snan, D.qnan, NV],
  ['fcvt_d_s', RNE, S.minSub, d(2 ** -149), 0],
  ['fcvt_d_s', RNE, S.negMax, d(-(2 ** 128 - 2 ** 104)), 0],
  ...[RNE, RTZ, RDN, RUP, RMM].map((rm, i): Row =>
    ['fcvt_s_d', rm, d(-1e300), [S.negInf, S.negMax, S.negInf, S.negMax, S.negInf][i], OF | NX]),
  ...[RNE, RTZ, RDN, RUP, RMM].map((rm, i): Row =>
    ['fcvt_s_d', rm, d(2 ** 128 - 2 ** 103), [S.inf, S.max, S.max, S.inf, S.inf][i], [OF | NX, NX, NX, OF | NX, OF | NX][i]]),
  // Just below 2^-126: rounds to the smallest normal in the upward modes, which is then not tiny.
  ...[RNE, RTZ, RDN, RUP, RMM].map((rm, i): Row =>
    ['fcvt_s_d', rm, d(2 ** -126 - 2 ** -170), [S.minNormal, S.maxSub, S.maxSub, S.minNormal, S.minNormal][i],
      [NX, UF | NX, UF | NX, NX, NX][i]]),
  // Exactly halfway (at 24 bits) below 2^-126: RNE and RMM both reach 2^-126, so not tiny.
  ...[RNE, RTZ, RDN, RUP, RMM].map((rm, i): Row =>
    ['fcvt_s_d', rm, d(2 ** -126 - 2 ** -151), [S.minNormal, S.maxSub, S.maxSub, S.minNormal, S.minNormal][i],
      [NX, UF | NX, UF | NX, NX, NX][i]]),
  // Below that midpoint the unbounded result is 2^-126 - 2^-150: tiny in every mode.
  ['fcvt_s_d', RNE, d(2 ** -126 - 2 ** -150), S.minNormal, UF | NX],
  ['fcvt_s_d', RNE, d(2 ** -150), S.zero, UF | NX],
  ['fcvt_s_d', RMM, d(2 ** -150), S.minSub, UF | NX],
  ['fcvt_s_d', RNE, D.minSub, S.zero, UF | NX],
  ['fcvt_s_d', RUP, D.minSub, S.minSub, UF | NX],
  ['fcvt_s_d', RNE, d(2 ** -149), S.minSub, 0],
];

describe('float-to-integer conversions', () => {
  it.each(TO_INTEGER)('%s rm=%i (%s) = %s flags %i', (op, rm, a, want, flags) => {
    const got = opSpec(op).run(a, 0n, 0n, rm);
    expect({ bits: got.bits.toString(16), flags: got.flags }).toEqual({ bits: want.toString(16), flags });
  });

  it('never writes x0', () => {
    const { f, x } = newFiles();
    put64(f, 1, d(5));
    expect(fcvt_w_d(f, x, 0, 1, RNE)).toBe(0);
    expect(get64(x, 0)).toBe(0n);
  });
});

describe('integer-to-float and format conversions', () => {
  it.each(TO_FLOAT)('%s rm=%i (%s) = %s flags %i', (op, rm, a, want, flags) => {
    const got = opSpec(op).run(a, 0n, 0n, rm);
    expect({ bits: got.bits.toString(16), flags: got.flags, boxed: got.boxed }).toEqual({
      bits: want.toString(16), flags, boxed: true,
    });
  });

  it('NaN-boxes single-precision results', () => {
    const { f, x } = newFiles();
    put64(x, 1, 7n);
    fcvt_s_w(f, 2, x, 1, RNE);
    expect(get64(f, 2)).toBe(0xffffffff00000000n | s(7));
  });

  it('reads a single that is not NaN-boxed as the canonical NaN (quiet: no NV)', () => {
    const { f } = newFiles();
    put64(f, 1, s(1));
    expect(fcvt_d_s(f, 2, 1, RNE)).toBe(0);
    expect(get64(f, 2)).toBe(D.qnan);
    put32(f, 1, s(1));
    expect(fcvt_d_s(f, 2, 1, RNE)).toBe(0);
    expect(get64(f, 2)).toBe(d(1));
  });
});
