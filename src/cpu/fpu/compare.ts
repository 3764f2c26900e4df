/**
 * RISC-V F/D comparisons and classification: fmin, fmax (IEEE 754-2019
 * minimumNumber/maximumNumber, with -0 < +0), feq, flt, fle and fclass.
 *
 * fmin/fmax write the chosen operand's bits unchanged (or the canonical NaN
 * when both are NaN). feq raises NV only for a signaling NaN; flt and fle for
 * any NaN. The integer results go to an integer register file with the same
 * (low, high) word layout as the FP file.
 */
import { CANONICAL_NAN_F32, CANONICAL_NAN_F64_HI, NV } from './flags.js';
import { f32Value, readF64, unboxF32, writeF32Bits, writeX } from './registers.js';

function isSignalingF32(bits: number): boolean {
  return (bits & 0x7fc00000) === 0x7f800000 && (bits & 0x003fffff) !== 0;
}

function isSignalingF64(f: Int32Array, r: number): boolean {
  const high = f[2 * r + 1];
  return (high & 0x7ff80000) === 0x7ff00000 && ((high & 0x0007ffff) | f[2 * r]) !== 0;
}

/** Whether `a` precedes `b` in the order used by fmin: numeric, with -0 before +0. */
function precedes(a: number, b: number): boolean {
  return a < b || (a === 0 && b === 0 && 1 / a < 0 && 1 / b > 0);
}

function minMaxF32(f: Int32Array, rd: number, rs1: number, rs2: number, wantMax: boolean): number {
  const aBits = unboxF32(f, rs1);
  const bBits = unboxF32(f, rs2);
  const a = f32Value(aBits);
  const b = f32Value(bBits);
  const flags = isSignalingF32(aBits) || isSignalingF32(bBits) ? NV : 0;
  let bits: number;
  if (a !== a) bits = b !== b ? CANONICAL_NAN_F32 : bBits;
  else if (b !== b) bits = aBits;
  else bits = precedes(a, b) !== wantMax ? aBits : bBits;
  writeF32Bits(f, rd, bits);
  return flags;
}

function minMaxF64(f: Int32Array, rd: number, rs1: number, rs2: number, wantMax: boolean): number {
  const a = readF64(f, rs1);
  const b = readF64(f, rs2);
  const flags = isSignalingF64(f, rs1) || isSignalingF64(f, rs2) ? NV : 0;
  if (a !== a && b !== b) {
    f[2 * rd] = 0;
    f[2 * rd + 1] = CANONICAL_NAN_F64_HI;
    return flags;
  }
  const source = a !== a ? rs2 : b !== b ? rs1 : precedes(a, b) !== wantMax ? rs1 : rs2;
  f[2 * rd] = f[2 * source];
  f[2 * rd + 1] = f[2 * source + 1];
  return flags;
}

/** fmin.s: the smaller operand; a single NaN yields the other operand. */
export function fmin_s(f: Int32Array, rd: number, rs1: number, rs2: number): number {
  return minMaxF32(f, rd, rs1, rs2, false);
}

/** fmax.s: the larger operand; a single NaN yields the other operand. */
export function fmax_s(f: Int32Array, rd: number, rs1: number, rs2: number): number {
  return minMaxF32(f, rd, rs1, rs2, true);
}

/** fmin.d: the smaller operand; a single NaN yields the other operand. */
export function fmin_d(f: Int32Array, rd: number, rs1: number, rs2: number): number {
  return minMaxF64(f, rd, rs1, rs2, false);
}

/** fmax.d: the larger operand; a single NaN yields the other operand. */
export function fmax_d(f: Int32Array, rd: number, rs1: number, rs2: number): number {
  return minMaxF64(f, rd, rs1, rs2, true);
}

function writeBoolean(x: Int32Array, xd: number, value: boolean): void {
  writeX(x, xd, value ? 1 : 0, 0);
}

/** feq.s: `xd = rs1 == rs2`; NV only for a signaling NaN. */
export function feq_s(f: Int32Array, x: Int32Array, xd: number, rs1: number, rs2: number): number {
  const aBits = unboxF32(f, rs1);
  const bBits = unboxF32(f, rs2);
  writeBoolean(x, xd, f32Value(aBits) === f32Value(bBits));
  return isSignalingF32(aBits) || isSignalingF32(bBits) ? NV : 0;
}

