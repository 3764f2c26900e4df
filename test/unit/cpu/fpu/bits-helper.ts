/**
 * Test helpers: named bit patterns and number-to-bits conversions for table tests.
 */

/** The binary32 bits of a number (rounded to nearest-even if not representable). */
export function s(value: number): bigint {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value);
  return BigInt(view.getUint32(0));
}

/** The binary64 bits of a number. */
export function d(value: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return view.getBigUint64(0);
}

/** Named binary32 patterns. */
export const S = {
  qnan: 0x7fc00000n,
  payloadQnan: 0x7fc12345n,
  snan: 0x7f800001n,
  negSnan: 0xff812345n,
  inf: 0x7f800000n,
  negInf: 0xff800000n,
  zero: 0n,
  negZero: 0x80000000n,
  max: 0x7f7fffffn,
  negMax: 0xff7fffffn,
  minSub: 1n,
  maxSub: 0x007fffffn,
  minNormal: 0x00800000n,
} as const;

/** Named binary64 patterns. */
export const D = {
  qnan: 0x7ff8000000000000n,
  payloadQnan: 0x7ff8000000012345n,
  snan: 0x7ff0000000000001n,
  inf: 0x7ff0000000000000n,
  negInf: 0xfff0000000000000n,
  zero: 0n,
  negZero: 0x8000000000000000n,
  max: 0x7fefffffffffffffn,
  negMax: 0xffefffffffffffffn,
  minSub: 1n,
  maxSub: 0x000fffffffffffffn,
  minNormal: 0x0010000000000000n,
} as const;

/** Flag bits for readable tables. */
export const NV = 0x10;
export const DZ = 0x08;
export const OF = 0x04;
export const UF = 0x02;
export const NX = 0x01;
