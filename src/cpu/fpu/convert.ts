/**
 * RISC-V F/D conversions: floating-point to integer (saturating, as RISC-V
 * specifies), integer to floating-point (correctly rounded, also for 64-bit
 * integers), and between single and double precision.
 *
 * Float-to-integer: NaN gives the largest value of the target type; a value
 * whose rounded integer is out of range gives the nearest bound; both raise
 * NV (and not NX); an in-range inexact result raises NX. 32-bit results are
 * sign-extended to 64 bits, fcvt.wu included.
 */
import { CANONICAL_NAN_F32, CANONICAL_NAN_F64_HI, NV, NX, RDN, RMM, RNE, RTZ, RUP } from './flags.js';
import { isTieTowardZero, roundToOdd, twoSumError, writeRoundedF64 } from './double.js';
import { f32Value, readF64, unboxF32, writeF32Bits, writeF64, writeX } from './registers.js';
import { writeRoundedF32 } from './single.js';

const TWO_POW_32 = 2 ** 32;

/** The integral value of a finite `v` rounded in mode `rm` (exact: double rounding to integers is exact). */
function roundToIntegral(v: number, rm: number): number {
  switch (rm) {
    case RTZ: return Math.trunc(v);
    case RDN: return Math.floor(v);
    case RUP: return Math.ceil(v);
    case RMM: {
      const t = Math.trunc(v);
      return Math.abs(v - t) >= 0.5 ? t + Math.sign(v) : t;
    }
    case RNE:
    default: {
      const fl = Math.floor(v);
      const fraction = v - fl;
      if (fraction > 0.5) return fl + 1;
      if (fraction < 0.5) return fl;
      return fl % 2 === 0 ? fl : fl + 1;
    }
  }
}

/** The bounds and saturation words of one float-to-integer conversion target. */
interface IntegerTarget {
  /** Smallest representable value (a double; exact). */
  readonly min: number;
  /** Values at or above this are out of range. */
  readonly limit: number;
  /** Whether the result is a 32-bit value to sign-extend. */
  readonly narrow: boolean;
  readonly minLow: number;
  readonly minHigh: number;
  readonly maxLow: number;
  readonly maxHigh: number;
}

const INT32: IntegerTarget = { min: -(2 ** 31), limit: 2 ** 31, narrow: true, minLow: 0x80000000 | 0, minHigh: -1, maxLow: 0x7fffffff, maxHigh: 0 };
const UINT32: IntegerTarget = { min: 0, limit: 2 ** 32, narrow: true, minLow: 0, minHigh: 0, maxLow: -1, maxHigh: -1 };
const INT64: IntegerTarget = { min: -(2 ** 63), limit: 2 ** 63, narrow: false, minLow: 0, minHigh: 0x80000000 | 0, maxLow: -1, maxHigh: 0x7fffffff };
const UINT64: IntegerTarget = { min: 0, limit: 2 ** 64, narrow: false, minLow: 0, minHigh: 0, maxLow: -1, maxHigh: -1 };

/** Converts `v` (any double, NaN included) to the target, writes `xd` and returns the flags. */
function toInteger(x: Int32Array, xd: number, v: number, target: IntegerTarget, rm: number): number {
  if (v !== v) {
    writeX(x, xd, target.maxLow, target.maxHigh);
    return NV;
  }
  const n = v - v === 0 ? roundToIntegral(v, rm) : v;
  if (n < target.min) {
    writeX(x, xd, target.minLow, target.minHigh);
    return NV;
  }
  if (n >= target.limit) {
    writeX(x, xd, target.maxLow, target.maxHigh);
    return NV;
  }
  if (target.narrow) {
    const low = n | 0;
    writeX(x, xd, low, low >> 31);
  } else {
    const high = Math.floor(n / TWO_POW_32);
    writeX(x, xd, (n - high * TWO_POW_32) | 0, high | 0);
  }
  return n === v ? 0 : NX;
}

/** fcvt.w.s: single to signed 32-bit integer. */
export function fcvt_w_s(f: Int32Array, x: Int32Array, xd: number, rs1: number, rm: number): number {
  return toInteger(x, xd, f32Value(unboxF32(f, rs1)), INT32, rm);
}

/** fcvt.wu.s: single to unsigned 32-bit integer (sign-extended to 64 bits). */
export function fcvt_wu_s(f: Int32Array, x: Int32Array, xd: number, rs1: number, rm: number): number {
  return toInteger(x, xd, f32Value(unboxF32(f, rs1)), UINT32, rm);
}

/** fcvt.l.s: single to signed 64-bit integer. */
export function fcvt_l_s(f: Int32Array, x: Int32Array, xd: number, rs1: number, rm: number): number {
  return toInteger(x, xd, f32Value(unboxF32(f, rs1)), INT64, rm);
}

/** fcvt.lu.s: single to unsigned 64-bit integer. */
export function fcvt_lu_s(f: Int32Array, x: Int32Array, xd: number, rs1: number, rm: number): number {
  return toInteger(x, xd, f32Value(unboxF32(f, rs1)), UINT64, rm);
}

/** fcvt.w.d: double to signed 32-bit integer. */
export function fcvt_w_d(f: Int32Array, x: Int32Array, xd: number, rs1: number, rm: number): number {
  return toInteger(x, xd, readF64(f, rs1), INT32, rm);
}

