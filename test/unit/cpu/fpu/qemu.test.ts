/**
 * Bit-exactness against QEMU itself: every F/D operation the FPU exports runs
 * as the real instruction on qemu-system-riscv64 (program: oracle/riscv-oracle.c),
 * in all five rounding modes, and the whole destination register and fflags
 * must match. Unlike the x86 oracle this covers what only RISC-V defines:
 * canonical NaNs, RMM, saturating conversions, NV for 0 * inf + qNaN, and
 * operands that are not properly NaN-boxed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EXACT_OPS, ROUNDING_OPS, type OpSpec } from './registers-helper.js';
import { askQemu, buildQemuOracle, qemuOracleUnavailableReason, type QemuAnswer, type QemuQuery } from './oracle/qemu-harness.js';
import { D, Rng, S, randomFloat, type Layout } from './oracle/operands.js';
import { tuplesFor, type Tuple } from './oracle/cases.js';

const MODES = [0, 1, 2, 3, 4];
/** Random operand tuples per operation; raise FPU_QEMU_TUPLES for a longer soak. */
const RANDOM_TUPLES_PER_OP = Number(process.env.FPU_QEMU_TUPLES ?? 300);
const MAX_REPORTED = 5;
const unavailable = qemuOracleUnavailableReason();

/** Interesting operands of a format: zeros, infinities, NaNs, extremes, ones. */
function specials(l: Layout): bigint[] {
  const sign = 1n << BigInt(l.width - 1);
  const inf = BigInt(l.maxExp + 1) << BigInt(l.frac);
  const one = BigInt(l.bias) << BigInt(l.frac);
  const positives = [0n, inf, inf | (1n << BigInt(l.frac - 1)), inf | 1n, 1n, (1n << BigInt(l.frac)) - 1n,
    1n << BigInt(l.frac), inf - 1n, one];
  return [...positives, ...positives.map((v) => v | sign)];
}

/** The raw f register holding a single operand: NaN-boxed, or now and then not (to test unboxing). */
function singleRegister(rng: Rng, bits: bigint): bigint {
  if (rng.chance(0.03)) return (BigInt(rng.next32() & 0x7fffffff) << 32n) | bits;
  return 0xffffffff00000000n | bits;
}

function toRegisters(spec: OpSpec, rng: Rng, tuple: Tuple): Tuple {
  const regs = tuple.map((v, i) => (spec.operands[i] === 's' ? singleRegister(rng, v) : v));
  return [regs[0], regs[1], regs[2]];
}

function layoutOf(spec: OpSpec): Layout {
  return spec.operands[0] === 's' ? S : D;
}

/** Operands for one op: seeded random ones (as in the x86 test) plus the cross product of specials. */
function casesFor(spec: OpSpec, index: number): { tuple: Tuple; modes: number[] }[] {
  const rng = new Rng(0x9e3779b9 ^ index);
  const out: { tuple: Tuple; modes: number[] }[] = [];
  const isInteger = spec.operands[0] === 'w' || spec.operands[0] === 'l';
  const random: Tuple[] = ROUNDING_OPS.includes(spec)
    ? tuplesFor(spec.name, rng, RANDOM_TUPLES_PER_OP)
    : Array.from({ length: RANDOM_TUPLES_PER_OP }, () => [randomFloat(rng, layoutOf(spec)), randomFloat(rng, layoutOf(spec)), 0n]);
  for (const t of random) out.push({ tuple: toRegisters(spec, rng, t), modes: MODES });
  if (isInteger) return out;
  const sp = specials(layoutOf(spec));
  const arity = spec.operands.length;
  if (arity === 1) for (const a of sp) out.push({ tuple: toRegisters(spec, rng, [a, 0n, 0n]), modes: MODES });
  if (arity === 2) for (const a of sp) for (const b of sp) out.push({ tuple: toRegisters(spec, rng, [a, b, 0n]), modes: MODES });
  if (arity === 3) {
    for (const a of sp) for (const b of sp) for (const c of sp) out.push({ tuple: toRegisters(spec, rng, [a, b, c]), modes: [0, 2] });
  }
  return out;
}

const ALL_OPS = [...ROUNDING_OPS, ...EXACT_OPS];
/** Per op, its queries and the operand tuples they came from (queries of all ops are sent in one QEMU run). */
const groups = ALL_OPS.map((spec, i) => {
  const queries: QemuQuery[] = [];
  const tuples: Tuple[] = [];
  for (const { tuple, modes } of casesFor(spec, i)) {
    for (const rm of modes) {
      queries.push({ op: spec.name, rm, a: tuple[0], b: tuple[1], c: tuple[2] });
      tuples.push(tuple);
    }
  }
  return { spec, queries, tuples };
});

describe('FPU against QEMU (qemu-system-riscv64)', () => {
  if (unavailable !== null && !process.env.CI) {
    it.skip(`QEMU oracle unavailable: ${unavailable}`, () => {});
    return;
  }

  const answers = new Map<OpSpec, QemuAnswer[]>();
  beforeAll(() => {
    if (unavailable !== null) throw new Error(`the QEMU FPU oracle is required in CI: ${unavailable}`);
    const all = askQemu(buildQemuOracle(), groups.flatMap((g) => g.queries));
    let next = 0;
    for (const g of groups) {
      answers.set(g.spec, all.slice(next, next + g.queries.length));
      next += g.queries.length;
    }
  });

  for (const { spec, queries, tuples } of groups) {
    it(`${spec.name} matches QEMU bit for bit`, () => {
      const want = answers.get(spec)!;
      const failures: string[] = [];
      queries.forEach((q, i) => {
        const got = spec.run(q.a, q.b, q.c, q.rm, true);
        if ((got.register !== want[i].register || got.flags !== want[i].flags) && failures.length < MAX_REPORTED) {
          const ops = tuples[i].slice(0, spec.operands.length).map((v) => `0x${v.toString(16)}`).join(', ');
          failures.push(`${spec.name}(${ops}) rm=${q.rm}: got 0x${got.register.toString(16)} flags ${got.flags}, ` +
            `QEMU 0x${want[i].register.toString(16)} flags ${want[i].flags}`);
        }
      });
      expect(failures).toEqual([]);
      expect(queries.length).toBeGreaterThan(RANDOM_TUPLES_PER_OP);
    });
  }
});
