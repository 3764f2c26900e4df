/**
 * RISC-V D-extension arithmetic: fadd.d, fsub.d, fmul.d, fdiv.d, fsqrt.d and
 * the four fused multiply-adds, bit-exact in every rounding mode.
 *
 * Each operation takes the FP register file, register numbers and a resolved
 * rounding mode, writes `rd` and returns the fflags it raised.
 *
 * Fast path: the native round-to-nearest-even result plus an error-free
 * transformation (TwoSum, TwoProduct, division and square-root remainders)
 * that yields the sign of the rounding error, from which the directed modes
 * and NX follow. It is taken only where those transformations are exact and
 * neither overflow nor underflow is possible; everything else (special
 * operands, extreme exponents) goes to the exact BigInt reference.
 */
import { BINARY64, exactAdd, exactDiv, exactFma, exactMul, exactSqrt, signBit } from './exact.js';
import { RDN, RMM } from './flags.js';
import {
  isTieTowardZero,
  roundToOdd,
  signedZeroSum,
  twoProductError,
  twoSumError,
  writeRoundedF64,
} from './double.js';
import { f64BigBits, readF64, writeF64, writeRounded64 } from './registers.js';

const SIGN = signBit(BINARY64);
/** Below this magnitude a product's rounding error might not be representable. */
const PRODUCT_MIN = 2 ** -960;
/** At or above this magnitude a product or quotient might overflow while being checked. */
const PRODUCT_MAX = 2 ** 1020;
/** At or above this magnitude Veltkamp splitting might overflow. */
const SPLIT_MAX = 2 ** 995;
/** Smallest result magnitude of the fast path: keeps clear of the subnormal range. */
const NORMAL_MARGIN = 2 ** -1021;
/** Operands of TwoSum must stay below this magnitude so that no intermediate overflows. */
const TWO_SUM_MAX = 2 ** 1021;
/** Smallest fused multiply-add result magnitude of the fast path (keeps ulp(r) far above subnormal spacing). */
const FMA_RESULT_MIN = 2 ** -1000;
/** Returned by the fast-path helpers when the exact reference must decide. */
const SLOW = -1;

/**
 * Writes the rounded sum of two doubles, or returns SLOW when an operand is
 * not finite or so large that TwoSum's intermediates could overflow.
 */
function writeSum(f: Int32Array, rd: number, a: number, b: number, rm: number): number {
  if (!(Math.abs(a) < TWO_SUM_MAX && Math.abs(b) < TWO_SUM_MAX)) return SLOW;
  const sum = a + b;
  const error = twoSumError(a, b, sum);
  if (error === 0) {
    writeF64(f, rd, sum === 0 ? signedZeroSum(a, b, sum, rm) : sum);
    return 0;
  }
  return writeRoundedF64(f, rd, sum, error, rm === RMM && isTieTowardZero(sum, error), rm);
}

function addOrSub(f: Int32Array, rd: number, rs1: number, rs2: number, negate: boolean, rm: number): number {
  const a = readF64(f, rs1);
  const b = negate ? -readF64(f, rs2) : readF64(f, rs2);
  const flags = writeSum(f, rd, a, b, rm);
  if (flags !== SLOW) return flags;
  const bBits = f64BigBits(f, rs2);
  return writeRounded64(f, rd, exactAdd(BINARY64, f64BigBits(f, rs1), negate ? bBits ^ SIGN : bBits, rm));
}

/** fadd.d: `rd = rs1 + rs2`. */
export function fadd_d(f: Int32Array, rd: number, rs1: number, rs2: number, rm: number): number {
  return addOrSub(f, rd, rs1, rs2, false, rm);
}

/** fsub.d: `rd = rs1 - rs2`. */
export function fsub_d(f: Int32Array, rd: number, rs1: number, rs2: number, rm: number): number {
  return addOrSub(f, rd, rs1, rs2, true, rm);
}

/** Whether `a * b` is in the range where TwoProduct is exact and the result normal. */
function productIsSafe(a: number, b: number, p: number): boolean {
  const mag = Math.abs(p);
  return mag >= PRODUCT_MIN && mag < PRODUCT_MAX && Math.abs(a) < SPLIT_MAX && Math.abs(b) < SPLIT_MAX;
}

/** fmul.d: `rd = rs1 * rs2`. */
export function fmul_d(f: Int32Array, rd: number, rs1: number, rs2: number, rm: number): number {
  const a = readF64(f, rs1);
  const b = readF64(f, rs2);
  const p = a * b;
  if (productIsSafe(a, b, p)) {
    const error = twoProductError(a, b, p);
    return writeRoundedF64(f, rd, p, error, rm === RMM && isTieTowardZero(p, error), rm);
  }
  if (p === 0 && (a === 0 || b === 0)) {
    writeF64(f, rd, p);
    return 0;
  }
  return writeRounded64(f, rd, exactMul(BINARY64, f64BigBits(f, rs1), f64BigBits(f, rs2), rm));
}

/** fdiv.d: `rd = rs1 / rs2`. */
export function fdiv_d(f: Int32Array, rd: number, rs1: number, rs2: number, rm: number): number {
  const a = readF64(f, rs1);
  const b = readF64(f, rs2);
  const q = a / b;
  const qMag = Math.abs(q);
  const aMag = Math.abs(a);
  if (qMag >= NORMAL_MARGIN && qMag < SPLIT_MAX && Math.abs(b) < SPLIT_MAX && aMag >= PRODUCT_MIN && aMag < PRODUCT_MAX) {
    // q = RN(a / b), so the remainder a - q*b is representable and computed exactly;
    // a quotient of normal numbers is never a tie, so RMM agrees with RNE.
    const p = q * b;
    const remainder = (a - p) - twoProductError(q, b, p);
    return writeRoundedF64(f, rd, q, b > 0 ? remainder : -remainder, false, rm);
  }
  if (a === 0 && b !== 0 && b - b === 0) {
    writeF64(f, rd, q);
    return 0;
  }
  return writeRounded64(f, rd, exactDiv(BINARY64, f64BigBits(f, rs1), f64BigBits(f, rs2), rm));
}