/** fcvt.wu.d: double to unsigned 32-bit integer (sign-extended to 64 bits). */
export function fcvt_wu_d(f: Int32Array, x: Int32Array, xd: number, rs1: number, rm: number): number {
  return toInteger(x, xd, readF64(f, rs1), UINT32, rm);
}

/** fcvt.l.d: double to signed 64-bit integer. */
export function fcvt_l_d(f: Int32Array, x: Int32Array, xd: number, rs1: number, rm: number): number {
  return toInteger(x, xd, readF64(f, rs1), INT64, rm);
}

/** fcvt.lu.d: double to unsigned 64-bit integer. */
export function fcvt_lu_d(f: Int32Array, x: Int32Array, xd: number, rs1: number, rm: number): number {
  return toInteger(x, xd, readF64(f, rs1), UINT64, rm);
}

/**
 * Converts the 64-bit integer in `x[xs]` to single or double, rounded once:
 * the round-to-nearest double of `high * 2^32 + low` plus its exact TwoSum
 * error determine every rounding mode (rounded to odd first for single).
 */
function int64ToFloat(
  f: Int32Array, rd: number, x: Int32Array, xs: number, unsigned: boolean, single: boolean, rm: number,
): number {
  const highPart = (unsigned ? x[2 * xs + 1] >>> 0 : x[2 * xs + 1]) * TWO_POW_32;
  const lowPart = x[2 * xs] >>> 0;
  const r = highPart + lowPart;
  const error = twoSumError(highPart, lowPart, r);
  if (single) return writeRoundedF32(f, rd, roundToOdd(r, error), rm);
  return writeRoundedF64(f, rd, r, error, rm === RMM && isTieTowardZero(r, error), rm);
}

/** fcvt.s.w: signed 32-bit integer (low word of `xs`) to single. */
export function fcvt_s_w(f: Int32Array, rd: number, x: Int32Array, xs: number, rm: number): number {
  return writeRoundedF32(f, rd, x[2 * xs], rm);
}

/** fcvt.s.wu: unsigned 32-bit integer (low word of `xs`) to single. */
export function fcvt_s_wu(f: Int32Array, rd: number, x: Int32Array, xs: number, rm: number): number {
  return writeRoundedF32(f, rd, x[2 * xs] >>> 0, rm);
}

/** fcvt.s.l: signed 64-bit integer to single, rounded once. */
export function fcvt_s_l(f: Int32Array, rd: number, x: Int32Array, xs: number, rm: number): number {
  return int64ToFloat(f, rd, x, xs, false, true, rm);
}

/** fcvt.s.lu: unsigned 64-bit integer to single, rounded once. */
export function fcvt_s_lu(f: Int32Array, rd: number, x: Int32Array, xs: number, rm: number): number {
  return int64ToFloat(f, rd, x, xs, true, true, rm);
}

/** fcvt.d.w: signed 32-bit integer (low word of `xs`) to double (always exact). */
export function fcvt_d_w(f: Int32Array, rd: number, x: Int32Array, xs: number, _rm: number): number {
  writeF64(f, rd, x[2 * xs]);
  return 0;
}

/** fcvt.d.wu: unsigned 32-bit integer (low word of `xs`) to double (always exact). */
export function fcvt_d_wu(f: Int32Array, rd: number, x: Int32Array, xs: number, _rm: number): number {
  writeF64(f, rd, x[2 * xs] >>> 0);
  return 0;
}

/** fcvt.d.l: signed 64-bit integer to double, rounded once. */
export function fcvt_d_l(f: Int32Array, rd: number, x: Int32Array, xs: number, rm: number): number {
  return int64ToFloat(f, rd, x, xs, false, false, rm);
}

/** fcvt.d.lu: unsigned 64-bit integer to double, rounded once. */
export function fcvt_d_lu(f: Int32Array, rd: number, x: Int32Array, xs: number, rm: number): number {
  return int64ToFloat(f, rd, x, xs, true, false, rm);
}

function isSignalingF64(high: number, low: number): boolean {
  return (high & 0x7ff80000) === 0x7ff00000 && ((high & 0x0007ffff) | low) !== 0;
}

/** fcvt.s.d: double to single, rounded in mode `rm`; NaN gives the canonical NaN (NV if signaling). */
export function fcvt_s_d(f: Int32Array, rd: number, rs1: number, rm: number): number {
  const v = readF64(f, rs1);
  if (v - v === 0) return writeRoundedF32(f, rd, v, rm);
  if (v === v) {
    writeF32Bits(f, rd, v > 0 ? 0x7f800000 : 0xff800000 | 0);
    return 0;
  }
  writeF32Bits(f, rd, CANONICAL_NAN_F32);
  return isSignalingF64(f[2 * rs1 + 1], f[2 * rs1]) ? NV : 0;
}

/** fcvt.d.s: single to double (exact); NaN gives the canonical NaN (NV if signaling). */
export function fcvt_d_s(f: Int32Array, rd: number, rs1: number, _rm: number): number {
  const bits = unboxF32(f, rs1);
  const v = f32Value(bits);
  if (v === v) {
    writeF64(f, rd, v);
    return 0;
  }
  f[2 * rd] = 0;
  f[2 * rd + 1] = CANONICAL_NAN_F64_HI;
  return (bits & 0x00400000) === 0 ? NV : 0;
}
