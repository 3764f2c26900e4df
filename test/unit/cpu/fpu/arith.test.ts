import { describe, expect, it } from 'vitest';
import { RDN, RMM, RNE, RTZ, RUP } from '../../../../src/cpu/fpu/flags.js';
import { fadd_s, fmul_d } from '../../../../src/cpu/fpu/index.js';
import { D, DZ, NV, NX, OF, S, UF, d, s } from './bits-helper.js';
import { get64, newFiles, opSpec, put32, put64 } from './registers-helper.js';

type Row = readonly [op: string, rm: number, a: bigint, b: bigint, c: bigint, want: bigint, flags: number];

const ALL_MODES = [RNE, RTZ, RDN, RUP, RMM];

/** The same operation in every rounding mode: [results and flags per mode, in ALL_MODES order]. */
function perMode(op: string, a: bigint, b: bigint, c: bigint, outcomes: readonly (readonly [bigint, number])[]): Row[] {
  return ALL_MODES.map((rm, i) => [op, rm, a, b, c, outcomes[i][0], outcomes[i][1]] as const);
}

const SINGLE_ROWS: Row[] = [
  // NaN rules: canonical results, NV only for signaling NaNs and invalid operations.
  ['fadd_s', RNE, S.qnan, s(1), 0n, S.qnan, 0],
  ['fadd_s', RNE, s(1), S.payloadQnan, 0n, S.qnan, 0],
  ['fadd_s', RNE, S.snan, s(1), 0n, S.qnan, NV],
  ['fsub_s', RNE, s(1), S.negSnan, 0n, S.qnan, NV],
  ['fadd_s', RNE, S.inf, S.negInf, 0n, S.qnan, NV],
  ['fsub_s', RNE, S.inf, S.inf, 0n, S.qnan, NV],
  ['fadd_s', RNE, S.inf, S.max, 0n, S.inf, 0],
  ['fsub_s', RNE, S.max, S.inf, 0n, S.negInf, 0],
  ['fmul_s', RNE, S.zero, S.negInf, 0n, S.qnan, NV],
  ['fmul_s', RNE, S.negInf, S.maxSub, 0n, S.negInf, 0],
  ['fdiv_s', RNE, S.zero, S.negZero, 0n, S.qnan, NV],
  ['fdiv_s', RNE, S.inf, S.negInf, 0n, S.qnan, NV],
  ['fdiv_s', RNE, s(-1), S.zero, 0n, S.negInf, DZ],
  ['fdiv_s', RNE, s(1), S.negZero, 0n, S.negInf, DZ],
  ['fdiv_s', RNE, S.qnan, S.zero, 0n, S.qnan, 0],
  ['fdiv_s', RNE, s(1), S.negInf, 0n, S.negZero, 0],
  ['fdiv_s', RNE, S.inf, S.zero, 0n, S.inf, 0],
  ['fsqrt_s', RNE, S.negZero, 0n, 0n, S.negZero, 0],
  ['fsqrt_s', RNE, s(-1), 0n, 0n, S.qnan, NV],
  ['fsqrt_s', RNE, S.negInf, 0n, 0n, S.qnan, NV],
  ['fsqrt_s', RNE, S.negMax, 0n, 0n, S.qnan, NV],
  ['fsqrt_s', RNE, S.inf, 0n, 0n, S.inf, 0],
  ['fsqrt_s', RNE, S.snan, 0n, 0n, S.qnan, NV],
  ['fsqrt_s', RNE, S.payloadQnan, 0n, 0n, S.qnan, 0],
  ['fsqrt_s', RNE, s(4), 0n, 0n, s(2), 0],
  ['fsqrt_s', RUP, s(2), 0n, 0n, s(Math.SQRT2) + 1n, NX],
  ['fsqrt_s', RTZ, s(2), 0n, 0n, s(Math.SQRT2), NX],
  ['fsqrt_s', RNE, S.minSub, 0n, 0n, s(2 ** -74.5), NX],
  // Signed zeros: exact cancellation is +0 except in round-down.
  ['fadd_s', RNE, S.zero, S.negZero, 0n, S.zero, 0],
  ['fadd_s', RDN, S.zero, S.negZero, 0n, S.negZero, 0],
  ['fadd_s', RDN, S.zero, S.zero, 0n, S.zero, 0],
  ['fadd_s', RUP, S.negZero, S.negZero, 0n, S.negZero, 0],
  ['fadd_s', RNE, s(1.5), s(-1.5), 0n, S.zero, 0],
  ['fadd_s', RDN, s(1.5), s(-1.5), 0n, S.negZero, 0],
  ['fsub_s', RDN, s(3), s(3), 0n, S.negZero, 0],
  ['fsub_s', RUP, S.negZero, S.zero, 0n, S.negZero, 0],
  ['fmul_s', RNE, S.negZero, s(5), 0n, S.negZero, 0],
  ['fmul_s', RUP, S.negZero, S.negZero, 0n, S.zero, 0],
  ['fdiv_s', RNE, S.negZero, s(7), 0n, S.negZero, 0],
  // Underflow: tininess after rounding, UF only when also inexact.
  ...perMode('fmul_s', S.minSub, s(0.5), 0n, [
    [S.zero, UF | NX], [S.zero, UF | NX], [S.zero, UF | NX], [S.minSub, UF | NX], [S.minSub, UF | NX],
  ]),
  ...perMode('fmul_s', S.minNormal, s(1 - 2 ** -24), 0n, [
    [S.minNormal, UF | NX], [S.maxSub, UF | NX], [S.maxSub, UF | NX], [S.minNormal, UF | NX], [S.minNormal, UF | NX],
  ]),
  ['fmul_s', RNE, S.minNormal, s(0.5), 0n, 0x00400000n, 0],
  ['fdiv_s', RNE, S.minNormal, s(2 ** 23), 0n, S.minSub, 0],
  ['fmul_s', RUP, S.minSub, S.minSub, 0n, S.minSub, UF | NX],
  ['fmul_s', RDN, S.minSub, s(-(2 ** -10)), 0n, S.minSub | S.negZero, UF | NX],
  // Overflow: infinity or the largest finite value depending on mode and sign.
  ...perMode('fadd_s', S.max, S.max, 0n, [
    [S.inf, OF | NX], [S.max, OF | NX], [S.max, OF | NX], [S.inf, OF | NX], [S.inf, OF | NX],
  ]),
  ...perMode('fmul_s', S.negMax, s(2), 0n, [
    [S.negInf, OF | NX], [S.negMax, OF | NX], [S.negInf, OF | NX], [S.negMax, OF | NX], [S.negInf, OF | NX],
  ]),
  ...perMode('fdiv_s', s(2 ** 100), s(2 ** -100), 0n, [
    [S.inf, OF | NX], [S.max, OF | NX], [S.max, OF | NX], [S.inf, OF | NX], [S.inf, OF | NX],
  ]),
  // Exactly halfway above the largest finite value: only the modes that round up overflow.
  ...perMode('fadd_s', S.max, s(2 ** 103), 0n, [
    [S.inf, OF | NX], [S.max, NX], [S.max, NX], [S.inf, OF | NX], [S.inf, OF | NX],
  ]),
  // Ties: RNE to even, RMM away from zero.
  ...perMode('fadd_s', s(1), s(2 ** -24), 0n, [
    [s(1), NX], [s(1), NX], [s(1), NX], [s(1) + 1n, NX], [s(1) + 1n, NX],
  ]),
  ...perMode('fsub_s', s(-1 - 2 ** -23), s(2 ** -24), 0n, [
    [s(-1) + 2n, NX], [s(-1) + 1n, NX], [s(-1) + 2n, NX], [s(-1) + 1n, NX], [s(-1) + 2n, NX],
  ]),
  // Fused multiply-add: one rounding, RISC-V signs, NV for 0 * inf even with a quiet NaN addend.
  ['fmadd_s', RNE, s(1 + 2 ** -12), s(1 + 2 ** -12), s(-1), s(2 ** -11 + 2 ** -24), 0],
  ['fmsub_s', RNE, s(1 + 2 ** -12), s(1 + 2 ** -12), s(1), s(2 ** -11 + 2 ** -24), 0],
  ['fnmsub_s', RNE, s(1 + 2 ** -12), s(1 + 2 ** -12), s(1), s(-(2 ** -11 + 2 ** -24)), 0],
  ['fnmadd_s', RNE, s(1 + 2 ** -12), s(1 + 2 ** -12), s(-1), s(-(2 ** -11 + 2 ** -24)), 0],
  ['fmadd_s', RNE, s(2), s(3), s(4), s(10), 0],
  ['fmsub_s', RNE, s(2), s(3), s(4), s(2), 0],
  ['fnmsub_s', RNE, s(2), s(3), s(4), s(-2), 0],
  ['fnmadd_s', RNE, s(2), s(3), s(4), s(-10), 0],
  ['fmadd_s', RNE, S.inf, S.zero, S.qnan, S.qnan, NV],
  ['fmadd_s', RNE, S.negZero, S.inf, S.payloadQnan, S.qnan, NV],
  ['fmadd_s', RNE, S.inf, S.zero, s(1), S.qnan, NV],
  ['fmadd_s', RNE, S.qnan, s(1), s(1), S.qnan, 0],
  ['fmadd_s', RNE, s(1), s(1), S.snan, S.qnan, NV],
  ['fmadd_s', RNE, S.inf, s(1), S.negInf, S.qnan, NV],
  ['fnmadd_s', RNE, S.inf, s(1), S.negInf, S.qnan, NV],
  ['fmsub_s', RNE, S.inf, s(1), S.inf, S.qnan, NV],
  ['fmadd_s', RNE, S.inf, s(-1), S.negInf, S.negInf, 0],
  ['fmadd_s', RNE, s(1), s(1), S.inf, S.inf, 0],
  ['fmadd_s', RNE, s(1), s(-1), s(1), S.zero, 0],
  ['fmadd_s', RDN, s(1), s(-1), s(1), S.negZero, 0],
  ['fmadd_s', RNE, S.zero, s(-1), S.zero, S.zero, 0],
  ['fmadd_s', RDN, S.zero, s(-1), S.zero, S.negZero, 0],
  ['fmadd_s', RNE, S.negZero, s(1), S.negZero, S.negZero, 0],
  ['fnmsub_s', RNE, S.zero, s(1), S.zero, S.zero, 0],
  ['fnmadd_s', RNE, S.zero, s(1), S.zero, S.negZero, 0],
  ['fmadd_s', RNE, S.zero, s(1), S.maxSub, S.maxSub, 0],
  ['fmadd_s', RNE, S.max, s(2), S.negMax, S.max, 0],
];

