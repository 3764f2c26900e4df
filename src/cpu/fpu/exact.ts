/**
 * The exact reference arithmetic: IEEE 754 operations on BigInt bit patterns,
 * computed with unbounded integers and rounded once, in every RISC-V rounding
 * mode, with exact flags.
 *
 * This is the slow path the fast operations fall back to for the rare hard
 * cases (special operands, results near overflow or in the subnormal range,
 * double-precision fused multiply-add), and the reference the tests check
 * the fast paths against. Results follow RISC-V: every NaN result is the
 * canonical NaN, tininess is detected after rounding.
 */
import { DZ, NV, NX, OF, RDN, RMM, RNE, RUP, UF } from './flags.js';

/** The parameters of a binary interchange format. */
export interface FloatFormat {
  /** Significand bits, including the hidden bit. */
  readonly precision: number;
  /** Exponent of the smallest normal number. */
  readonly emin: number;
  /** Exponent of the largest finite number (also the exponent bias). */
  readonly emax: number;
  /** Total width in bits. */
  readonly width: number;
}

/** IEEE 754 binary32 (RISC-V single precision). */
export const BINARY32: FloatFormat = { precision: 24, emin: -126, emax: 127, width: 32 };
/** IEEE 754 binary64 (RISC-V double precision). */
export const BINARY64: FloatFormat = { precision: 53, emin: -1022, emax: 1023, width: 64 };

/** A rounded result: the bit pattern (unsigned, `width` bits) and the flags raised. */
export interface Rounded {
  readonly bits: bigint;
  readonly flags: number;
}

const enum Kind { Zero, Finite, Inf, QNaN, SNaN }

/** A decoded operand; a finite value is `(-1)^sign * sig * 2^exp`. */
interface Unpacked {
  readonly kind: Kind;
  readonly sign: number;
  readonly sig: bigint;
  readonly exp: number;
}

/** The bit pattern with only the sign bit set. */
export function signBit(fmt: FloatFormat): bigint {
  return 1n << BigInt(fmt.width - 1);
}

function fracBits(fmt: FloatFormat): number {
  return fmt.precision - 1;
}

function expField(fmt: FloatFormat): bigint {
  return (1n << BigInt(fmt.width - fmt.precision)) - 1n;
}

function unpack(fmt: FloatFormat, bits: bigint): Unpacked {
  const frac = fracBits(fmt);
  const sign = Number(bits >> BigInt(fmt.width - 1)) & 1;
  const biased = (bits >> BigInt(frac)) & expField(fmt);
  const mant = bits & ((1n << BigInt(frac)) - 1n);
  if (biased === expField(fmt)) {
    if (mant === 0n) return { kind: Kind.Inf, sign, sig: 0n, exp: 0 };
    const quiet = (mant >> BigInt(frac - 1)) & 1n;
    return { kind: quiet ? Kind.QNaN : Kind.SNaN, sign, sig: 0n, exp: 0 };
  }
  if (biased === 0n) {
    if (mant === 0n) return { kind: Kind.Zero, sign, sig: 0n, exp: 0 };
    return { kind: Kind.Finite, sign, sig: mant, exp: fmt.emin - frac };
  }
  return { kind: Kind.Finite, sign, sig: mant | (1n << BigInt(frac)), exp: Number(biased) - fmt.emax - frac };
}

function isNaN(u: Unpacked): boolean {
  return u.kind === Kind.QNaN || u.kind === Kind.SNaN;
}

/** The canonical quiet NaN of a format. */
export function canonicalNaN(fmt: FloatFormat): bigint {
  return (expField(fmt) << BigInt(fracBits(fmt))) | (1n << BigInt(fracBits(fmt) - 1));
}

function infinity(fmt: FloatFormat, sign: number): bigint {
  return (sign ? signBit(fmt) : 0n) | (expField(fmt) << BigInt(fracBits(fmt)));
}

function zero(fmt: FloatFormat, sign: number): bigint {
  return sign ? signBit(fmt) : 0n;
}

function largestFinite(fmt: FloatFormat, sign: number): bigint {
  return infinity(fmt, sign) - 1n;
}

function invalid(fmt: FloatFormat): Rounded {
  return { bits: canonicalNaN(fmt), flags: NV };
}

/** The canonical NaN, with NV if any operand is a signaling NaN. */
function propagateNaN(fmt: FloatFormat, a: Unpacked, b: Unpacked, c: Unpacked): Rounded {
  const signaling = a.kind === Kind.SNaN || b.kind === Kind.SNaN || c.kind === Kind.SNaN;
  return { bits: canonicalNaN(fmt), flags: signaling ? NV : 0 };
}

/** The sign of an exact zero sum of operands of different signs (IEEE 754 §6.3). */
function cancellationSign(rm: number): number {
  return rm === RDN ? 1 : 0;
}

function bitLength(n: bigint): number {
  return n.toString(2).length;
}

/** Whether overflow in this mode and sign gives infinity (otherwise the largest finite number). */
function overflowsToInfinity(rm: number, sign: number): boolean {
  return rm === RNE || rm === RMM || (rm === RUP && sign === 0) || (rm === RDN && sign === 1);
}