/** flt.s: `xd = rs1 < rs2`; NV for any NaN. */
export function flt_s(f: Int32Array, x: Int32Array, xd: number, rs1: number, rs2: number): number {
  const a = f32Value(unboxF32(f, rs1));
  const b = f32Value(unboxF32(f, rs2));
  writeBoolean(x, xd, a < b);
  return a !== a || b !== b ? NV : 0;
}

/** fle.s: `xd = rs1 <= rs2`; NV for any NaN. */
export function fle_s(f: Int32Array, x: Int32Array, xd: number, rs1: number, rs2: number): number {
  const a = f32Value(unboxF32(f, rs1));
  const b = f32Value(unboxF32(f, rs2));
  writeBoolean(x, xd, a <= b);
  return a !== a || b !== b ? NV : 0;
}

/** feq.d: `xd = rs1 == rs2`; NV only for a signaling NaN. */
export function feq_d(f: Int32Array, x: Int32Array, xd: number, rs1: number, rs2: number): number {
  writeBoolean(x, xd, readF64(f, rs1) === readF64(f, rs2));
  return isSignalingF64(f, rs1) || isSignalingF64(f, rs2) ? NV : 0;
}

/** flt.d: `xd = rs1 < rs2`; NV for any NaN. */
export function flt_d(f: Int32Array, x: Int32Array, xd: number, rs1: number, rs2: number): number {
  const a = readF64(f, rs1);
  const b = readF64(f, rs2);
  writeBoolean(x, xd, a < b);
  return a !== a || b !== b ? NV : 0;
}

/** fle.d: `xd = rs1 <= rs2`; NV for any NaN. */
export function fle_d(f: Int32Array, x: Int32Array, xd: number, rs1: number, rs2: number): number {
  const a = readF64(f, rs1);
  const b = readF64(f, rs2);
  writeBoolean(x, xd, a <= b);
  return a !== a || b !== b ? NV : 0;
}

/**
 * The fclass bit for a value from its sign, whether its exponent field is all
 * ones or all zeros, and whether its fraction is zero / has the quiet bit set.
 */
function classBit(negative: boolean, expAllOnes: boolean, expZero: boolean, fracZero: boolean, quiet: boolean): number {
  if (expAllOnes) {
    if (!fracZero) return quiet ? 1 << 9 : 1 << 8;
    return negative ? 1 << 0 : 1 << 7;
  }
  if (expZero) {
    if (fracZero) return negative ? 1 << 3 : 1 << 4;
    return negative ? 1 << 2 : 1 << 5;
  }
  return negative ? 1 << 1 : 1 << 6;
}

/**
 * fclass.s: writes the 10-bit class mask to `xd` (bit 0 -inf, 1 negative
 * normal, 2 negative subnormal, 3 -0, 4 +0, 5 positive subnormal, 6 positive
 * normal, 7 +inf, 8 signaling NaN, 9 quiet NaN). Never raises flags.
 */
export function fclass_s(f: Int32Array, x: Int32Array, xd: number, rs1: number): number {
  const bits = unboxF32(f, rs1);
  const exponent = (bits >>> 23) & 0xff;
  const mask = classBit(bits < 0, exponent === 0xff, exponent === 0, (bits & 0x7fffff) === 0, (bits & 0x400000) !== 0);
  writeX(x, xd, mask, 0);
  return 0;
}

/** fclass.d: writes the 10-bit class mask to `xd` (bits as for fclass.s). Never raises flags. */
export function fclass_d(f: Int32Array, x: Int32Array, xd: number, rs1: number): number {
  const low = f[2 * rs1];
  const high = f[2 * rs1 + 1];
  const exponent = (high >>> 20) & 0x7ff;
  const fracZero = ((high & 0xfffff) | low) === 0;
  const mask = classBit(high < 0, exponent === 0x7ff, exponent === 0, fracZero, (high & 0x80000) !== 0);
  writeX(x, xd, mask, 0);
  return 0;
}
