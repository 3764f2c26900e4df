import { Op } from '../../isa/opcodes.js';
import type { ExecInsn } from '../interp/code-cache.js';

/**
 * How a `cpu/fpu` operation takes its operands (register numbers, not
 * halves indices), and whether it has a rounding mode and writes an f register.
 */
const enum Shape {
  /** fn(f, rd, rs1, rs2, rs3, rm): fused multiply-add. */
  FUSED,
  /** fn(f, rd, rs1, rs2, rm): two-operand arithmetic. */
  BINARY,
  /** fn(f, rd, rs1, rm): square root, precision conversions. */
  UNARY,
  /** fn(f, rd, x, rs1, rm): integer to float. */
  FROM_X,
  /** fn(f, x, rd, rs1, rm): float to integer (writes no f register). */
  TO_X,
  /** fn(f, rd, rs1, rs2): min and max (no rounding mode). */
  MIN_MAX,
  /** fn(f, x, rd, rs1, rs2): comparisons (no rounding mode, writes no f register). */
  COMPARE,
}

/** The `cpu/fpu` function running each operation the region calls directly, with its shape. */
const FPU_CALL: Partial<Record<Op, readonly [string, Shape]>> = {
  [Op.FMADD_S]: ['fmadd_s', Shape.FUSED], [Op.FMSUB_S]: ['fmsub_s', Shape.FUSED],
  [Op.FNMSUB_S]: ['fnmsub_s', Shape.FUSED], [Op.FNMADD_S]: ['fnmadd_s', Shape.FUSED],
  [Op.FMADD_D]: ['fmadd_d', Shape.FUSED], [Op.FMSUB_D]: ['fmsub_d', Shape.FUSED],
  [Op.FNMSUB_D]: ['fnmsub_d', Shape.FUSED], [Op.FNMADD_D]: ['fnmadd_d', Shape.FUSED],
  [Op.FADD_S]: ['fadd_s', Shape.BINARY], [Op.FSUB_S]: ['fsub_s', Shape.BINARY],
  [Op.FMUL_S]: ['fmul_s', Shape.BINARY], [Op.FDIV_S]: ['fdiv_s', Shape.BINARY],
  [Op.FADD_D]: ['fadd_d', Shape.BINARY], [Op.FSUB_D]: ['fsub_d', Shape.BINARY],
  [Op.FMUL_D]: ['fmul_d', Shape.BINARY], [Op.FDIV_D]: ['fdiv_d', Shape.BINARY],
  [Op.FSQRT_S]: ['fsqrt_s', Shape.UNARY], [Op.FSQRT_D]: ['fsqrt_d', Shape.UNARY],
  [Op.FCVT_S_D]: ['fcvt_s_d', Shape.UNARY], [Op.FCVT_D_S]: ['fcvt_d_s', Shape.UNARY],
  [Op.FCVT_S_W]: ['fcvt_s_w', Shape.FROM_X], [Op.FCVT_S_WU]: ['fcvt_s_wu', Shape.FROM_X],
  [Op.FCVT_S_L]: ['fcvt_s_l', Shape.FROM_X], [Op.FCVT_S_LU]: ['fcvt_s_lu', Shape.FROM_X],
  [Op.FCVT_D_W]: ['fcvt_d_w', Shape.FROM_X], [Op.FCVT_D_WU]: ['fcvt_d_wu', Shape.FROM_X],
  [Op.FCVT_D_L]: ['fcvt_d_l', Shape.FROM_X], [Op.FCVT_D_LU]: ['fcvt_d_lu', Shape.FROM_X],
  [Op.FCVT_W_S]: ['fcvt_w_s', Shape.TO_X], [Op.FCVT_WU_S]: ['fcvt_wu_s', Shape.TO_X],
  [Op.FCVT_L_S]: ['fcvt_l_s', Shape.TO_X], [Op.FCVT_LU_S]: ['fcvt_lu_s', Shape.TO_X],
  [Op.FCVT_W_D]: ['fcvt_w_d', Shape.TO_X], [Op.FCVT_WU_D]: ['fcvt_wu_d', Shape.TO_X],
  [Op.FCVT_L_D]: ['fcvt_l_d', Shape.TO_X], [Op.FCVT_LU_D]: ['fcvt_lu_d', Shape.TO_X],
  [Op.FMIN_S]: ['fmin_s', Shape.MIN_MAX], [Op.FMAX_S]: ['fmax_s', Shape.MIN_MAX],
  [Op.FMIN_D]: ['fmin_d', Shape.MIN_MAX], [Op.FMAX_D]: ['fmax_d', Shape.MIN_MAX],
  [Op.FEQ_S]: ['feq_s', Shape.COMPARE], [Op.FLT_S]: ['flt_s', Shape.COMPARE], [Op.FLE_S]: ['fle_s', Shape.COMPARE],
  [Op.FEQ_D]: ['feq_d', Shape.COMPARE], [Op.FLT_D]: ['flt_d', Shape.COMPARE], [Op.FLE_D]: ['fle_d', Shape.COMPARE],
};

