/**
 * A test-only perturbation: one backend gets one instruction wrong on
 * purpose, so tests can prove that `deja diff --locate` names exactly that
 * instruction. Switched on by the environment variable
 * `DEJA_TEST_PERTURB=<backend>:<icount>`; without it backends are untouched.
 *
 * The perturbed instruction is the first one of hart 0 that retires at or
 * after `icount` and writes an integer register other than x0 through a
 * plain computation (LUI, AUIPC, JAL, JALR, the integer register-immediate and
 * register-register operations, M): its destination register ends up one
 * larger than it should. Those operations never raise an exception, so the
 * instruction the wrapper looks at before the step is the one that retires.
 */
import type { Hart } from '../cpu/hart.js';
import { Op } from '../isa/opcodes.js';
import { ExitReason } from './backend.js';
import type { VmmBackend } from './backends.js';
import type { ExecInsn } from './interp/code-cache.js';

/** The environment variable holding the perturbation (`<backend>:<icount>`). */
export const PERTURB_VARIABLE = 'DEJA_TEST_PERTURB';

/** Where to perturb: a backend name and the hart-0 icount from which to look. */
export interface Perturbation {
  readonly backend: string;
  readonly icount: number;
}

/** Parses `<backend>:<icount>`; throws an Error naming the variable when the text is malformed. */
export function parsePerturbation(text: string): Perturbation {
  const match = /^([a-z][a-z0-9-]*):(\d+)$/.exec(text);
  const icount = match === null ? NaN : Number(match[2]);
  if (match === null || !Number.isSafeInteger(icount)) {
    throw new Error(`${PERTURB_VARIABLE}='${text}' is not <backend>:<icount>`);
  }
  return { backend: match[1]!, icount };
}

/** True for the operations the perturbation may hit: plain integer results that never trap. */
export function isPerturbable(insn: ExecInsn): boolean {
  const op = insn.op;
  if (insn.rd === 64) return false;
  return (op >= Op.LUI && op <= Op.JALR) || (op >= Op.ADDI && op <= Op.SRAW) || (op >= Op.MUL && op <= Op.REMUW);
}

/** Adds one (modulo 2^64) to the integer register whose low-half index is `slot`. */
function incrementRegister(hart: Hart, slot: number): void {
  const low = (hart.x[slot]! >>> 0) + 1;
  hart.x[slot] = low | 0;
  if (low > 0xffffffff) hart.x[slot + 1] = (hart.x[slot + 1]! + 1) | 0;
}

/**
 * `backend` with the perturbation applied when it names this backend: runs
 * exactly up to `icount`, then one instruction at a time (taking any pending
 * interrupt first) until a perturbable instruction retires, then as before.
 */
export function perturbBackend(backend: VmmBackend, perturbation: Perturbation): VmmBackend {
  if (perturbation.backend !== backend.name) return backend;
  // Replays move the hart backwards (snapshot restores): the wrapper follows
  // the position, perturbing again when the perturbed instruction runs again.
  let from = perturbation.icount;
  let perturbedAt: number | undefined;
  let armed = false;
  const run = (hart: Hart, budget: number): ExitReason => {
    if (hart.hartId !== 0) return backend.run(hart, budget);
    if (perturbedAt !== undefined && hart.icount <= perturbedAt) {
      from = perturbedAt;
      perturbedAt = undefined;
      armed = false;
    }
    if (perturbedAt !== undefined) return backend.run(hart, budget);
    // A machine restored past the point without ever reaching it carries the perturbation in its state already.
    if (!armed && hart.icount > from) return backend.run(hart, budget);
    armed = true;
    const end = hart.icount + budget;
    if (hart.icount < from) {
      const exit = backend.run(hart, Math.min(budget, from - hart.icount));
      if (exit !== ExitReason.BUDGET || hart.icount >= end) return exit;
    }
    const core = backend.forHart(hart);
    while (hart.icount < end) {
      const pending = backend.run(hart, 0);
      if (pending !== ExitReason.BUDGET) return pending;
      const insn = core.peekInstruction();
      const before = hart.icount;
      const exit = backend.run(hart, 1);
      if (insn !== null && hart.icount === before + 1 && isPerturbable(insn)) {
        incrementRegister(hart, insn.rd);
        perturbedAt = before;
        return exit !== ExitReason.BUDGET || hart.icount >= end ? exit : backend.run(hart, end - hart.icount);
      }
      if (exit !== ExitReason.BUDGET) return exit;
    }
    return ExitReason.BUDGET;
  };
  return new Proxy(backend, {
    get: (target, property, receiver) => (property === 'run' ? run : Reflect.get(target, property, receiver)),
  });
}

/** `backend`, perturbed when `DEJA_TEST_PERTURB` asks for it (see the module comment). */
export function withTestPerturbation(backend: VmmBackend): VmmBackend {
  const text = process.env[PERTURB_VARIABLE];
  return text === undefined || text === '' ? backend : perturbBackend(backend, parsePerturbation(text));
}