/** fsqrt.d: `rd = sqrt(rs1)`. Relies on Math.sqrt being correctly rounded (it is `sqrtsd` in V8). */
export function fsqrt_d(f: Int32Array, rd: number, rs1: number, rm: number): number {
  const a = readF64(f, rs1);
  if (a >= PRODUCT_MIN && a < PRODUCT_MAX) {
    const r = Math.sqrt(a);
    const p = r * r;
    const remainder = (a - p) - twoProductError(r, r, p);
    return writeRoundedF64(f, rd, r, remainder, false, rm);
  }
  if (a === 0) {
    writeF64(f, rd, a);
    return 0;
  }
  return writeRounded64(f, rd, exactSqrt(BINARY64, f64BigBits(f, rs1), rm));
}

/**
 * The fast path of `a * b + c` for a product in the TwoProduct-safe range,
 * or SLOW. With p + e = a * b and s + t = p + c exactly (TwoProduct, TwoSum),
 * the exact result is s + t + e. Let v be t + e rounded to odd and
 * r = RN(s + v) (the Boldo-Melquiond FMA emulation). Either p + c was exact
 * (t = 0, so v = e exactly and r + w = s + v is exact, w = TwoSum error), or
 * |s| >= |p| / 2 (Sterbenz fails), so |t + e| <= 1.5 ulp(s) and ulp(v) is
 * below ulp(r) / 2^49: then s + v is an odd multiple of ulp(v), no float or
 * midpoint lies between s + v and the exact value, r is its correct rounding,
 * exact - r has the sign of w, and the exact value is never a tie.
 */
function fusedSum(f: Int32Array, rd: number, a: number, b: number, c: number, p: number, rm: number): number {
  const e = twoProductError(a, b, p);
  const s = p + c;
  const t = twoSumError(p, c, s);
  const nearest = t + e;
  const nearestError = twoSumError(t, e, nearest);
  const v = roundToOdd(nearest, nearestError);
  const delta = (nearest - v) + nearestError;
  const r = s + v;
  const w = twoSumError(s, v, r);
  const mag = Math.abs(r);
  if (mag >= FMA_RESULT_MIN && mag < Infinity) {
    const tie = rm === RMM && delta === 0 && isTieTowardZero(r, w);
    return writeRoundedF64(f, rd, r, w !== 0 ? w : delta, tie, rm);
  }
  if (r === 0 && delta === 0 && w === 0) {
    writeF64(f, rd, rm === RDN ? -0 : 0);
    return 0;
  }
  return SLOW;
}

/** `rd = ±(rs1 * rs2) ± rs3`, rounded once; extreme or special operands go to the exact reference. */
function fusedMultiplyAdd(
  f: Int32Array, rd: number, rs1: number, rs2: number, rs3: number,
  negateProduct: boolean, negateAddend: boolean, rm: number,
): number {
  const a = negateProduct ? -readF64(f, rs1) : readF64(f, rs1);
  const b = readF64(f, rs2);
  const c = negateAddend ? -readF64(f, rs3) : readF64(f, rs3);
  const p = a * b;
  if (Math.abs(c) < TWO_SUM_MAX) {
    let flags = SLOW;
    if (productIsSafe(a, b, p)) flags = fusedSum(f, rd, a, b, c, p, rm);
    else if (p === 0 && (a === 0 || b === 0)) flags = writeSum(f, rd, p, c, rm);
    if (flags !== SLOW) return flags;
  }
  const aBits = f64BigBits(f, rs1);
  const cBits = f64BigBits(f, rs3);
  const result = exactFma(
    BINARY64, negateProduct ? aBits ^ SIGN : aBits, f64BigBits(f, rs2), negateAddend ? cBits ^ SIGN : cBits, rm,
  );
  return writeRounded64(f, rd, result);
}

/** fmadd.d: `rd = rs1 * rs2 + rs3`, rounded once. */
export function fmadd_d(f: Int32Array, rd: number, rs1: number, rs2: number, rs3: number, rm: number): number {
  return fusedMultiplyAdd(f, rd, rs1, rs2, rs3, false, false, rm);
}

/** fmsub.d: `rd = rs1 * rs2 - rs3`, rounded once. */
export function fmsub_d(f: Int32Array, rd: number, rs1: number, rs2: number, rs3: number, rm: number): number {
  return fusedMultiplyAdd(f, rd, rs1, rs2, rs3, false, true, rm);
}

/** fnmsub.d: `rd = -(rs1 * rs2) + rs3`, rounded once. */
export function fnmsub_d(f: Int32Array, rd: number, rs1: number, rs2: number, rs3: number, rm: number): number {
  return fusedMultiplyAdd(f, rd, rs1, rs2, rs3, true, false, rm);
}

/** fnmadd.d: `rd = -(rs1 * rs2) - rs3`, rounded once. */
export function fnmadd_d(f: Int32Array, rd: number, rs1: number, rs2: number, rs3: number, rm: number): number {
  return fusedMultiplyAdd(f, rd, rs1, rs2, rs3, true, true, rm);
}
