import type { Decoded } from './decoded.js';
import { Op } from './opcodes.js';

/**
 * RV64C decoding: every 16-bit parcel decodes to the base operation it
 * expands to (spec table "RVC instruction set listings"), with `len = 2`.
 * Reserved encodings decode to `Op.ILLEGAL`; HINTs (e.g. `c.addi x0, 1`,
 * `c.li x0, 1`, `c.slli` with shamt 0) are legal and expand to their
 * base forms, as QEMU executes them.
 */

const SP = 2;

/** Fills `out` as an instruction with the given operation and operand fields. */
export function set(out: Decoded, op: Op, rd: number, rs1: number, rs2: number, imm: number): Decoded {
  out.op = op;
  out.rd = rd;
  out.rs1 = rs1;
  out.rs2 = rs2;
  out.imm = imm;
  return out;
}

/** Fills `out` as the illegal instruction. */
export function illegal(out: Decoded): Decoded {
  return set(out, Op.ILLEGAL, 0, 0, 0, 0);
}

/** CI-format signed 6-bit immediate: imm[5] = bit 12, imm[4:0] = bits 6..2. */
function ciImmediate(c: number): number {
  return (((c << 19) >> 26) & ~31) | ((c >>> 2) & 31);
}

/** CB-format branch offset: offset[8|4:3] = bits 12..10, offset[7:6|2:1|5] = bits 6..2. */
function branchOffset(c: number): number {
  return (((c << 19) >> 31) << 8) | (((c >>> 10) & 3) << 3) | (((c >>> 5) & 3) << 6) | (((c >>> 3) & 3) << 1) | (((c >>> 2) & 1) << 5);
}

/** CJ-format jump offset: offset[11|4|9:8|10|6|7|3:1|5] = bits 12..2. */
function jumpOffset(c: number): number {
  return (((c << 19) >> 31) << 11) | (((c >>> 11) & 1) << 4) | (((c >>> 9) & 3) << 8) | (((c >>> 8) & 1) << 10)
    | (((c >>> 7) & 1) << 6) | (((c >>> 6) & 1) << 7) | (((c >>> 3) & 7) << 1) | (((c >>> 2) & 1) << 5);
}

/** CL/CS word offset: uimm[5:3] = bits 12..10, uimm[2] = bit 6, uimm[6] = bit 5. */
function wordOffset(c: number): number {
  return (((c >>> 10) & 7) << 3) | (((c >>> 6) & 1) << 2) | (((c >>> 5) & 1) << 6);
}

/** CL/CS doubleword offset: uimm[5:3] = bits 12..10, uimm[7:6] = bits 6..5. */
function doubleOffset(c: number): number {
  return (((c >>> 10) & 7) << 3) | (((c >>> 5) & 3) << 6);
}

function quadrant0(c: number, out: Decoded): Decoded {
  const rs1 = ((c >>> 7) & 7) + 8;
  const rdOrRs2 = ((c >>> 2) & 7) + 8;
  switch (c >>> 13) {
    case 0: {
      const nzuimm = (((c >>> 11) & 3) << 4) | (((c >>> 7) & 15) << 6) | (((c >>> 6) & 1) << 2) | (((c >>> 5) & 1) << 3);
      return nzuimm === 0 ? illegal(out) : set(out, Op.ADDI, rdOrRs2, SP, 0, nzuimm);
    }
    case 1: return set(out, Op.FLD, rdOrRs2, rs1, 0, doubleOffset(c));
    case 2: return set(out, Op.LW, rdOrRs2, rs1, 0, wordOffset(c));
    case 3: return set(out, Op.LD, rdOrRs2, rs1, 0, doubleOffset(c));
    case 5: return set(out, Op.FSD, 0, rs1, rdOrRs2, doubleOffset(c));
    case 6: return set(out, Op.SW, 0, rs1, rdOrRs2, wordOffset(c));
    case 7: return set(out, Op.SD, 0, rs1, rdOrRs2, doubleOffset(c));
    default: return illegal(out);
  }
}

const ARITHMETIC: readonly Op[] = [Op.SUB, Op.XOR, Op.OR, Op.AND, Op.SUBW, Op.ADDW, Op.ILLEGAL, Op.ILLEGAL];