const DOUBLE_ROWS: Row[] = [
  ['fadd_d', RNE, D.payloadQnan, d(1), 0n, D.qnan, 0],
  ['fadd_d', RNE, d(1), D.snan, 0n, D.qnan, NV],
  ['fsub_d', RNE, D.negInf, D.negInf, 0n, D.qnan, NV],
  ['fadd_d', RDN, d(2), d(-2), 0n, D.negZero, 0],
  ['fadd_d', RUP, d(2), d(-2), 0n, D.zero, 0],
  ['fmul_d', RNE, D.inf, D.negZero, 0n, D.qnan, NV],
  ['fdiv_d', RNE, D.negZero, D.zero, 0n, D.qnan, NV],
  ['fdiv_d', RNE, d(3), D.negZero, 0n, D.negInf, DZ],
  ['fdiv_d', RNE, D.maxSub, D.inf, 0n, D.zero, 0],
  ['fsqrt_d', RNE, D.negZero, 0n, 0n, D.negZero, 0],
  ['fsqrt_d', RNE, d(-2), 0n, 0n, D.qnan, NV],
  ['fsqrt_d', RNE, D.minSub, 0n, 0n, d(2 ** -537), 0],
  ['fsqrt_d', RNE, D.max, 0n, 0n, d(Math.sqrt(Number.MAX_VALUE)), NX],
  ['fsqrt_d', RUP, d(2), 0n, 0n, d(Math.SQRT2), NX],
  ['fsqrt_d', RTZ, d(2), 0n, 0n, d(Math.SQRT2) - 1n, NX],
  ...perMode('fmul_d', D.minSub, d(0.5), 0n, [
    [D.zero, UF | NX], [D.zero, UF | NX], [D.zero, UF | NX], [D.minSub, UF | NX], [D.minSub, UF | NX],
  ]),
  ...perMode('fmul_d', D.minNormal, d(1 - 2 ** -53), 0n, [
    [D.minNormal, UF | NX], [D.maxSub, UF | NX], [D.maxSub, UF | NX], [D.minNormal, UF | NX], [D.minNormal, UF | NX],
  ]),
  ...perMode('fmul_d', D.minNormal + 1n, d(1 - 2 ** -53), 0n, [
    [D.minNormal, NX], [D.minNormal, NX], [D.minNormal, NX], [D.minNormal + 1n, NX], [D.minNormal, NX],
  ]),
  ['fdiv_d', RNE, D.minNormal, d(2 ** 52), 0n, D.minSub, 0],
  ...perMode('fmul_d', D.max, d(-2), 0n, [
    [D.negInf, OF | NX], [D.negMax, OF | NX], [D.negInf, OF | NX], [D.negMax, OF | NX], [D.negInf, OF | NX],
  ]),
  ...perMode('fadd_d', D.max, d(2 ** 970), 0n, [
    [D.inf, OF | NX], [D.max, NX], [D.max, NX], [D.inf, OF | NX], [D.inf, OF | NX],
  ]),
  ...perMode('fadd_d', D.max, d(2 ** 969), 0n, [
    [D.max, NX], [D.max, NX], [D.max, NX], [D.inf, OF | NX], [D.max, NX],
  ]),
  // Operands near the top of the range, where TwoSum's intermediates would overflow.
  ['fadd_d', RDN, 0xffd8000000000003n, D.max, 0n, 0x7fe3fffffffffffdn, NX],
  ['fsub_d', RDN, 0xffd9d536878c1917n, D.negMax, 0n, 0x7fe31564bc39f373n, NX],
  ['fmadd_d', RDN, 0xffd8000000000003n, d(1), D.max, 0x7fe3fffffffffffdn, NX],
  ...perMode('fadd_d', d(1), d(2 ** -53), 0n, [
    [d(1), NX], [d(1), NX], [d(1), NX], [d(1) + 1n, NX], [d(1) + 1n, NX],
  ]),
  ...perMode('fdiv_d', d(1), d(3), 0n, [
    [d(1 / 3), NX], [d(1 / 3), NX], [d(1 / 3), NX], [d(1 / 3) + 1n, NX], [d(1 / 3), NX],
  ]),
  ...perMode('fdiv_d', d(-2), d(3), 0n, [
    [d(-2 / 3), NX], [d(-2 / 3), NX], [d(-2 / 3) + 1n, NX], [d(-2 / 3), NX], [d(-2 / 3), NX],
  ]),
  ['fmadd_d', RNE, d(1 + 2 ** -27), d(1 + 2 ** -27), d(-1), d(2 ** -26 + 2 ** -54), 0],
  ['fnmadd_d', RNE, d(1 + 2 ** -27), d(1 + 2 ** -27), d(-1), d(-(2 ** -26 + 2 ** -54)), 0],
  ['fmsub_d', RUP, d(0.1), d(10), d(1), d(2 ** -54), 0],
  ['fnmsub_d', RNE, d(2), d(3), d(4), d(-2), 0],
  ['fmadd_d', RNE, D.zero, D.negInf, D.qnan, D.qnan, NV],
  ['fmadd_d', RNE, D.inf, d(2), D.negInf, D.qnan, NV],
  ['fmadd_d', RNE, d(1), d(-1), d(1), D.zero, 0],
  ['fmadd_d', RDN, d(1), d(-1), d(1), D.negZero, 0],
  ['fmadd_d', RDN, d(0.1), d(-10), d(1), d(-(2 ** -54)), 0],
  ...perMode('fmadd_d', D.max, d(2), D.negMax, [
    [D.max, 0], [D.max, 0], [D.max, 0], [D.max, 0], [D.max, 0],
  ]),
  ...perMode('fmadd_d', D.minNormal, d(0.5), D.minSub, [
    [0x0008000000000001n, 0], [0x0008000000000001n, 0], [0x0008000000000001n, 0],
    [0x0008000000000001n, 0], [0x0008000000000001n, 0],
  ]),
  ...perMode('fmadd_d', D.minSub, d(0.5), 0x0004000000000000n, [
    [0x0004000000000000n, UF | NX], [0x0004000000000000n, UF | NX], [0x0004000000000000n, UF | NX],
    [0x0004000000000001n, UF | NX], [0x0004000000000001n, UF | NX],
  ]),
];

