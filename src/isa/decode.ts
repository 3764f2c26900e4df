import type { Decoded } from './decoded.js';
import { decodeCompressedInto, illegal, set } from './decode-compressed.js';
import { Op } from './opcodes.js';

/** True if the low two bits of `raw` mark a 16-bit compressed instruction. */
export function isCompressed(raw: number): boolean {
  return (raw & 3) !== 3;
}

/** The length in bytes (2 or 4) of the instruction whose first parcel is `raw`. */
export function instructionLength(raw: number): 2 | 4 {
  return (raw & 3) !== 3 ? 2 : 4;
}


const LOADS: readonly Op[] = [Op.LB, Op.LH, Op.LW, Op.LD, Op.LBU, Op.LHU, Op.LWU, Op.ILLEGAL];
const STORES: readonly Op[] = [Op.SB, Op.SH, Op.SW, Op.SD, Op.ILLEGAL, Op.ILLEGAL, Op.ILLEGAL, Op.ILLEGAL];
const BRANCHES: readonly Op[] = [Op.BEQ, Op.BNE, Op.ILLEGAL, Op.ILLEGAL, Op.BLT, Op.BGE, Op.BLTU, Op.BGEU];
const OP_IMM: readonly Op[] = [Op.ADDI, Op.SLLI, Op.SLTI, Op.SLTIU, Op.XORI, Op.SRLI, Op.ORI, Op.ANDI];
const OP_BASE: readonly Op[] = [Op.ADD, Op.SLL, Op.SLT, Op.SLTU, Op.XOR, Op.SRL, Op.OR, Op.AND];
const OP_MUL: readonly Op[] = [Op.MUL, Op.MULH, Op.MULHSU, Op.MULHU, Op.DIV, Op.DIVU, Op.REM, Op.REMU];
const OP_32_MUL: readonly Op[] = [Op.MULW, Op.ILLEGAL, Op.ILLEGAL, Op.ILLEGAL, Op.DIVW, Op.DIVUW, Op.REMW, Op.REMUW];
const CSR_OPS: readonly Op[] = [Op.ILLEGAL, Op.CSRRW, Op.CSRRS, Op.CSRRC, Op.ILLEGAL, Op.CSRRWI, Op.CSRRSI, Op.CSRRCI];
/** AMO operations indexed by funct5 (bits 31..27), word forms; the doubleword form is at a fixed distance. */
const AMO_BY_FUNCT5: readonly Op[] = (() => {
  const table: Op[] = new Array<Op>(32).fill(Op.ILLEGAL);
  table[0x02] = Op.LR_W; table[0x03] = Op.SC_W; table[0x01] = Op.AMOSWAP_W; table[0x00] = Op.AMOADD_W;
  table[0x04] = Op.AMOXOR_W; table[0x0c] = Op.AMOAND_W; table[0x08] = Op.AMOOR_W; table[0x10] = Op.AMOMIN_W;
  table[0x14] = Op.AMOMAX_W; table[0x18] = Op.AMOMINU_W; table[0x1c] = Op.AMOMAXU_W;
  return table;
})();
const AMO_D_DISTANCE = Op.LR_D - Op.LR_W;
/** Distance in `Op` from an F operation to its D twin, for operations listed before `FCVT_S_D`. */
const D_DISTANCE = Op.FMADD_D - Op.FMADD_S;
/** The same distance for operations after `FCVT_D_S` (`Op` lists the two F<->D conversions only once). */
const D_DISTANCE_LATE = Op.FCVT_W_D - Op.FCVT_W_S;

function decodeAmo(insn: number, out: Decoded, rd: number, funct3: number, rs1: number, rs2: number): Decoded {
  const wordOp = AMO_BY_FUNCT5[insn >>> 27]!;
  if (wordOp === Op.ILLEGAL || (funct3 !== 2 && funct3 !== 3)) return illegal(out);
  if (wordOp === Op.LR_W && rs2 !== 0) return illegal(out);
  out.rm = (insn >>> 25) & 3;
  return set(out, funct3 === 2 ? wordOp : wordOp + AMO_D_DISTANCE, rd, rs1, rs2, 0);
}

function decodeSystem(insn: number, out: Decoded, rd: number, funct3: number, rs1: number, rs2: number): Decoded {
  if (funct3 !== 0) {
    const op = CSR_OPS[funct3]!;
    return op === Op.ILLEGAL ? illegal(out) : set(out, op, rd, rs1, 0, insn >>> 20);
  }
  switch (insn) {
    case 0x00000073: return set(out, Op.ECALL, 0, 0, 0, 0);
    case 0x00100073: return set(out, Op.EBREAK, 0, 0, 0, 0);
    case 0x30200073: return set(out, Op.MRET, 0, 0, 0, 0);
    case 0x10200073: return set(out, Op.SRET, 0, 0, 0, 0);
    case 0x10500073: return set(out, Op.WFI, 0, 0, 0, 0);
  }
  if (insn >>> 25 === 0x09 && rd === 0) return set(out, Op.SFENCE_VMA, 0, rs1, rs2, 0);
  return illegal(out);
}

