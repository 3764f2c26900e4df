import { Access } from '../../cpu/constants.js';
import * as fpu from '../../cpu/fpu/index.js';
import { Op } from '../../isa/opcodes.js';
import type { ExecInsn } from './code-cache.js';
import type { InterpHart } from './interpreter.js';

const SIGN = -0x80000000;

/**
 * Execute an F or D instruction: loads and stores, sign injection and moves
 * (bit operations done here) and arithmetic (delegated to `cpu/fpu`).
 *
 * As QEMU 7.2 does, mstatus.FS becomes Dirty when an f register is written
 * (including loads and moves), not when only fflags or an x register change.
 */
export function executeFp(core: InterpHart, d: ExecInsn): void {
  const h = core.hart;
  if (!h.fpEnabled()) core.illegal(d);
  const f = h.f;
  const x = h.x;
  const rd = d.rd >> 1, rs1 = d.rs1 >> 1, rs2 = d.rs2 >> 1, rs3 = d.rs3 >> 1;
  const mem = core.mem;
  const view = mem.view;
  switch (d.op) {
    case Op.FLW: {
      const o = mem.loadOffset(core.dataAddress(d.rs1, d.imm, Access.LOAD), 4);
      f[d.rd] = o >= 0 ? view.getInt32(o, true) : mem.slowLo;
      f[d.rd + 1] = -1;
      h.markFpDirty();
      return;
    }
    case Op.FLD: {
      const o = mem.loadOffset(core.dataAddress(d.rs1, d.imm, Access.LOAD), 8);
      if (o >= 0) { f[d.rd] = view.getInt32(o, true); f[d.rd + 1] = view.getInt32(o + 4, true); }
      else { f[d.rd] = mem.slowLo; f[d.rd + 1] = mem.slowHi; }
      h.markFpDirty();
      return;
    }
    case Op.FSW: {
      const lo = f[d.rs2]!;
      const o = mem.storeOffset(core.dataAddress(d.rs1, d.imm, Access.STORE), 4, lo, 0);
      if (o >= 0) view.setInt32(o, lo, true);
      return;
    }
    case Op.FSD: {
      const lo = f[d.rs2]!, hi = f[d.rs2 + 1]!;
      const o = mem.storeOffset(core.dataAddress(d.rs1, d.imm, Access.STORE), 8, lo, hi);
      if (o >= 0) { view.setInt32(o, lo, true); view.setInt32(o + 4, hi, true); }
      return;
    }
    case Op.FSGNJ_S: case Op.FSGNJN_S: case Op.FSGNJX_S: {
      const a = fpu.unboxF32(f, rs1), b = fpu.unboxF32(f, rs2);
      const sign = d.op === Op.FSGNJ_S ? b & SIGN : d.op === Op.FSGNJN_S ? ~b & SIGN : (a ^ b) & SIGN;
      f[d.rd] = (a & 0x7fffffff) | sign;
      f[d.rd + 1] = -1;
      h.markFpDirty();
      return;
    }
    case Op.FSGNJ_D: case Op.FSGNJN_D: case Op.FSGNJX_D: {
      const a = f[d.rs1 + 1]!, b = f[d.rs2 + 1]!;
      const sign = d.op === Op.FSGNJ_D ? b & SIGN : d.op === Op.FSGNJN_D ? ~b & SIGN : (a ^ b) & SIGN;
      f[d.rd] = f[d.rs1]!;
      f[d.rd + 1] = (a & 0x7fffffff) | sign;
      h.markFpDirty();
      return;
    }
    case Op.FMV_X_W: { const v = f[d.rs1]!; x[d.rd] = v; x[d.rd + 1] = v >> 31; return; }
    case Op.FMV_X_D: x[d.rd] = f[d.rs1]!; x[d.rd + 1] = f[d.rs1 + 1]!; return;
    case Op.FMV_W_X: f[d.rd] = x[d.rs1]!; f[d.rd + 1] = -1; h.markFpDirty(); return;
    case Op.FMV_D_X: f[d.rd] = x[d.rs1]!; f[d.rd + 1] = x[d.rs1 + 1]!; h.markFpDirty(); return;
    case Op.FMIN_S: accrue(core, fpu.fmin_s(f, rd, rs1, rs2), true); return;
    case Op.FMAX_S: accrue(core, fpu.fmax_s(f, rd, rs1, rs2), true); return;
    case Op.FMIN_D: accrue(core, fpu.fmin_d(f, rd, rs1, rs2), true); return;
    case Op.FMAX_D: accrue(core, fpu.fmax_d(f, rd, rs1, rs2), true); return;
    case Op.FEQ_S: accrue(core, fpu.feq_s(f, x, rd, rs1, rs2), false); return;
    case Op.FLT_S: accrue(core, fpu.flt_s(f, x, rd, rs1, rs2), false); return;
    case Op.FLE_S: accrue(core, fpu.fle_s(f, x, rd, rs1, rs2), false); return;
    case Op.FEQ_D: accrue(core, fpu.feq_d(f, x, rd, rs1, rs2), false); return;
    case Op.FLT_D: accrue(core, fpu.flt_d(f, x, rd, rs1, rs2), false); return;
    case Op.FLE_D: accrue(core, fpu.fle_d(f, x, rd, rs1, rs2), false); return;
    case Op.FCLASS_S: fpu.fclass_s(f, x, rd, rs1); return;
    case Op.FCLASS_D: fpu.fclass_d(f, x, rd, rs1); return;
    default: executeRounded(core, d, rd, rs1, rs2, rs3);
  }
}

