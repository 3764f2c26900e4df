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
  /** The whole 64-bit destination register (f or x). */
  readonly register: bigint;
}

/** How to call one exported operation. */
export interface OpSpec {
  readonly name: string;
  readonly operands: readonly Kind[];
  readonly result: Kind;
  /**
   * Runs the operation on fresh register files. Single operands are NaN-boxed
   * unless `raw`, in which case every operand is written as 64 raw bits.
   */
  readonly run: (a: bigint, b: bigint, c: bigint, rm: number, raw?: boolean) => Outcome;
}

const RS = [1, 2, 3];
const RD = 4;
const XS = 1;
const XD = 5;

type Call = (files: Files, rm: number) => number;
type AnyOp = (...args: (Int32Array | number)[]) => number;

function exported(name: string): AnyOp {
  return (fpu as unknown as Record<string, AnyOp>)[name];
}

function spec(name: string, operands: readonly Kind[], result: Kind, call: Call): OpSpec {
  return {
    name,
    operands,
    result,
    run(a, b, c, rm, raw = false) {
      const files = newFiles();
      [a, b, c].slice(0, operands.length).forEach((v, i) => {
        const kind = operands[i];
        if (kind === 'w' || kind === 'l') put64(files.x, XS, v);
        else if (kind === 's' && !raw) put32(files.f, RS[i], v);
        else put64(files.f, RS[i], v);
      });
      const flags = call(files, rm);
      const toX = result === 'w' || result === 'l';
      const register = get64(toX ? files.x : files.f, toX ? XD : RD);
      if (result === 's') return { bits: register & 0xffffffffn, flags, boxed: register >> 32n === 0xffffffffn, register };
      return { bits: register, flags, boxed: true, register };
    },
  };
}

function floatOp(name: string, kind: 's' | 'd', arity: number): OpSpec {
  const fn = exported(name);
  return spec(name, Array<Kind>(arity).fill(kind), kind, ({ f }, rm) => fn(f, RD, ...RS.slice(0, arity), rm));
}

function toIntOp(name: string, from: 's' | 'd', to: 'w' | 'l'): OpSpec {
  const fn = exported(name);
  return spec(name, [from], to, ({ f, x }, rm) => fn(f, x, XD, 1, rm));
}

function fromIntOp(name: string, from: 'w' | 'l', to: 's' | 'd'): OpSpec {
  const fn = exported(name);
  return spec(name, [from], to, ({ f, x }, rm) => fn(f, RD, x, XS, rm));
}

function convertOp(name: string, from: 's' | 'd', to: 's' | 'd'): OpSpec {
  const fn = exported(name);
  return spec(name, [from], to, ({ f }, rm) => fn(f, RD, 1, rm));
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

/** The operations without rounding: min/max, comparisons, classification. */
export const EXACT_OPS: readonly OpSpec[] = (['s', 'd'] as const).flatMap((k) => [
  ...['fmin', 'fmax'].map((op) => {
    const fn = exported(`${op}_${k}`);
    return spec(`${op}_${k}`, [k, k], k, ({ f }) => fn(f, RD, 1, 2));
  }),
  ...['feq', 'flt', 'fle'].map((op) => {
    const fn = exported(`${op}_${k}`);
    return spec(`${op}_${k}`, [k, k], 'l', ({ f, x }) => fn(f, x, XD, 1, 2));
  }),
  (() => {
    const fn = exported(`fclass_${k}`);
    return spec(`fclass_${k}`, [k], 'l', ({ f, x }) => fn(f, x, XD, 1));
  })(),
]);

/** Looks up an operation spec by name. */
export function opSpec(name: string): OpSpec {
  const found = [...ROUNDING_OPS, ...EXACT_OPS].find((o) => o.name === name);
  if (!found) throw new Error(`no op ${name}`);
  return found;
}