/** OP-FP (major opcode 0x53) for single (fmt 0) and double (fmt 1) precision. */
function decodeOpFp(insn: number, out: Decoded, rd: number, funct3: number, rs1: number, rs2: number): Decoded {
  const fmt = (insn >>> 25) & 3;
  if (fmt > 1) return illegal(out);
  const d = fmt === 1 ? D_DISTANCE : 0;
  const late = fmt === 1 ? D_DISTANCE_LATE : 0;
  out.rm = funct3;
  switch (insn >>> 27) {
    case 0x00: return set(out, Op.FADD_S + d, rd, rs1, rs2, 0);
    case 0x01: return set(out, Op.FSUB_S + d, rd, rs1, rs2, 0);
    case 0x02: return set(out, Op.FMUL_S + d, rd, rs1, rs2, 0);
    case 0x03: return set(out, Op.FDIV_S + d, rd, rs1, rs2, 0);
    case 0x0b: return rs2 === 0 ? set(out, Op.FSQRT_S + d, rd, rs1, 0, 0) : illegal(out);
    case 0x04:
      out.rm = 0;
      if (funct3 > 2) return illegal(out);
      return set(out, Op.FSGNJ_S + d + funct3, rd, rs1, rs2, 0);
    case 0x05:
      out.rm = 0;
      if (funct3 > 1) return illegal(out);
      return set(out, Op.FMIN_S + d + funct3, rd, rs1, rs2, 0);
    case 0x08:
      if (fmt === 0 && rs2 === 1) return set(out, Op.FCVT_S_D, rd, rs1, 0, 0);
      if (fmt === 1 && rs2 === 0) return set(out, Op.FCVT_D_S, rd, rs1, 0, 0);
      return illegal(out);
    case 0x14:
      out.rm = 0;
      if (funct3 === 2) return set(out, Op.FEQ_S + late, rd, rs1, rs2, 0);
      if (funct3 === 1) return set(out, Op.FLT_S + late, rd, rs1, rs2, 0);
      if (funct3 === 0) return set(out, Op.FLE_S + late, rd, rs1, rs2, 0);
      return illegal(out);
    case 0x18: return rs2 < 4 ? set(out, Op.FCVT_W_S + late + rs2, rd, rs1, 0, 0) : illegal(out);
    case 0x1a: return rs2 < 4 ? set(out, Op.FCVT_S_W + late + rs2, rd, rs1, 0, 0) : illegal(out);
    case 0x1c:
      out.rm = 0;
      if (rs2 !== 0) return illegal(out);
      if (funct3 === 0) return set(out, fmt === 0 ? Op.FMV_X_W : Op.FMV_X_D, rd, rs1, 0, 0);
      if (funct3 === 1) return set(out, Op.FCLASS_S + late, rd, rs1, 0, 0);
      return illegal(out);
    case 0x1e:
      out.rm = 0;
      if (rs2 !== 0 || funct3 !== 0) return illegal(out);
      return set(out, fmt === 0 ? Op.FMV_W_X : Op.FMV_D_X, rd, rs1, 0, 0);
    default: return illegal(out);
  }
}

