/**
 * The soft-float unit (src/cpu/fpu) on the operations the bench guest uses
 * most, each task 1000 operations: the native fast path (round to nearest,
 * and directed rounding through error-free transformations) against the
 * exact BigInt reference a fused multiply-add with an inexact product takes.
 */
import { fadd_d, fadd_s, fdiv_d, fmadd_d, fmul_d, fsqrt_d, RNE, RTZ } from '../../../src/cpu/fpu/index.js';
import type { MicroSuite } from './suite.js';

const OPERATIONS_PER_TASK = 1000;

/** A register file whose registers 1..3 hold the given doubles (little-endian host). */
function registersWithDoubles(a: number, b: number, c: number): Int32Array {
  const registers = new Int32Array(64);
  const asDoubles = new Float64Array(registers.buffer);
  asDoubles[1] = a;
  asDoubles[2] = b;
  asDoubles[3] = c;
  return registers;
}

/** A register file whose registers 1 and 2 hold NaN-boxed singles. */
function registersWithSingles(a: number, b: number): Int32Array {
  const registers = new Int32Array(64);
  const bits = new Int32Array(new Float32Array([a, b]).buffer);
  registers.set([bits[0], -1, bits[1], -1], 2);
  return registers;
}

/** Runs `operation` OPERATIONS_PER_TASK times; the OR of its flags keeps the calls observable. */
function repeat(operation: () => number): () => number {
  return () => {
    let flags = 0;
    for (let i = 0; i < OPERATIONS_PER_TASK; i++) flags |= operation();
    return flags;
  };
}

const suite: MicroSuite = {
  name: `soft-float, ${OPERATIONS_PER_TASK} operations per task`,
  register(bench) {
    const doubles = registersWithDoubles(1.1, 3.3, 0.7);
    const singles = registersWithSingles(0.1, 0.2);
    bench
      .add('fadd.d RNE', repeat(() => fadd_d(doubles, 4, 1, 2, RNE)))
      .add('fmul.d RTZ', repeat(() => fmul_d(doubles, 4, 1, 2, RTZ)))
      .add('fdiv.d RNE', repeat(() => fdiv_d(doubles, 4, 1, 2, RNE)))
      .add('fsqrt.d RNE', repeat(() => fsqrt_d(doubles, 4, 2, RNE)))
      .add('fmadd.d RNE, inexact product (exact reference)', repeat(() => fmadd_d(doubles, 4, 1, 2, 3, RNE)))
      .add('fadd.s RNE', repeat(() => fadd_s(singles, 4, 1, 2, RNE)));
  },
};

export default suite;