function accrue(core: InterpHart, flags: number, writesF: boolean): void {
  const h = core.hart;
  h.fflags |= flags;
  if (writesF) h.markFpDirty();
}

/** Operations with a rounding-mode field: resolve it (illegal if reserved), then compute. */
function executeRounded(core: InterpHart, d: ExecInsn, rd: number, rs1: number, rs2: number, rs3: number): void {
  const h = core.hart;
  const rm = d.rm === 7 ? h.frm : d.rm;
  if (rm > 4) core.illegal(d);
  const f = h.f;
  const x = h.x;
  let flags: number;
  let writesF = true;
  switch (d.op) {
    case Op.FMADD_S: flags = fpu.fmadd_s(f, rd, rs1, rs2, rs3, rm); break;
    case Op.FMSUB_S: flags = fpu.fmsub_s(f, rd, rs1, rs2, rs3, rm); break;
    case Op.FNMSUB_S: flags = fpu.fnmsub_s(f, rd, rs1, rs2, rs3, rm); break;
    case Op.FNMADD_S: flags = fpu.fnmadd_s(f, rd, rs1, rs2, rs3, rm); break;
    case Op.FADD_S: flags = fpu.fadd_s(f, rd, rs1, rs2, rm); break;
    case Op.FSUB_S: flags = fpu.fsub_s(f, rd, rs1, rs2, rm); break;
    case Op.FMUL_S: flags = fpu.fmul_s(f, rd, rs1, rs2, rm); break;
    case Op.FDIV_S: flags = fpu.fdiv_s(f, rd, rs1, rs2, rm); break;
    case Op.FSQRT_S: flags = fpu.fsqrt_s(f, rd, rs1, rm); break;
    case Op.FMADD_D: flags = fpu.fmadd_d(f, rd, rs1, rs2, rs3, rm); break;
    case Op.FMSUB_D: flags = fpu.fmsub_d(f, rd, rs1, rs2, rs3, rm); break;
    case Op.FNMSUB_D: flags = fpu.fnmsub_d(f, rd, rs1, rs2, rs3, rm); break;
    case Op.FNMADD_D: flags = fpu.fnmadd_d(f, rd, rs1, rs2, rs3, rm); break;
    case Op.FADD_D: flags = fpu.fadd_d(f, rd, rs1, rs2, rm); break;
    case Op.FSUB_D: flags = fpu.fsub_d(f, rd, rs1, rs2, rm); break;
    case Op.FMUL_D: flags = fpu.fmul_d(f, rd, rs1, rs2, rm); break;
    case Op.FDIV_D: flags = fpu.fdiv_d(f, rd, rs1, rs2, rm); break;
    case Op.FSQRT_D: flags = fpu.fsqrt_d(f, rd, rs1, rm); break;
    case Op.FCVT_S_D: flags = fpu.fcvt_s_d(f, rd, rs1, rm); break;
    case Op.FCVT_D_S: flags = fpu.fcvt_d_s(f, rd, rs1, rm); break;
    case Op.FCVT_S_W: flags = fpu.fcvt_s_w(f, rd, x, rs1, rm); break;
    case Op.FCVT_S_WU: flags = fpu.fcvt_s_wu(f, rd, x, rs1, rm); break;
    case Op.FCVT_S_L: flags = fpu.fcvt_s_l(f, rd, x, rs1, rm); break;
    case Op.FCVT_S_LU: flags = fpu.fcvt_s_lu(f, rd, x, rs1, rm); break;
    case Op.FCVT_D_W: flags = fpu.fcvt_d_w(f, rd, x, rs1, rm); break;
    case Op.FCVT_D_WU: flags = fpu.fcvt_d_wu(f, rd, x, rs1, rm); break;
    case Op.FCVT_D_L: flags = fpu.fcvt_d_l(f, rd, x, rs1, rm); break;
    case Op.FCVT_D_LU: flags = fpu.fcvt_d_lu(f, rd, x, rs1, rm); break;
    default:
      writesF = false;
      switch (d.op) {
        case Op.FCVT_W_S: flags = fpu.fcvt_w_s(f, x, rd, rs1, rm); break;
        case Op.FCVT_WU_S: flags = fpu.fcvt_wu_s(f, x, rd, rs1, rm); break;
        case Op.FCVT_L_S: flags = fpu.fcvt_l_s(f, x, rd, rs1, rm); break;
        case Op.FCVT_LU_S: flags = fpu.fcvt_lu_s(f, x, rd, rs1, rm); break;
        case Op.FCVT_W_D: flags = fpu.fcvt_w_d(f, x, rd, rs1, rm); break;
        case Op.FCVT_WU_D: flags = fpu.fcvt_wu_d(f, x, rd, rs1, rm); break;
        case Op.FCVT_L_D: flags = fpu.fcvt_l_d(f, x, rd, rs1, rm); break;
        case Op.FCVT_LU_D: flags = fpu.fcvt_lu_d(f, x, rd, rs1, rm); break;
        default: return core.illegal(d);
      }
  }
  accrue(core, flags, writesF);
}