interface Truncated {
  readonly q: bigint;
  readonly inexact: boolean;
}

/** Rounds `sig * 2^exp` (plus a residual below it when `sticky`) to a multiple of `2^lsb`. */
function roundAt(sig: bigint, exp: number, sticky: boolean, lsb: number, sign: number, rm: number): Truncated {
  const shift = lsb - exp;
  let q: bigint;
  let half: boolean;
  let rest: boolean;
  if (shift <= 0) {
    q = sig << BigInt(-shift);
    half = false;
    rest = sticky;
  } else {
    q = sig >> BigInt(shift);
    half = ((sig >> BigInt(shift - 1)) & 1n) === 1n;
    rest = sticky || (sig & ((1n << BigInt(shift - 1)) - 1n)) !== 0n;
  }
  const inexact = half || rest;
  let up: boolean;
  switch (rm) {
    case RNE: up = half && (rest || (q & 1n) === 1n); break;
    case RDN: up = inexact && sign === 1; break;
    case RUP: up = inexact && sign === 0; break;
    case RMM: up = half; break;
    default: up = false;
  }
  return { q: up ? q + 1n : q, inexact };
}

/**
 * Rounds the exact value `(-1)^sign * (sig + residual) * 2^exp` to the format,
 * where the residual is in (0, 1) when `sticky` and 0 otherwise.
 * `sig` must be positive, with at least two bits more than the precision when
 * `sticky` (so that the residual only decides the sticky bit).
 */
export function roundPack(fmt: FloatFormat, sign: number, sig: bigint, exp: number, sticky: boolean, rm: number): Rounded {
  const p = fmt.precision;
  const top = exp + bitLength(sig) - 1;
  const lsb = Math.max(top - p + 1, fmt.emin - p + 1);
  const { q: rounded, inexact } = roundAt(sig, exp, sticky, lsb, sign, rm);
  let q = rounded;
  let lsbExp = lsb;
  if (q === 1n << BigInt(p)) {
    q >>= 1n;
    lsbExp += 1;
  }
  if (lsbExp + p - 1 > fmt.emax) {
    const bits = overflowsToInfinity(rm, sign) ? infinity(fmt, sign) : largestFinite(fmt, sign);
    return { bits, flags: OF | NX };
  }
  let flags = inexact ? NX : 0;
  if (inexact && top < fmt.emin) {
    const unbounded = roundAt(sig, exp, sticky, top - p + 1, sign, rm);
    const reachesNormal = top === fmt.emin - 1 && unbounded.q === 1n << BigInt(p);
    if (!reachesNormal) flags |= UF;
  }
  const hidden = 1n << BigInt(p - 1);
  const signPart = zero(fmt, sign);
  if (q < hidden) return { bits: signPart | q, flags };
  const biased = BigInt(lsbExp + p - 1 + fmt.emax);
  return { bits: signPart | (biased << BigInt(p - 1)) | (q - hidden), flags };
}

/** Rounds an exact sum `sig * 2^exp` with `sig` possibly zero or negative. */
function roundSum(fmt: FloatFormat, sum: bigint, exp: number, rm: number): Rounded {
  if (sum === 0n) return { bits: zero(fmt, cancellationSign(rm)), flags: 0 };
  return sum < 0n ? roundPack(fmt, 1, -sum, exp, false, rm) : roundPack(fmt, 0, sum, exp, false, rm);
}

function signed(u: Unpacked): bigint {
  return u.sign ? -u.sig : u.sig;
}

/** Exact sum of two finite nonzero values, aligned to the smaller exponent. */
function addFinite(fmt: FloatFormat, sa: bigint, ea: number, sb: bigint, eb: number, rm: number): Rounded {
  const e = Math.min(ea, eb);
  return roundSum(fmt, (sa << BigInt(ea - e)) + (sb << BigInt(eb - e)), e, rm);
}

/** `a + b` on bit patterns (subtraction: flip the sign bit of `b`). */
export function exactAdd(fmt: FloatFormat, aBits: bigint, bBits: bigint, rm: number): Rounded {
  const a = unpack(fmt, aBits);
  const b = unpack(fmt, bBits);
  if (isNaN(a) || isNaN(b)) return propagateNaN(fmt, a, b, b);
  if (a.kind === Kind.Inf || b.kind === Kind.Inf) {
    if (a.kind === Kind.Inf && b.kind === Kind.Inf && a.sign !== b.sign) return invalid(fmt);
    return { bits: infinity(fmt, a.kind === Kind.Inf ? a.sign : b.sign), flags: 0 };
  }
  if (a.kind === Kind.Zero && b.kind === Kind.Zero) {
    return { bits: zero(fmt, a.sign === b.sign ? a.sign : cancellationSign(rm)), flags: 0 };
  }
  if (a.kind === Kind.Zero) return { bits: bBits, flags: 0 };
  if (b.kind === Kind.Zero) return { bits: aBits, flags: 0 };
  return addFinite(fmt, signed(a), a.exp, signed(b), b.exp, rm);
}

