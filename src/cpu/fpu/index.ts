/**
 * The RISC-V F and D soft-float unit: bit-exact IEEE 754 arithmetic,
 * comparisons and conversions in every rounding mode, with exact fflags.
 *
 * Every operation works on the FP register file (`Int32Array(64)`, register
 * i in words 2i (low) and 2i+1 (high), singles NaN-boxed), takes a resolved
 * rounding mode where rounding applies, and returns the fflags it raised
 * (NV 0x10, DZ 0x08, OF 0x04, UF 0x02, NX 0x01) for the caller to OR in.
 */
export * from './flags.js';
export * from './arith-s.js';
export * from './arith-d.js';
export * from './compare.js';
export * from './convert.js';
export { unboxF32, writeF32Bits } from './registers.js';