/** Whether the operation's rounding mode is static and reserved (the helper raises the illegal instruction). */
function reservedRoundingMode(shape: Shape, insn: ExecInsn): boolean {
  return shape <= Shape.TO_X && (insn.rm === 5 || insn.rm === 6);
}

/**
 * Code for an F/D operation the region runs itself, or undefined where it
 * goes through the interpreter's `executeFp`. `exitBefore` is the code
 * leaving the region for the interpreter to run the instruction (used when
 * the FPU is off or the dynamic rounding mode is reserved: the interpreter
 * raises the illegal instruction). As `executeFp` does: fflags accrue what
 * the operation raised, and mstatus.FS becomes Dirty when an f register is
 * written. Loads and stores are emitted by the caller.
 */
export function emitFpOperation(insn: ExecInsn, exitBefore: string): string | undefined {
  const { op } = insn;
  const enabled = `if (!h.fpEnabled()) ${exitBefore}`;
  switch (op) {
    case Op.FSGNJ_D: case Op.FSGNJN_D: case Op.FSGNJX_D: {
      const a = `f[${insn.rs1 + 1}]`, b = `f[${insn.rs2 + 1}]`;
      const sign = op === Op.FSGNJ_D ? `(${b} & -0x80000000)` : op === Op.FSGNJN_D ? `(~${b} & -0x80000000)` : `((${a} ^ ${b}) & -0x80000000)`;
      return `${enabled} { const l = f[${insn.rs1}], u = (${a} & 0x7fffffff) | ${sign}; f[${insn.rd}] = l; f[${insn.rd + 1}] = u; h.markFpDirty(); }`;
    }
    case Op.FMV_X_D: return `${enabled} { const l = f[${insn.rs1}], u = f[${insn.rs1 + 1}]; x[${insn.rd}] = l; x[${insn.rd + 1}] = u; }`;
    case Op.FMV_D_X: return `${enabled} { const l = x[${insn.rs1}], u = x[${insn.rs1 + 1}]; f[${insn.rd}] = l; f[${insn.rd + 1}] = u; h.markFpDirty(); }`;
    default: break;
  }
  const call = FPU_CALL[op];
  if (call === undefined) return undefined;
  const [name, shape] = call;
  if (reservedRoundingMode(shape, insn)) return undefined;
  const rd = insn.rd >> 1, rs1 = insn.rs1 >> 1, rs2 = insn.rs2 >> 1, rs3 = insn.rs3 >> 1;
  const hasRm = shape <= Shape.TO_X;
  const rm = insn.rm === 7 ? 'rm' : String(insn.rm);
  const args = {
    [Shape.FUSED]: `f, ${rd}, ${rs1}, ${rs2}, ${rs3}, ${rm}`,
    [Shape.BINARY]: `f, ${rd}, ${rs1}, ${rs2}, ${rm}`,
    [Shape.UNARY]: `f, ${rd}, ${rs1}, ${rm}`,
    [Shape.FROM_X]: `f, ${rd}, x, ${rs1}, ${rm}`,
    [Shape.TO_X]: `f, x, ${rd}, ${rs1}, ${rm}`,
    [Shape.MIN_MAX]: `f, ${rd}, ${rs1}, ${rs2}`,
    [Shape.COMPARE]: `f, x, ${rd}, ${rs1}, ${rs2}`,
  }[shape];
  const dynamicRm = hasRm && insn.rm === 7 ? `const rm = h.frm; if (rm > 4) ${exitBefore}` : '';
  const dirty = shape === Shape.TO_X || shape === Shape.COMPARE ? '' : ' h.markFpDirty();';
  return `${enabled} { ${dynamicRm} h.fflags |= fpu.${name}(${args});${dirty} }`;
}
