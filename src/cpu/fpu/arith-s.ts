/**
 * RISC-V F-extension arithmetic: fadd.s, fsub.s, fmul.s, fdiv.s, fsqrt.s and
 * the four fused multiply-adds, bit-exact in every rounding mode.
 *
 * Each operation takes the FP register file, register numbers and a resolved
 * rounding mode, reads NaN-boxed operands, writes `rd` NaN-boxed and returns
 * the fflags it raised.
 *
 * Fast path (all finite operands): the result is computed in double, where it
 * is exact (products, sums of a product) or made exact-enough by rounding to
 * odd with the sign of the error from an error-free transformation; then it is
 * rounded once to binary32 by `writeRoundedF32`. Special operands go to the
 * exact BigInt reference.
 */
import { BINARY32, exactAdd, exactDiv, exactFma, exactMul, exactSqrt, signBit } from './exact.js';
import { roundToOdd, signedZeroSum, twoProductError, twoSumError } from './double.js';
import { f32BigBits, f32Value, unboxF32, writeF32Bits, writeRounded32 } from './registers.js';
import { writeRoundedF32 } from './single.js';

const SIGN = signBit(BINARY32);

/** The single-precision operand in FP register `r` as a number. */
function operand(f: Int32Array, r: number): number {
  return f32Value(unboxF32(f, r));
}

/** Rounds the sum of two finite doubles (here: exact binary32 values or products of them) to binary32. */
function writeSum(f: Int32Array, rd: number, a: number, b: number, rm: number): number {
  const sum = a + b;
  const error = twoSumError(a, b, sum);
  if (error === 0) return writeRoundedF32(f, rd, sum === 0 ? signedZeroSum(a, b, sum, rm) : sum, rm);
  return writeRoundedF32(f, rd, roundToOdd(sum, error), rm);
}

function addOrSub(f: Int32Array, rd: number, rs1: number, rs2: number, negate: boolean, rm: number): number {
  const a = operand(f, rs1);
  const b = negate ? -operand(f, rs2) : operand(f, rs2);
  if (a - a === 0 && b - b === 0) return writeSum(f, rd, a, b, rm);
  const bBits = f32BigBits(f, rs2);
  return writeRounded32(f, rd, exactAdd(BINARY32, f32BigBits(f, rs1), negate ? bBits ^ SIGN : bBits, rm));
}

/** fadd.s: `rd = rs1 + rs2`. */
export function fadd_s(f: Int32Array, rd: number, rs1: number, rs2: number, rm: number): number {
  return addOrSub(f, rd, rs1, rs2, false, rm);
}

/** fsub.s: `rd = rs1 - rs2`. */
export function fsub_s(f: Int32Array, rd: number, rs1: number, rs2: number, rm: number): number {
  return addOrSub(f, rd, rs1, rs2, true, rm);
}

/** fmul.s: `rd = rs1 * rs2` (the double product of two binary32 values is exact). */
export function fmul_s(f: Int32Array, rd: number, rs1: number, rs2: number, rm: number): number {
  const p = operand(f, rs1) * operand(f, rs2);
  if (p - p === 0) return writeRoundedF32(f, rd, p, rm);
  return writeRounded32(f, rd, exactMul(BINARY32, f32BigBits(f, rs1), f32BigBits(f, rs2), rm));
}

/** fdiv.s: `rd = rs1 / rs2`. */
export function fdiv_s(f: Int32Array, rd: number, rs1: number, rs2: number, rm: number): number {
  const a = operand(f, rs1);
  const b = operand(f, rs2);
  const q = a / b;
  if (q - q === 0 && b - b === 0) {
    // The remainder a - q*b of q = RN(a / b) is representable and computed exactly.
    const p = q * b;
    const remainder = (a - p) - twoProductError(q, b, p);
    return writeRoundedF32(f, rd, roundToOdd(q, b > 0 ? remainder : -remainder), rm);
  }
  return writeRounded32(f, rd, exactDiv(BINARY32, f32BigBits(f, rs1), f32BigBits(f, rs2), rm));
}

/** fsqrt.s: `rd = sqrt(rs1)`. */
export function fsqrt_s(f: Int32Array, rd: number, rs1: number, rm: number): number {
  const a = operand(f, rs1);
  if (a > 0 && a - a === 0) {
    const r = Math.sqrt(a);
    const p = r * r;
    const remainder = (a - p) - twoProductError(r, r, p);
    return writeRoundedF32(f, rd, roundToOdd(r, remainder), rm);
  }
  if (a === 0) {
    writeF32Bits(f, rd, unboxF32(f, rs1));
    return 0;
  }
  return writeRounded32(f, rd, exactSqrt(BINARY32, f32BigBits(f, rs1), rm));
}

/** `rd = ±(rs1 * rs2) ± rs3`, rounded once: the product is exact in double, the sum rounded to odd. */
function fusedMultiplyAdd(
  f: Int32Array, rd: number, rs1: number, rs2: number, rs3: number,
  negateProduct: boolean, negateAddend: boolean, rm: number,
): number {
  const a = negateProduct ? -operand(f, rs1) : operand(f, rs1);
  const p = a * operand(f, rs2);
  const c = negateAddend ? -operand(f, rs3) : operand(f, rs3);
  if (p - p === 0 && c - c === 0) return writeSum(f, rd, p, c, rm);
  const aBits = f32BigBits(f, rs1);
  const cBits = f32BigBits(f, rs3);
  const result = exactFma(
    BINARY32, negateProduct ? aBits ^ SIGN : aBits, f32BigBits(f, rs2), negateAddend ? cBits ^ SIGN : cBits, rm,
  );
  return writeRounded32(f, rd, result);
}

/** fmadd.s: `rd = rs1 * rs2 + rs3`, rounded once. */
export function fmadd_s(f: Int32Array, rd: number, rs1: number, rs2: number, rs3: number, rm: number): number {
  return fusedMultiplyAdd(f, rd, rs1, rs2, rs3, false, false, rm);
}

/** fmsub.s: `rd = rs1 * rs2 - rs3`, rounded once. */
export function fmsub_s(f: Int32Array, rd: number, rs1: number, rs2: number, rs3: number, rm: number): number {
  return fusedMultiplyAdd(f, rd, rs1, rs2, rs3, false, true, rm);
}

/** fnmsub.s: `rd = -(rs1 * rs2) + rs3`, rounded once. */
export function fnmsub_s(f: Int32Array, rd: number, rs1: number, rs2: number, rs3: number, rm: number): number {
  return fusedMultiplyAdd(f, rd, rs1, rs2, rs3, true, false, rm);
}

/** fnmadd.s: `rd = -(rs1 * rs2) - rs3`, rounded once. */
export function fnmadd_s(f: Int32Array, rd: number, rs1: number, rs2: number, rs3: number, rm: number): number {
  return fusedMultiplyAdd(f, rd, rs1, rs2, rs3, true, true, rm);
}
