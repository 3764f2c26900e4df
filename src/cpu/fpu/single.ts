/**
 * Rounding a double to binary32 in any RISC-V rounding mode, with exact
 * flags. Single-precision operations compute their result in double, exact or
 * rounded to odd (see `roundToOdd`), and finish here.
 */
import { NX, OF, RDN, RMM, RNE, RTZ, RUP, UF } from './flags.js';
import { stepAway32, stepTowardZero32 } from './double.js';
import { f32Bits, writeF32Bits } from './registers.js';

/** The largest finite binary32 value, 2^128 - 2^104. */
const MAX_F32 = 2 ** 128 - 2 ** 104;
/** 2^128: at or above it every rounding mode overflows. */
const TWO_POW_128 = 2 ** 128;
/** Halfway between MAX_F32 and 2^128. */
const OVERFLOW_MIDPOINT = 2 ** 128 - 2 ** 103;
/** The smallest normal binary32 value, 2^-126. */
const MIN_NORMAL_F32 = 2 ** -126;
/** The largest 24-bit value below 2^-126 (with unbounded exponent range). */
const BELOW_MIN_NORMAL = 2 ** -126 - 2 ** -150;
/** Halfway between BELOW_MIN_NORMAL and 2^-126. */
const UNDERFLOW_MIDPOINT = 2 ** -126 - 2 ** -151;
/** Bits of the binary32 infinity and largest finite value. */
const INF_BITS = 0x7f800000;
const MAX_BITS = 0x7f7fffff;
const SIGN_BIT = 0x80000000 | 0;

/**
 * Whether a value of magnitude `mag` below 2^-126 is tiny after rounding:
 * rounding it to 24 bits with unbounded exponent range stays below 2^-126.
 */
function isTiny(mag: number, negative: boolean, rm: number): boolean {
  if (mag <= BELOW_MIN_NORMAL) return true;
  switch (rm) {
    case RNE:
    case RMM: return mag < UNDERFLOW_MIDPOINT;
    case RUP: return negative;
    case RDN: return !negative;
    default: return true;
  }
}

/** Writes the result of rounding a magnitude above MAX_F32 and returns the flags. */
function writeOverflow(f: Int32Array, rd: number, mag: number, negative: boolean, rm: number): number {
  const towardSign = (rm === RUP && !negative) || (rm === RDN && negative);
  let roundsUp: boolean;
  if (mag >= TWO_POW_128) roundsUp = true;
  else if (rm === RNE || rm === RMM) roundsUp = mag >= OVERFLOW_MIDPOINT;
  else roundsUp = towardSign;
  const sign = negative ? SIGN_BIT : 0;
  if (!roundsUp) {
    writeF32Bits(f, rd, sign | MAX_BITS);
    return NX;
  }
  const toInfinity = rm === RNE || rm === RMM || towardSign;
  writeF32Bits(f, rd, sign | (toInfinity ? INF_BITS : MAX_BITS));
  return OF | NX;
}

/**
 * Rounds `d` to binary32 in mode `rm`, writes it NaN-boxed to FP register
 * `rd` and returns the flags. `d` must be finite and either the exact result
 * or the exact result rounded to odd at 53 bits (see `roundToOdd`).
 */
export function writeRoundedF32(f: Int32Array, rd: number, d: number, rm: number): number {
  const nearest = Math.fround(d);
  if (nearest === d) {
    writeF32Bits(f, rd, f32Bits(d));
    return 0;
  }
  const negative = d < 0;
  const mag = negative ? -d : d;
  if (mag > MAX_F32) return writeOverflow(f, rd, mag, negative, rm);
  let result = nearest;
  switch (rm) {
    case RTZ:
      if (Math.abs(nearest) > mag) result = stepTowardZero32(nearest);
      break;
    case RDN:
      if (nearest > d) result = negative ? stepAway32(nearest) : stepTowardZero32(nearest);
      break;
    case RUP:
      if (nearest < d) result = negative ? stepTowardZero32(nearest) : stepAway32(nearest);
      break;
    case RMM:
      if (Math.abs(nearest) < mag) {
        const away = stepAway32(nearest);
        if ((nearest + away) / 2 === d) result = away;
      }
      break;
  }
  writeF32Bits(f, rd, f32Bits(result));
  return mag < MIN_NORMAL_F32 && isTiny(mag, negative, rm) ? NX | UF : NX;
}