describe('F arithmetic special cases', () => {
  it.each(SINGLE_ROWS)('%s rm=%i (%s, %s, %s) = %s flags %i', (op, rm, a, b, c, want, flags) => {
    const got = opSpec(op).run(a, b, c, rm);
    expect({ bits: got.bits.toString(16), flags: got.flags, boxed: got.boxed }).toEqual({
      bits: want.toString(16), flags, boxed: true,
    });
  });

  it('reads an operand that is not NaN-boxed as the canonical NaN', () => {
    const { f } = newFiles();
    put64(f, 1, 0x000000003f800000n);
    put32(f, 2, s(1));
    expect(fadd_s(f, 3, 1, 2, RNE)).toBe(0);
    expect(get64(f, 3)).toBe(0xffffffff00000000n | S.qnan);
  });
});

describe('D arithmetic special cases', () => {
  it.each(DOUBLE_ROWS)('%s rm=%i (%s, %s, %s) = %s flags %i', (op, rm, a, b, c, want, flags) => {
    const got = opSpec(op).run(a, b, c, rm);
    expect({ bits: got.bits.toString(16), flags: got.flags }).toEqual({ bits: want.toString(16), flags });
  });

  it('allows the destination to be a source register', () => {
    const { f } = newFiles();
    put64(f, 1, d(1.5));
    expect(fmul_d(f, 1, 1, 1, RNE)).toBe(0);
    expect(get64(f, 1)).toBe(d(2.25));
  });
});