function decode32Into(insn: number, out: Decoded): Decoded {
  const opcode = insn & 0x7f;
  const rd = (insn >>> 7) & 31;
  const funct3 = (insn >>> 12) & 7;
  const rs1 = (insn >>> 15) & 31;
  const rs2 = (insn >>> 20) & 31;
  const funct7 = insn >>> 25;
  out.rs3 = 0;
  out.rm = 0;
  out.len = 4;
  out.raw = insn;
  switch (opcode) {
    case 0x37: return set(out, Op.LUI, rd, 0, 0, insn & 0xfffff000);
    case 0x17: return set(out, Op.AUIPC, rd, 0, 0, insn & 0xfffff000);
    case 0x6f:
      return set(out, Op.JAL, rd, 0, 0,
        ((insn >> 31) << 20) | (insn & 0xff000) | (((insn >>> 20) & 1) << 11) | (((insn >>> 21) & 0x3ff) << 1));
    case 0x67: return funct3 === 0 ? set(out, Op.JALR, rd, rs1, 0, insn >> 20) : illegal(out);
    case 0x63: {
      const op = BRANCHES[funct3]!;
      if (op === Op.ILLEGAL) return illegal(out);
      return set(out, op, 0, rs1, rs2,
        ((insn >> 31) << 12) | (((insn >>> 7) & 1) << 11) | (((insn >>> 25) & 0x3f) << 5) | (((insn >>> 8) & 0xf) << 1));
    }
    case 0x03: {
      const op = LOADS[funct3]!;
      return op === Op.ILLEGAL ? illegal(out) : set(out, op, rd, rs1, 0, insn >> 20);
    }
    case 0x23: {
      const op = STORES[funct3]!;
      return op === Op.ILLEGAL ? illegal(out) : set(out, op, 0, rs1, rs2, ((insn >> 25) << 5) | rd);
    }
    case 0x13: {
      const op = OP_IMM[funct3]!;
      if (funct3 === 1) return insn >>> 26 === 0 ? set(out, op, rd, rs1, 0, (insn >>> 20) & 63) : illegal(out);
      if (funct3 === 5) {
        const funct6 = insn >>> 26;
        if (funct6 === 0) return set(out, Op.SRLI, rd, rs1, 0, (insn >>> 20) & 63);
        if (funct6 === 0x10) return set(out, Op.SRAI, rd, rs1, 0, (insn >>> 20) & 63);
        return illegal(out);
      }
      return set(out, op, rd, rs1, 0, insn >> 20);
    }
    case 0x1b:
      if (funct3 === 0) return set(out, Op.ADDIW, rd, rs1, 0, insn >> 20);
      if (funct3 === 1 && funct7 === 0) return set(out, Op.SLLIW, rd, rs1, 0, rs2);
      if (funct3 === 5 && funct7 === 0) return set(out, Op.SRLIW, rd, rs1, 0, rs2);
      if (funct3 === 5 && funct7 === 0x20) return set(out, Op.SRAIW, rd, rs1, 0, rs2);
      return illegal(out);
    case 0x33:
      if (funct7 === 0) return set(out, OP_BASE[funct3]!, rd, rs1, rs2, 0);
      if (funct7 === 1) return set(out, OP_MUL[funct3]!, rd, rs1, rs2, 0);
      if (funct7 === 0x20 && funct3 === 0) return set(out, Op.SUB, rd, rs1, rs2, 0);
      if (funct7 === 0x20 && funct3 === 5) return set(out, Op.SRA, rd, rs1, rs2, 0);
      return illegal(out);
    case 0x3b:
      if (funct7 === 1) {
        const op = OP_32_MUL[funct3]!;
        return op === Op.ILLEGAL ? illegal(out) : set(out, op, rd, rs1, rs2, 0);
      }
      if (funct7 === 0 && funct3 === 0) return set(out, Op.ADDW, rd, rs1, rs2, 0);
      if (funct7 === 0 && funct3 === 1) return set(out, Op.SLLW, rd, rs1, rs2, 0);
      if (funct7 === 0 && funct3 === 5) return set(out, Op.SRLW, rd, rs1, rs2, 0);
      if (funct7 === 0x20 && funct3 === 0) return set(out, Op.SUBW, rd, rs1, rs2, 0);
      if (funct7 === 0x20 && funct3 === 5) return set(out, Op.SRAW, rd, rs1, rs2, 0);
      return illegal(out);
    case 0x0f:
      if (funct3 === 0) return set(out, Op.FENCE, rd, rs1, 0, insn >>> 20);
      if (funct3 === 1) return set(out, Op.FENCE_I, rd, rs1, 0, insn >>> 20);
      return illegal(out);
    case 0x73: return decodeSystem(insn, out, rd, funct3, rs1, rs2);
    case 0x2f: return decodeAmo(insn, out, rd, funct3, rs1, rs2);
    case 0x07:
      if (funct3 === 2) return set(out, Op.FLW, rd, rs1, 0, insn >> 20);
      if (funct3 === 3) return set(out, Op.FLD, rd, rs1, 0, insn >> 20);
      return illegal(out);
    case 0x27:
      if (funct3 === 2) return set(out, Op.FSW, 0, rs1, rs2, ((insn >> 25) << 5) | rd);
      if (funct3 === 3) return set(out, Op.FSD, 0, rs1, rs2, ((insn >> 25) << 5) | rd);
      return illegal(out);
    case 0x43: case 0x47: case 0x4b: case 0x4f: {
      const fmt = (insn >>> 25) & 3;
      if (fmt > 1) return illegal(out);
      out.rs3 = insn >>> 27;
      out.rm = funct3;
      return set(out, Op.FMADD_S + ((opcode - 0x43) >> 2) + (fmt === 1 ? D_DISTANCE : 0), rd, rs1, rs2, 0);
    }
    case 0x53: return decodeOpFp(insn, out, rd, funct3, rs1, rs2);
    default: return illegal(out);
  }
}

/**
 * Decodes the instruction whose bits are in `raw` into `out` (and returns
 * `out`): a compressed instruction (low 16 bits, when `raw & 3 !== 3`)
 * decodes to the base operation it expands to with `len = 2`; otherwise the
 * low 32 bits decode. Reserved and unsupported encodings give `Op.ILLEGAL`
 * (every field of `out` is rewritten either way).
 */
export function decodeInto(raw: number, out: Decoded): Decoded {
  if ((raw & 3) !== 3) return decodeCompressedInto(raw & 0xffff, out);
  return decode32Into(raw >>> 0, out);
}

/** Decodes `raw` into a new {@link Decoded} (see {@link decodeInto}). */
export function decode(raw: number): Decoded {
  return decodeInto(raw, { op: Op.ILLEGAL, rd: 0, rs1: 0, rs2: 0, rs3: 0, imm: 0, rm: 0, len: 4, raw: 0 });
}
