/**
 * Building blocks of the fast paths: error-free transformations on native
 * doubles (whose arithmetic is IEEE binary64 round-to-nearest-even), stepping
 * to neighbouring floats, and turning a round-to-nearest result plus the sign
 * of its error into the result of any rounding mode.
 */
import { NX, OF, RDN, RMM, RTZ, RUP } from './flags.js';
import { writeF64 } from './registers.js';

const scratch = new ArrayBuffer(8);
const scratchF64 = new Float64Array(scratch);
const scratchF32 = new Float32Array(scratch);
const scratchI32 = new Int32Array(scratch);

/** Veltkamp's splitter for binary64: 2^27 + 1. */
const SPLITTER = 134217729;

/**
 * The exact error `a + b - s` of `s = a + b` (Knuth's TwoSum).
 * Requires operands small enough that no intermediate overflows (below 2^1021 in magnitude).
 */
export function twoSumError(a: number, b: number, s: number): number {
  const bVirtual = s - a;
  const aVirtual = s - bVirtual;
  return (a - aVirtual) + (b - bVirtual);
}

/**
 * The exact error `a * b - p` of `p = a * b` (Dekker's TwoProduct).
 * Requires |a|, |b| < 2^995, |p| < 2^1020, and no underflow in the error term:
 * the exponents of a and b must sum to at least -970.
 */
export function twoProductError(a: number, b: number, p: number): number {
  const ca = SPLITTER * a;
  const aHigh = ca - (ca - a);
  const aLow = a - aHigh;
  const cb = SPLITTER * b;
  const bHigh = cb - (cb - b);
  const bLow = b - bHigh;
  return ((aHigh * bHigh - p) + aHigh * bLow + aLow * bHigh) + aLow * bLow;
}

/** The binary64 neighbour of a finite `x` one step further from zero (keeps the sign of a zero). */
export function stepAway(x: number): number {
  scratchF64[0] = x;
  const low = scratchI32[0];
  scratchI32[0] = low + 1;
  if (low === -1) scratchI32[1] += 1;
  return scratchF64[0];
}

/** The binary64 neighbour of a finite nonzero `x` one step closer to zero. */
export function stepTowardZero(x: number): number {
  scratchF64[0] = x;
  const low = scratchI32[0];
  scratchI32[0] = low - 1;
  if (low === 0) scratchI32[1] -= 1;
  return scratchF64[0];
}

/** The binary32 neighbour of a finite binary32 `x` one step further from zero (keeps the sign of a zero). */
export function stepAway32(x: number): number {
  scratchF32[0] = x;
  scratchI32[0] += 1;
  return scratchF32[0];
}

/** The binary32 neighbour of a finite nonzero binary32 `x` one step closer to zero. */
export function stepTowardZero32(x: number): number {
  scratchF32[0] = x;
  scratchI32[0] -= 1;
  return scratchF32[0];
}

/**
 * Whether an exact value `r + error` lies exactly halfway between `r` and its
 * neighbour away from zero (so RNE rounded towards zero and RMM must not).
 */
export function isTieTowardZero(r: number, error: number): boolean {
  return error * 2 === stepAway(r) - r;
}

/**
 * Round-to-odd at 53 bits: given `r`, the round-to-nearest value of an exact
 * result, and `direction`, the sign of `exact - r`, returns `r` when exact and
 * otherwise the neighbour of the exact value whose last significand bit is 1.
 * Rounding that value to binary32 in any mode gives the same result as
 * rounding the exact value (53 >= 24 + 2), so single-precision operations are
 * computed in double, rounded to odd, then rounded once to single.
 * Requires `r` nonzero when `direction` is nonzero.
 */
export function roundToOdd(r: number, direction: number): number {
  if (direction === 0) return r;
  scratchF64[0] = r;
  if ((scratchI32[0] & 1) === 1) return r;
  return (direction > 0) === (r > 0) ? stepAway(r) : stepTowardZero(r);
}

/**
 * Writes the binary64 result of rounding mode `rm` to FP register `rd` and
 * returns its flags, given `r`, the round-to-nearest-even result, `direction`,
 * the sign of `exact - r` (0 when exact), and `tie`, whether the exact value
 * is halfway between `r` and its neighbour away from zero.
 * Requires `r` finite, normal and at least 2^-1021 in magnitude when inexact
 * (so that neither underflow nor a missed overflow is possible).
 */
export function writeRoundedF64(f: Int32Array, rd: number, r: number, direction: number, tie: boolean, rm: number): number {
  if (direction === 0) {
    writeF64(f, rd, r);
    return 0;
  }
  const awayFromZero = (direction > 0) === (r > 0);
  let result = r;
  switch (rm) {
    case RTZ:
      if (!awayFromZero) result = stepTowardZero(r);
      break;
    case RDN:
      if (direction < 0) result = awayFromZero ? stepAway(r) : stepTowardZero(r);
      break;
    case RUP:
      if (direction > 0) result = awayFromZero ? stepAway(r) : stepTowardZero(r);
      break;
    case RMM:
      if (tie) result = stepAway(r);
      break;
  }
  writeF64(f, rd, result);
  return result - result === 0 ? NX : NX | OF;
}

/**
 * The correctly signed result of a sum `sum = a + b` that is exactly zero:
 * IEEE 754 gives -0 in round-down unless both operands are +0; native
 * arithmetic (round-to-nearest) already gives the right sign otherwise.
 */
export function signedZeroSum(a: number, b: number, sum: number, rm: number): number {
  if (rm !== RDN) return sum;
  return a === 0 && b === 0 && 1 / a > 0 && 1 / b > 0 ? 0 : -0;
}
