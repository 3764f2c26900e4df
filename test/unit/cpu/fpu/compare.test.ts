import { describe, expect, it } from 'vitest';
import { fclass_d, fclass_s, fmin_s } from '../../../../src/cpu/fpu/index.js';
import { D, NV, S, d, s } from './bits-helper.js';
import { get64, newFiles, opSpec, put32, put64 } from './registers-helper.js';

type Row = readonly [op: string, a: bigint, b: bigint, want: bigint, flags: number];

const MIN_MAX_SINGLE: Row[] = [
  ['fmin_s', S.zero, S.negZero, S.negZero, 0],
  ['fmin_s', S.negZero, S.zero, S.negZero, 0],
  ['fmax_s', S.negZero, S.zero, S.zero, 0],
  ['fmax_s', S.zero, S.negZero, S.zero, 0],
  ['fmin_s', s(1), s(2), s(1), 0],
  ['fmax_s', s(1), s(2), s(2), 0],
  ['fmin_s', S.negInf, S.negMax, S.negInf, 0],
  ['fmax_s', S.negInf, s(5), s(5), 0],
  ['fmin_s', S.qnan, s(1), s(1), 0],
  ['fmax_s', s(-3), S.payloadQnan, s(-3), 0],
  ['fmin_s', S.snan, s(1), s(1), NV],
  ['fmax_s', s(1), S.negSnan, s(1), NV],
  ['fmin_s', S.payloadQnan, S.qnan, S.qnan, 0],
  ['fmax_s', S.snan, S.qnan, S.qnan, NV],
];

const MIN_MAX_DOUBLE: Row[] = [
  ['fmin_d', D.zero, D.negZero, D.negZero, 0],
  ['fmax_d', D.negZero, D.zero, D.zero, 0],
  ['fmin_d', d(-1), d(1), d(-1), 0],
  ['fmax_d', D.max, D.inf, D.inf, 0],
  ['fmin_d', D.payloadQnan, d(7), d(7), 0],
  ['fmax_d', d(7), D.snan, d(7), NV],
  ['fmin_d', D.payloadQnan, D.payloadQnan, D.qnan, 0],
  ['fmax_d', D.qnan, D.snan, D.qnan, NV],
];

const COMPARISONS: Row[] = [
  ...(['s', 'd'] as const).flatMap((k) => {
    const F = k === 's' ? S : D;
    const v = k === 's' ? s : d;
    return [
      [`feq_${k}`, v(1), v(1), 1n, 0],
      [`feq_${k}`, v(1), v(2), 0n, 0],
      [`feq_${k}`, F.zero, F.negZero, 1n, 0],
      [`feq_${k}`, F.qnan, F.qnan, 0n, 0],
      [`feq_${k}`, v(1), F.snan, 0n, NV],
      [`flt_${k}`, v(1), v(2), 1n, 0],
      [`flt_${k}`, v(2), v(1), 0n, 0],
      [`flt_${k}`, F.negZero, F.zero, 0n, 0],
      [`flt_${k}`, F.negInf, F.negMax, 1n, 0],
      [`flt_${k}`, F.qnan, v(1), 0n, NV],
      [`flt_${k}`, v(1), F.snan, 0n, NV],
      [`fle_${k}`, v(1), v(1), 1n, 0],
      [`fle_${k}`, F.negZero, F.zero, 1n, 0],
      [`fle_${k}`, v(3), v(1), 0n, 0],
      [`fle_${k}`, v(1), F.qnan, 0n, NV],
    ] as const;
  }),
];

describe('fmin / fmax', () => {
  it.each([...MIN_MAX_SINGLE, ...MIN_MAX_DOUBLE])(
    '%s(%s, %s) = %s flags %i',
    (op, a, b, want, flags) => {
      const got = opSpec(op).run(a, b, 0n, 0);
      expect({ bits: got.bits.toString(16), flags: got.flags, boxed: got.boxed }).toEqual({
        bits: want.toString(16), flags, boxed: true,
      });
    },
  );

  it('treats a single that is not NaN-boxed as a quiet NaN', () => {
    const { f } = newFiles();
    put64(f, 1, s(-5));
    put32(f, 2, s(3));
    expect(fmin_s(f, 3, 1, 2)).toBe(0);
    expect(get64(f, 3)).toBe(0xffffffff00000000n | s(3));
  });
});

describe('feq / flt / fle', () => {
  it.each(COMPARISONS)('%s(%s, %s) = %s flags %i', (op, a, b, want, flags) => {
    const got = opSpec(op).run(a, b, 0n, 0);
    expect({ value: got.bits, flags: got.flags }).toEqual({ value: want, flags });
  });
});

describe('fclass', () => {
  const single: (readonly [bigint, number])[] = [
    [S.negInf, 0], [s(-1), 1], [S.maxSub | S.negZero, 2], [S.negZero, 3], [S.zero, 4],
    [S.minSub, 5], [S.max, 6], [S.inf, 7], [S.snan, 8], [S.negSnan, 8], [S.qnan, 9], [S.payloadQnan | S.negZero, 9],
  ];
  const double: (readonly [bigint, number])[] = [
    [D.negInf, 0], [D.negMax, 1], [D.minSub | D.negZero, 2], [D.negZero, 3], [D.zero, 4],
    [D.maxSub, 5], [D.minNormal, 6], [D.inf, 7], [D.snan, 8], [D.qnan, 9], [D.payloadQnan, 9],
  ];

  it.each(single)('fclass.s(%s) sets bit %i', (value, bit) => {
    const { f, x } = newFiles();
    put32(f, 1, value);
    expect(fclass_s(f, x, 5, 1)).toBe(0);
    expect(get64(x, 5)).toBe(1n << BigInt(bit));
  });

  it.each(double)('fclass.d(%s) sets bit %i', (value, bit) => {
    const { f, x } = newFiles();
    put64(f, 1, value);
    expect(fclass_d(f, x, 5, 1)).toBe(0);
    expect(get64(x, 5)).toBe(1n << BigInt(bit));
  });

  it('classifies a single that is not NaN-boxed as a quiet NaN', () => {
    const { f, x } = newFiles();
    put64(f, 1, s(1));
    fclass_s(f, x, 5, 1);
    expect(get64(x, 5)).toBe(1n << 9n);
  });
});