/** `a * b` on bit patterns. */
export function exactMul(fmt: FloatFormat, aBits: bigint, bBits: bigint, rm: number): Rounded {
  const a = unpack(fmt, aBits);
  const b = unpack(fmt, bBits);
  if (isNaN(a) || isNaN(b)) return propagateNaN(fmt, a, b, b);
  const sign = a.sign ^ b.sign;
  if (a.kind === Kind.Inf || b.kind === Kind.Inf) {
    if (a.kind === Kind.Zero || b.kind === Kind.Zero) return invalid(fmt);
    return { bits: infinity(fmt, sign), flags: 0 };
  }
  if (a.kind === Kind.Zero || b.kind === Kind.Zero) return { bits: zero(fmt, sign), flags: 0 };
  return roundPack(fmt, sign, a.sig * b.sig, a.exp + b.exp, false, rm);
}

/** `a / b` on bit patterns. */
export function exactDiv(fmt: FloatFormat, aBits: bigint, bBits: bigint, rm: number): Rounded {
  const a = unpack(fmt, aBits);
  const b = unpack(fmt, bBits);
  if (isNaN(a) || isNaN(b)) return propagateNaN(fmt, a, b, b);
  const sign = a.sign ^ b.sign;
  if (a.kind === Kind.Inf) {
    return b.kind === Kind.Inf ? invalid(fmt) : { bits: infinity(fmt, sign), flags: 0 };
  }
  if (b.kind === Kind.Inf) return { bits: zero(fmt, sign), flags: 0 };
  if (b.kind === Kind.Zero) {
    return a.kind === Kind.Zero ? invalid(fmt) : { bits: infinity(fmt, sign), flags: DZ };
  }
  if (a.kind === Kind.Zero) return { bits: zero(fmt, sign), flags: 0 };
  const shift = Math.max(0, fmt.precision + 3 + bitLength(b.sig) - bitLength(a.sig));
  const num = a.sig << BigInt(shift);
  const q = num / b.sig;
  return roundPack(fmt, sign, q, a.exp - b.exp - shift, q * b.sig !== num, rm);
}

/** The integer square root (floor) of a positive BigInt, by Newton's method. */
function isqrt(n: bigint): bigint {
  let x = 1n << BigInt((bitLength(n) >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** `sqrt(a)` on bit patterns. */
export function exactSqrt(fmt: FloatFormat, aBits: bigint, rm: number): Rounded {
  const a = unpack(fmt, aBits);
  if (isNaN(a)) return propagateNaN(fmt, a, a, a);
  if (a.kind === Kind.Zero) return { bits: aBits, flags: 0 };
  if (a.sign === 1) return invalid(fmt);
  if (a.kind === Kind.Inf) return { bits: aBits, flags: 0 };
  let shift = Math.max(0, 2 * (fmt.precision + 3) - bitLength(a.sig));
  if (((a.exp - shift) & 1) !== 0) shift += 1;
  const radicand = a.sig << BigInt(shift);
  const root = isqrt(radicand);
  return roundPack(fmt, 0, root, (a.exp - shift) / 2, root * root !== radicand, rm);
}

/**
 * `a * b + c` on bit patterns, rounded once. The negated forms flip sign bits
 * first: fmsub flips `c`, fnmsub flips `a`, fnmadd flips `a` and `c`.
 * As on RISC-V (and QEMU), `0 * inf` raises NV even when `c` is a quiet NaN.
 */
export function exactFma(fmt: FloatFormat, aBits: bigint, bBits: bigint, cBits: bigint, rm: number): Rounded {
  const a = unpack(fmt, aBits);
  const b = unpack(fmt, bBits);
  const c = unpack(fmt, cBits);
  const infTimesZero =
    (a.kind === Kind.Inf && b.kind === Kind.Zero) || (a.kind === Kind.Zero && b.kind === Kind.Inf);
  if (infTimesZero) return invalid(fmt);
  if (isNaN(a) || isNaN(b) || isNaN(c)) return propagateNaN(fmt, a, b, c);
  const productSign = a.sign ^ b.sign;
  if (a.kind === Kind.Inf || b.kind === Kind.Inf) {
    if (c.kind === Kind.Inf && c.sign !== productSign) return invalid(fmt);
    return { bits: infinity(fmt, productSign), flags: 0 };
  }
  if (c.kind === Kind.Inf) return { bits: cBits, flags: 0 };
  if (a.kind === Kind.Zero || b.kind === Kind.Zero) {
    if (c.kind !== Kind.Zero) return { bits: cBits, flags: 0 };
    return { bits: zero(fmt, productSign === c.sign ? c.sign : cancellationSign(rm)), flags: 0 };
  }
  const product = productSign ? -(a.sig * b.sig) : a.sig * b.sig;
  if (c.kind === Kind.Zero) return roundSum(fmt, product, a.exp + b.exp, rm);
  return addFinite(fmt, product, a.exp + b.exp, signed(c), c.exp, rm);
}
