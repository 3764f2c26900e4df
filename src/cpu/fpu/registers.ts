/**
 * Register access for the soft-float operations.
 *
 * Layout (fixed by the interpreter): register i's 64 bits are `r[2*i]` (low
 * word) and `r[2*i+1]` (high word), for the FP file and the integer file
 * alike. Single-precision values are NaN-boxed: low = the value, high = -1.
 *
 * Why a module-level scratch buffer: moving bits between the Int32Array files
 * and JS numbers must not allocate on the interpreter's path. The typed array
 * views use the host byte order; the (low, high) word order matches a
 * Float64Array only on little-endian hosts, which is checked once at load.
 */
import { CANONICAL_NAN_F32 } from './flags.js';
import type { Rounded } from './exact.js';

const scratch = new ArrayBuffer(8);
const scratchF64 = new Float64Array(scratch);
const scratchF32 = new Float32Array(scratch);
const scratchI32 = new Int32Array(scratch);

scratchF64[0] = 1;
if (scratchI32[1] !== 0x3ff00000) throw new Error('dejavm FPU: a little-endian host is required');

/** The binary64 value held in FP register `r`. */
export function readF64(f: Int32Array, r: number): number {
  scratchI32[0] = f[2 * r];
  scratchI32[1] = f[2 * r + 1];
  return scratchF64[0];
}

/** Writes a (non-NaN) binary64 value to FP register `rd`. */
export function writeF64(f: Int32Array, rd: number, value: number): void {
  scratchF64[0] = value;
  f[2 * rd] = scratchI32[0];
  f[2 * rd + 1] = scratchI32[1];
}

/**
 * The single-precision bits held in FP register `r`: the low word when the
 * register is properly NaN-boxed, otherwise the canonical NaN.
 */
export function unboxF32(f: Int32Array, r: number): number {
  return f[2 * r + 1] === -1 ? f[2 * r] : CANONICAL_NAN_F32;
}

/** Writes single-precision bits to FP register `rd`, NaN-boxed. */
export function writeF32Bits(f: Int32Array, rd: number, bits: number): void {
  f[2 * rd] = bits;
  f[2 * rd + 1] = -1;
}

/** The binary32 value of single-precision bits, as a (exactly equal) JS number. */
export function f32Value(bits: number): number {
  scratchI32[0] = bits;
  return scratchF32[0];
}

/** The binary32 bits of a number that is exactly representable in binary32 (or any non-NaN, rounded RNE). */
export function f32Bits(value: number): number {
  scratchF32[0] = value;
  return scratchI32[0];
}

/** FP register `r` as an unsigned 64-bit BigInt (slow path only). */
export function f64BigBits(f: Int32Array, r: number): bigint {
  return (BigInt(f[2 * r + 1] >>> 0) << 32n) | BigInt(f[2 * r] >>> 0);
}

/** The single-precision operand in FP register `r` (unboxed) as an unsigned BigInt (slow path only). */
export function f32BigBits(f: Int32Array, r: number): bigint {
  return BigInt(unboxF32(f, r) >>> 0);
}

/** Writes a binary64 reference result to FP register `rd` and returns its flags. */
export function writeRounded64(f: Int32Array, rd: number, result: Rounded): number {
  f[2 * rd] = Number(BigInt.asIntN(32, result.bits));
  f[2 * rd + 1] = Number(BigInt.asIntN(32, result.bits >> 32n));
  return result.flags;
}

/** Writes a binary32 reference result to FP register `rd`, NaN-boxed, and returns its flags. */
export function writeRounded32(f: Int32Array, rd: number, result: Rounded): number {
  writeF32Bits(f, rd, Number(BigInt.asIntN(32, result.bits)));
  return result.flags;
}

/** Writes a 64-bit integer (as two words) to integer register `xd`; x0 stays zero. */
export function writeX(x: Int32Array, xd: number, low: number, high: number): void {
  if (xd === 0) return;
  x[2 * xd] = low;
  x[2 * xd + 1] = high;
}
