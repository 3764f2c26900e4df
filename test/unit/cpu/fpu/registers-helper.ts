/**
 * Test helpers: put bit patterns into register files and read them back, and
 * run any FPU operation uniformly on BigInt operands.
 */
import * as fpu from '../../../../src/cpu/fpu/index.js';

/** A fresh FP register file and integer register file. */
export interface Files {
  readonly f: Int32Array;
  readonly x: Int32Array;
}

/** Allocates zeroed register files. */
export function newFiles(): Files {
  return { f: new Int32Array(64), x: new Int32Array(64) };
}

/** Writes 64 bits to register `r` of a (low, high) word file. */
export function put64(file: Int32Array, r: number, bits: bigint): void {
  file[2 * r] = Number(BigInt.asIntN(32, bits));
  file[2 * r + 1] = Number(BigInt.asIntN(32, bits >> 32n));
}

/** Reads register `r` of a (low, high) word file as unsigned 64 bits. */
export function get64(file: Int32Array, r: number): bigint {
  return (BigInt(file[2 * r + 1] >>> 0) << 32n) | BigInt(file[2 * r] >>> 0);
}

/** Writes single-precision bits NaN-boxed to FP register `r`. */
export function put32(f: Int32Array, r: number, bits: bigint): void {
  put64(f, r, 0xffffffff00000000n | (bits & 0xffffffffn));
}

/** What kind of value an operand or result is: single, double, 32- or 64-bit integer. */
export type Kind = 's' | 'd' | 'w' | 'l';

/** The outcome of one operation: result bits (unsigned, 32 or 64 wide) and flags. */
export interface Outcome {
  readonly bits: bigint;
  readonly flags: number;
  /** For single results: whether the register was properly NaN-boxed. */
  readonly boxed: boolean;
}

type FloatOp = (f: Int32Array, rd: number, ...rest: number[]) => number;
type ToIntOp = (f: Int32Array, x: Int32Array, xd: number, rs1: number, rm: number) => number;
type FromIntOp = (f: Int32Array, rd: number, x: Int32Array, xs: number, rm: number) => number;

/** How to call one exported operation. */
export interface OpSpec {
  readonly name: string;
  readonly operands: readonly Kind[];
  readonly result: Kind;
  readonly run: (a: bigint, b: bigint, c: bigint, rm: number) => Outcome;
}

const RS = [1, 2, 3];
const RD = 4;
const XS = 1;
const XD = 5;

function readResult(files: Files, kind: Kind, flags: number): Outcome {
  if (kind === 's') {
    return { bits: get64(files.f, RD) & 0xffffffffn, flags, boxed: files.f[2 * RD + 1] === -1 };
  }
  if (kind === 'd') return { bits: get64(files.f, RD), flags, boxed: true };
  return { bits: get64(files.x, XD), flags, boxed: true };
}

function floatOp(name: string, kind: 's' | 'd', arity: number, withRm = true): OpSpec {
  const fn = (fpu as unknown as Record<string, FloatOp>)[name];
  return {
    name,
    operands: Array<Kind>(arity).fill(kind),
    result: kind,
    run(a, b, c, rm) {
      const files = newFiles();
      const put = kind === 's' ? put32 : put64;
      [a, b, c].slice(0, arity).forEach((v, i) => put(files.f, RS[i], v));
      const regs = RS.slice(0, arity);
      const flags = withRm ? fn(files.f, RD, ...regs, rm) : fn(files.f, RD, ...regs);
      return readResult(files, kind, flags);
    },
  };
}

function toIntOp(name: string, from: 's' | 'd', to: 'w' | 'l'): OpSpec {
  const fn = (fpu as unknown as Record<string, ToIntOp>)[name];
  return {
    name,
    operands: [from],
    result: to,
    run(a, _b, _c, rm) {
      const files = newFiles();
      (from === 's' ? put32 : put64)(files.f, 1, a);
      return readResult(files, to, fn(files.f, files.x, XD, 1, rm));
    },
  };
}

function fromIntOp(name: string, from: 'w' | 'l', to: 's' | 'd'): OpSpec {
  const fn = (fpu as unknown as Record<string, FromIntOp>)[name];
  return {
    name,
    operands: [from],
    result: to,
    run(a, _b, _c, rm) {
      const files = newFiles();
      put64(files.x, XS, a);
      return readResult(files, to, fn(files.f, RD, files.x, XS, rm));
    },
  };
}

function convertOp(name: string, from: 's' | 'd', to: 's' | 'd'): OpSpec {
  const fn = (fpu as unknown as Record<string, FloatOp>)[name];
  return {
    name,
    operands: [from],
    result: to,
    run(a, _b, _c, rm) {
      const files = newFiles();
      (from === 's' ? put32 : put64)(files.f, 1, a);
      return readResult(files, to, fn(files.f, RD, 1, rm));
    },
  };
}

/** Every rounding operation the hardware oracle can check, by name. */
export const ROUNDING_OPS: readonly OpSpec[] = [
  ...(['s', 'd'] as const).flatMap((k) => [
    floatOp(`fadd_${k}`, k, 2),
    floatOp(`fsub_${k}`, k, 2),
    floatOp(`fmul_${k}`, k, 2),
    floatOp(`fdiv_${k}`, k, 2),
    floatOp(`fsqrt_${k}`, k, 1),
    floatOp(`fmadd_${k}`, k, 3),
    floatOp(`fmsub_${k}`, k, 3),
    floatOp(`fnmsub_${k}`, k, 3),
    floatOp(`fnmadd_${k}`, k, 3),
    toIntOp(`fcvt_w_${k}`, k, 'w'),
    toIntOp(`fcvt_wu_${k}`, k, 'w'),
    toIntOp(`fcvt_l_${k}`, k, 'l'),
    toIntOp(`fcvt_lu_${k}`, k, 'l'),
    fromIntOp(`fcvt_${k}_w`, 'w', k),
    fromIntOp(`fcvt_${k}_wu`, 'w', k),
    fromIntOp(`fcvt_${k}_l`, 'l', k),
    fromIntOp(`fcvt_${k}_lu`, 'l', k),
  ]),
  convertOp('fcvt_s_d', 'd', 's'),
  convertOp('fcvt_d_s', 's', 'd'),
];

/** Looks up an operation spec by name. */
export function opSpec(name: string): OpSpec {
  const spec = ROUNDING_OPS.find((o) => o.name === name);
  if (!spec) throw new Error(`no op ${name}`);
  return spec;
}

/** A spec for a comparison or min/max (no rounding mode). */
export function compareOp(name: string, kind: 's' | 'd', toInteger: boolean): OpSpec {
  if (!toInteger) return floatOp(name, kind, 2, false);
  const fn = (fpu as unknown as Record<string, (f: Int32Array, x: Int32Array, xd: number, a: number, b: number) => number>)[name];
  return {
    name,
    operands: [kind, kind],
    result: 'l',
    run(a, b) {
      const files = newFiles();
      const put = kind === 's' ? put32 : put64;
      put(files.f, 1, a);
      put(files.f, 2, b);
      return readResult(files, 'l', fn(files.f, files.x, XD, 1, 2));
    },
  };
}