function quadrant1(c: number, out: Decoded): Decoded {
  const rd = (c >>> 7) & 31;
  switch (c >>> 13) {
    case 0: return set(out, Op.ADDI, rd, rd, 0, ciImmediate(c));
    case 1: return rd === 0 ? illegal(out) : set(out, Op.ADDIW, rd, rd, 0, ciImmediate(c));
    case 2: return set(out, Op.ADDI, rd, 0, 0, ciImmediate(c));
    case 3: {
      if (rd === SP) {
        const imm = (((c << 19) >> 31) << 9) | (((c >>> 6) & 1) << 4) | (((c >>> 5) & 1) << 6) | (((c >>> 3) & 3) << 7) | (((c >>> 2) & 1) << 5);
        return imm === 0 ? illegal(out) : set(out, Op.ADDI, SP, SP, 0, imm);
      }
      const imm = ciImmediate(c) << 12;
      return imm === 0 ? illegal(out) : set(out, Op.LUI, rd, 0, 0, imm);
    }
    case 4: {
      const rdPrime = (rd & 7) + 8;
      const shamt = (((c >>> 12) & 1) << 5) | ((c >>> 2) & 31);
      switch ((c >>> 10) & 3) {
        case 0: return set(out, Op.SRLI, rdPrime, rdPrime, 0, shamt);
        case 1: return set(out, Op.SRAI, rdPrime, rdPrime, 0, shamt);
        case 2: return set(out, Op.ANDI, rdPrime, rdPrime, 0, ciImmediate(c));
        default: {
          const op = ARITHMETIC[(((c >>> 12) & 1) << 2) | ((c >>> 5) & 3)]!;
          return op === Op.ILLEGAL ? illegal(out) : set(out, op, rdPrime, rdPrime, ((c >>> 2) & 7) + 8, 0);
        }
      }
    }
    case 5: return set(out, Op.JAL, 0, 0, 0, jumpOffset(c));
    case 6: return set(out, Op.BEQ, 0, (rd & 7) + 8, 0, branchOffset(c));
    default: return set(out, Op.BNE, 0, (rd & 7) + 8, 0, branchOffset(c));
  }
}

function quadrant2(c: number, out: Decoded): Decoded {
  const rd = (c >>> 7) & 31;
  const rs2 = (c >>> 2) & 31;
  const bit12 = (c >>> 12) & 1;
  switch (c >>> 13) {
    case 0: return set(out, Op.SLLI, rd, rd, 0, (bit12 << 5) | rs2);
    case 1: return set(out, Op.FLD, rd, SP, 0, (bit12 << 5) | (((c >>> 5) & 3) << 3) | (((c >>> 2) & 7) << 6));
    case 2:
      if (rd === 0) return illegal(out);
      return set(out, Op.LW, rd, SP, 0, (bit12 << 5) | (((c >>> 4) & 7) << 2) | (((c >>> 2) & 3) << 6));
    case 3:
      if (rd === 0) return illegal(out);
      return set(out, Op.LD, rd, SP, 0, (bit12 << 5) | (((c >>> 5) & 3) << 3) | (((c >>> 2) & 7) << 6));
    case 4:
      if (bit12 === 0) {
        if (rs2 !== 0) return set(out, Op.ADD, rd, 0, rs2, 0);
        return rd === 0 ? illegal(out) : set(out, Op.JALR, 0, rd, 0, 0);
      }
      if (rs2 !== 0) return set(out, Op.ADD, rd, rd, rs2, 0);
      return rd === 0 ? set(out, Op.EBREAK, 0, 0, 0, 0) : set(out, Op.JALR, 1, rd, 0, 0);
    case 5: return set(out, Op.FSD, 0, SP, rs2, (((c >>> 10) & 7) << 3) | (((c >>> 7) & 7) << 6));
    case 6: return set(out, Op.SW, 0, SP, rs2, (((c >>> 9) & 15) << 2) | (((c >>> 7) & 3) << 6));
    default: return set(out, Op.SD, 0, SP, rs2, (((c >>> 10) & 7) << 3) | (((c >>> 7) & 7) << 6));
  }
}

/** Decodes the 16-bit parcel `c` (its low two bits not 3) into `out`; returns `out`. */
export function decodeCompressedInto(c: number, out: Decoded): Decoded {
  out.rs3 = 0;
  out.rm = 0;
  out.len = 2;
  out.raw = c;
  switch (c & 3) {
    case 0: return quadrant0(c, out);
    case 1: return quadrant1(c, out);
    default: return quadrant2(c, out);
  }
}
