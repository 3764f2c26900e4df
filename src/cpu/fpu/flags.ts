/**
 * Constants shared by the soft-float operations: the fflags bits each
 * operation returns, the resolved rounding modes it accepts, and the
 * canonical NaNs every arithmetic NaN result is replaced by (RISC-V never
 * propagates NaN payloads).
 */

/** fflags bit: invalid operation. */
export const NV = 0x10;
/** fflags bit: division by zero. */
export const DZ = 0x08;
/** fflags bit: overflow. */
export const OF = 0x04;
/** fflags bit: underflow (tiny after rounding and inexact). */
export const UF = 0x02;
/** fflags bit: inexact. */
export const NX = 0x01;

/** Rounding mode: round to nearest, ties to even. */
export const RNE = 0;
/** Rounding mode: round towards zero. */
export const RTZ = 1;
/** Rounding mode: round down (towards negative infinity). */
export const RDN = 2;
/** Rounding mode: round up (towards positive infinity). */
export const RUP = 3;
/** Rounding mode: round to nearest, ties to max magnitude. */
export const RMM = 4;

/** Canonical single-precision NaN bits. */
export const CANONICAL_NAN_F32 = 0x7fc00000;
/** High word of the canonical double-precision NaN (its low word is 0). */
export const CANONICAL_NAN_F64_HI = 0x7ff80000;
