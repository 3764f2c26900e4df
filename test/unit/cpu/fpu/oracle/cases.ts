/**
 * Operand tuples per operation for the oracle test, and the exact references
 * used where the x86 oracle cannot answer (round-to-nearest-max-magnitude).
 */
import {
  BINARY32, BINARY64, exactAdd, exactDiv, exactFma, exactMul, exactSqrt, roundPack, signBit,
  type FloatFormat, type Rounded,
} from '../../../../../src/cpu/fpu/exact.js';
import { D, Rng, S, biasedExponent, floatWithExponent, randomFloat, randomInteger, type Layout } from './operands.js';

/** Three operands (unused ones are 0). */
export type Tuple = readonly [bigint, bigint, bigint];

function layoutOf(name: string): Layout {
  return name.endsWith('_s') || name.startsWith('fcvt_s_') ? S : D;
}

function valueOf(l: Layout, bits: bigint): number {
  const view = new DataView(new ArrayBuffer(8));
  if (l === S) {
    view.setUint32(0, Number(bits));
    return view.getFloat32(0);
  }
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
}

function bitsOf(l: Layout, value: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  if (l === S) {
    view.setFloat32(0, value);
    return BigInt(view.getUint32(0));
  }
  view.setFloat64(0, value);
  return view.getBigUint64(0);
}

/** An exponent for a product or quotient result: near the subnormal range, near overflow, or ordinary. */
function resultExponent(rng: Rng, l: Layout): number {
  const pick = rng.below(3);
  if (pick === 0) return rng.between(-l.frac - 3, 3);
  if (pick === 1) return rng.between(l.maxExp - 2, l.maxExp + 2);
  return l.bias + rng.between(-40, 40);
}

function productPair(rng: Rng, l: Layout, divide: boolean): [bigint, bigint] {
  const a = randomFloat(rng, l);
  if (rng.chance(0.4)) return [a, randomFloat(rng, l)];
  const ea = biasedExponent(l, a);
  const target = resultExponent(rng, l);
  const eb = divide ? ea - target + l.bias : target - ea + l.bias;
  return [a, floatWithExponent(rng, l, eb)];
}

function fmaTuple(rng: Rng, l: Layout): Tuple {
  const [a, b] = productPair(rng, l, false);
  const pick = rng.below(10);
  if (pick < 5) {
    const e = biasedExponent(l, a) + biasedExponent(l, b) - l.bias + rng.between(-l.frac - 4, l.frac + 4);
    return [a, b, floatWithExponent(rng, l, e)];
  }
  if (pick < 7) {
    const product = valueOf(l, a) * valueOf(l, b);
    const rounded = l === S ? Math.fround(product) : product;
    if (rounded - rounded === 0 && rounded !== 0) {
      const c = BigInt.asUintN(l.width, bitsOf(l, -rounded) + BigInt(rng.between(-2, 2)));
      return [a, b, c];
    }
  }
  return [a, b, randomFloat(rng, l)];
}

/** A finite float whose magnitude is around the integer conversion ranges. */
function integerish(rng: Rng, l: Layout): bigint {
  if (rng.chance(0.2)) return randomFloat(rng, l);
  return floatWithExponent(rng, l, l.bias + rng.between(-3, 66));
}

/** `count` operand tuples for the named operation. */
export function tuplesFor(name: string, rng: Rng, count: number): Tuple[] {
  const l = layoutOf(name);
  const out: Tuple[] = [];
  for (let i = 0; i < count; i++) {
    if (/^f(add|sub)_/.test(name)) {
      const a = randomFloat(rng, l);
      const b = rng.chance(0.6)
        ? floatWithExponent(rng, l, biasedExponent(l, a) + rng.between(-l.frac - 3, l.frac + 3))
        : randomFloat(rng, l);
      out.push([a, b, 0n]);
    } else if (/^fmul_/.test(name)) out.push([...productPair(rng, l, false), 0n]);
    else if (/^fdiv_/.test(name)) out.push([...productPair(rng, l, true), 0n]);
    else if (/^fsqrt_/.test(name)) {
      const a = randomFloat(rng, l);
      out.push([rng.chance(0.85) ? a & ~signBitOf(l) : a, 0n, 0n]);
    } else if (/^fn?m(add|sub)_/.test(name)) out.push(fmaTuple(rng, l));
    else if (/^fcvt_(w|wu|l|lu)_[sd]$/.test(name)) out.push([integerish(rng, l), 0n, 0n]);
    else if (/^fcvt_[sd]_(w|wu|l|lu)$/.test(name)) out.push([randomInteger(rng), 0n, 0n]);
    else if (name === 'fcvt_s_d') {
      out.push([rng.chance(0.7) ? floatWithExponent(rng, D, D.bias + rng.between(-155, 130)) : randomFloat(rng, D), 0n, 0n]);
    } else if (name === 'fcvt_d_s') out.push([randomFloat(rng, S), 0n, 0n]);
    else throw new Error(`no operand generator for ${name}`);
  }
  return out;
}

function signBitOf(l: Layout): bigint {
  return 1n << BigInt(l.width - 1);
}

/** Whether bits are a NaN in the layout. */
export function isNaNBits(l: Layout, bits: bigint): boolean {
  const fracMask = (1n << BigInt(l.frac)) - 1n;
  return biasedExponent(l, bits) === l.maxExp + 1 && (bits & fracMask) !== 0n;
}

/** Which layout an operand or result kind uses ('s' or 'd'). */
export function layoutOfKind(kind: 's' | 'd'): Layout {
  return kind === 's' ? S : D;
}

function roundInteger(fmt: FloatFormat, value: bigint, rm: number): Rounded {
  if (value === 0n) return { bits: 0n, flags: 0 };
  return value < 0n ? roundPack(fmt, 1, -value, 0, false, rm) : roundPack(fmt, 0, value, 0, false, rm);
}

/** The exact BigInt reference for an operation, where one exists. */
export function referenceFor(name: string): ((t: Tuple, rm: number) => Rounded) | null {
  const fmt = layoutOf(name) === S ? BINARY32 : BINARY64;
  const sign = signBit(fmt);
  const op = name.replace(/_[sd]$/, '');
  switch (op) {
    case 'fadd': return ([a, b], rm) => exactAdd(fmt, a, b, rm);
    case 'fsub': return ([a, b], rm) => exactAdd(fmt, a, b ^ sign, rm);
    case 'fmul': return ([a, b], rm) => exactMul(fmt, a, b, rm);
    case 'fdiv': return ([a, b], rm) => exactDiv(fmt, a, b, rm);
    case 'fsqrt': return ([a], rm) => exactSqrt(fmt, a, rm);
    case 'fmadd': return ([a, b, c], rm) => exactFma(fmt, a, b, c, rm);
    case 'fmsub': return ([a, b, c], rm) => exactFma(fmt, a, b, c ^ sign, rm);
    case 'fnmsub': return ([a, b, c], rm) => exactFma(fmt, a ^ sign, b, c, rm);
    case 'fnmadd': return ([a, b, c], rm) => exactFma(fmt, a ^ sign, b, c ^ sign, rm);
  }
  const fromInt = /^fcvt_[sd]_(w|wu|l|lu)$/.exec(name);
  if (fromInt) {
    const widen: Record<string, (v: bigint) => bigint> = {
      w: (v) => BigInt.asIntN(32, v), wu: (v) => BigInt.asUintN(32, v),
      l: (v) => BigInt.asIntN(64, v), lu: (v) => BigInt.asUintN(64, v),
    };
    return ([a], rm) => roundInteger(fmt, widen[fromInt[1]](a), rm);
  }
  return null;
}
