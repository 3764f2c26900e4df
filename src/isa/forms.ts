import { Op } from './opcodes.js';

/**
 * The 32-bit instruction forms of RV64GC: for every operation its mnemonic,
 * its fixed bits and its operand list. One table drives the encoder, the
 * assembler and the disassembler (the decoder is a hand-written switch for
 * speed, checked against this table by the tests).
 *
 * Operand letters (comma separated in `args`):
 * - `d` `s` `t`: integer rd, rs1, rs2; `D` `S` `T` `R`: FP rd, rs1, rs2, rs3;
 * - `j`: signed 12-bit immediate (bits 31..20); `u`: 20-bit upper immediate;
 * - `o`: `offset(rs1)` of a load (I immediate); `q`: `offset(rs1)` of a store (S immediate);
 * - `A`: `(rs1)` of an atomic;
 * - `p`: branch target; `a`: jump target;
 * - `>`: 6-bit shift amount; `<`: 5-bit shift amount;
 * - `E`: CSR; `Z`: 5-bit CSR immediate (in rs1);
 * - `m`: rounding mode (optional in assembly, printed unless dynamic);
 * - `P` `Q`: fence predecessor and successor sets.
 */
export interface InstructionForm {
  /** The operation. */
  readonly op: Op;
  /** The GNU mnemonic, without `.aq`/`.rl` suffixes. */
  readonly name: string;
  /** Operand letters (see above), e.g. `d,s,j`. */
  readonly args: readonly string[];
  /** Fixed bits of the encoding. */
  readonly match: number;
  /** True for A-extension operations: `aq` and `rl` live in bits 26..25. */
  readonly atomic: boolean;
  /** The rounding mode GNU as uses when the source names none (7 = dyn). */
  readonly defaultRm: number;
}

const enum Major {
  LOAD = 0x03, LOAD_FP = 0x07, MISC_MEM = 0x0f, OP_IMM = 0x13, AUIPC = 0x17, OP_IMM_32 = 0x1b,
  STORE = 0x23, STORE_FP = 0x27, AMO = 0x2f, OP = 0x33, LUI = 0x37, OP_32 = 0x3b,
  MADD = 0x43, MSUB = 0x47, NMSUB = 0x4b, NMADD = 0x4f, OP_FP = 0x53,
  BRANCH = 0x63, JALR = 0x67, JAL = 0x6f, SYSTEM = 0x73,
}

const forms: InstructionForm[] = [];

function add(op: Op, name: string, args: string, match: number, defaultRm = 7): void {
  forms.push({ op, name, args: args === '' ? [] : args.split(','), match: match >>> 0, atomic: false, defaultRm });
}

function f3(major: number, funct3: number): number {
  return major | (funct3 << 12);
}

function r(major: number, funct3: number, funct7: number): number {
  return major | (funct3 << 12) | (funct7 << 25);
}

add(Op.LUI, 'lui', 'd,u', Major.LUI);
add(Op.AUIPC, 'auipc', 'd,u', Major.AUIPC);
add(Op.JAL, 'jal', 'd,a', Major.JAL);
add(Op.JALR, 'jalr', 'd,o', Major.JALR);
([[Op.BEQ, 'beq', 0], [Op.BNE, 'bne', 1], [Op.BLT, 'blt', 4], [Op.BGE, 'bge', 5], [Op.BLTU, 'bltu', 6], [Op.BGEU, 'bgeu', 7]] as const)
  .forEach(([op, name, funct3]) => add(op, name, 's,t,p', f3(Major.BRANCH, funct3)));
([[Op.LB, 'lb', 0], [Op.LH, 'lh', 1], [Op.LW, 'lw', 2], [Op.LD, 'ld', 3], [Op.LBU, 'lbu', 4], [Op.LHU, 'lhu', 5], [Op.LWU, 'lwu', 6]] as const)
  .forEach(([op, name, funct3]) => add(op, name, 'd,o', f3(Major.LOAD, funct3)));
([[Op.SB, 'sb', 0], [Op.SH, 'sh', 1], [Op.SW, 'sw', 2], [Op.SD, 'sd', 3]] as const)
  .forEach(([op, name, funct3]) => add(op, name, 't,q', f3(Major.STORE, funct3)));
([[Op.ADDI, 'addi', 0], [Op.SLTI, 'slti', 2], [Op.SLTIU, 'sltiu', 3], [Op.XORI, 'xori', 4], [Op.ORI, 'ori', 6], [Op.ANDI, 'andi', 7]] as const)
  .forEach(([op, name, funct3]) => add(op, name, 'd,s,j', f3(Major.OP_IMM, funct3)));
add(Op.SLLI, 'slli', 'd,s,>', r(Major.OP_IMM, 1, 0));
add(Op.SRLI, 'srli', 'd,s,>', r(Major.OP_IMM, 5, 0));
add(Op.SRAI, 'srai', 'd,s,>', r(Major.OP_IMM, 5, 0x20));
([[Op.ADD, 'add', 0, 0], [Op.SUB, 'sub', 0, 0x20], [Op.SLL, 'sll', 1, 0], [Op.SLT, 'slt', 2, 0], [Op.SLTU, 'sltu', 3, 0],
  [Op.XOR, 'xor', 4, 0], [Op.SRL, 'srl', 5, 0], [Op.SRA, 'sra', 5, 0x20], [Op.OR, 'or', 6, 0], [Op.AND, 'and', 7, 0],
  [Op.MUL, 'mul', 0, 1], [Op.MULH, 'mulh', 1, 1], [Op.MULHSU, 'mulhsu', 2, 1], [Op.MULHU, 'mulhu', 3, 1],
  [Op.DIV, 'div', 4, 1], [Op.DIVU, 'divu', 5, 1], [Op.REM, 'rem', 6, 1], [Op.REMU, 'remu', 7, 1]] as const)
  .forEach(([op, name, funct3, funct7]) => add(op, name, 'd,s,t', r(Major.OP, funct3, funct7)));
add(Op.ADDIW, 'addiw', 'd,s,j', f3(Major.OP_IMM_32, 0));
add(Op.SLLIW, 'slliw', 'd,s,<', r(Major.OP_IMM_32, 1, 0));
add(Op.SRLIW, 'srliw', 'd,s,<', r(Major.OP_IMM_32, 5, 0));
add(Op.SRAIW, 'sraiw', 'd,s,<', r(Major.OP_IMM_32, 5, 0x20));
([[Op.ADDW, 'addw', 0, 0], [Op.SUBW, 'subw', 0, 0x20], [Op.SLLW, 'sllw', 1, 0], [Op.SRLW, 'srlw', 5, 0], [Op.SRAW, 'sraw', 5, 0x20],
  [Op.MULW, 'mulw', 0, 1], [Op.DIVW, 'divw', 4, 1], [Op.DIVUW, 'divuw', 5, 1], [Op.REMW, 'remw', 6, 1], [Op.REMUW, 'remuw', 7, 1]] as const)
  .forEach(([op, name, funct3, funct7]) => add(op, name, 'd,s,t', r(Major.OP_32, funct3, funct7)));
add(Op.FENCE, 'fence', 'P,Q', f3(Major.MISC_MEM, 0));
add(Op.FENCE_I, 'fence.i', '', f3(Major.MISC_MEM, 1));
add(Op.ECALL, 'ecall', '', 0x00000073);
add(Op.EBREAK, 'ebreak', '', 0x00100073);
add(Op.MRET, 'mret', '', 0x30200073);
add(Op.SRET, 'sret', '', 0x10200073);
add(Op.WFI, 'wfi', '', 0x10500073);
add(Op.SFENCE_VMA, 'sfence.vma', 's,t', r(Major.SYSTEM, 0, 0x09));
([[Op.CSRRW, 'csrrw', 1], [Op.CSRRS, 'csrrs', 2], [Op.CSRRC, 'csrrc', 3]] as const)
  .forEach(([op, name, funct3]) => add(op, name, 'd,E,s', f3(Major.SYSTEM, funct3)));
([[Op.CSRRWI, 'csrrwi', 5], [Op.CSRRSI, 'csrrsi', 6], [Op.CSRRCI, 'csrrci', 7]] as const)
  .forEach(([op, name, funct3]) => add(op, name, 'd,E,Z', f3(Major.SYSTEM, funct3)));

const AMO_FUNCT5: readonly [string, number][] = [
  ['sc', 0x03], ['amoswap', 0x01], ['amoadd', 0x00], ['amoxor', 0x04], ['amoand', 0x0c],
  ['amoor', 0x08], ['amomin', 0x10], ['amomax', 0x14], ['amominu', 0x18], ['amomaxu', 0x1c],
];
function addAtomics(lr: Op, first: Op, width: 'w' | 'd'): void {
  const funct3 = width === 'w' ? 2 : 3;
  forms.push({ op: lr, name: `lr.${width}`, args: ['d', 'A'], match: r(Major.AMO, funct3, 0x02 << 2), atomic: true, defaultRm: 0 });
  AMO_FUNCT5.forEach(([name, funct5], i) => {
    forms.push({
      op: (first + i) as Op, name: `${name}.${width}`, args: ['d', 't', 'A'],
      match: r(Major.AMO, funct3, funct5 << 2), atomic: true, defaultRm: 0,
    });
  });
}
addAtomics(Op.LR_W, Op.SC_W, 'w');
addAtomics(Op.LR_D, Op.SC_D, 'd');

function addFloat(precision: 's' | 'd'): void {
  const S = precision === 's';
  const fmt = S ? 0 : 1;
  const pick = (single: Op, double: Op): Op => (S ? single : double);
  const fp = (funct5: number, rs2 = 0, funct3 = 0): number =>
    r(Major.OP_FP, funct3, (funct5 << 2) | fmt) | (rs2 << 20);
  const p = precision;
  add(pick(Op.FLW, Op.FLD), S ? 'flw' : 'fld', 'D,o', f3(Major.LOAD_FP, S ? 2 : 3));
  add(pick(Op.FSW, Op.FSD), S ? 'fsw' : 'fsd', 'T,q', f3(Major.STORE_FP, S ? 2 : 3));
  add(pick(Op.FMADD_S, Op.FMADD_D), `fmadd.${p}`, 'D,S,T,R,m', Major.MADD | (fmt << 25));
  add(pick(Op.FMSUB_S, Op.FMSUB_D), `fmsub.${p}`, 'D,S,T,R,m', Major.MSUB | (fmt << 25));
  add(pick(Op.FNMSUB_S, Op.FNMSUB_D), `fnmsub.${p}`, 'D,S,T,R,m', Major.NMSUB | (fmt << 25));
  add(pick(Op.FNMADD_S, Op.FNMADD_D), `fnmadd.${p}`, 'D,S,T,R,m', Major.NMADD | (fmt << 25));
  add(pick(Op.FADD_S, Op.FADD_D), `fadd.${p}`, 'D,S,T,m', fp(0x00));
  add(pick(Op.FSUB_S, Op.FSUB_D), `fsub.${p}`, 'D,S,T,m', fp(0x01));
  add(pick(Op.FMUL_S, Op.FMUL_D), `fmul.${p}`, 'D,S,T,m', fp(0x02));
  add(pick(Op.FDIV_S, Op.FDIV_D), `fdiv.${p}`, 'D,S,T,m', fp(0x03));
  add(pick(Op.FSQRT_S, Op.FSQRT_D), `fsqrt.${p}`, 'D,S,m', fp(0x0b));
  add(pick(Op.FSGNJ_S, Op.FSGNJ_D), `fsgnj.${p}`, 'D,S,T', fp(0x04, 0, 0));
  add(pick(Op.FSGNJN_S, Op.FSGNJN_D), `fsgnjn.${p}`, 'D,S,T', fp(0x04, 0, 1));
  add(pick(Op.FSGNJX_S, Op.FSGNJX_D), `fsgnjx.${p}`, 'D,S,T', fp(0x04, 0, 2));
  add(pick(Op.FMIN_S, Op.FMIN_D), `fmin.${p}`, 'D,S,T', fp(0x05, 0, 0));
  add(pick(Op.FMAX_S, Op.FMAX_D), `fmax.${p}`, 'D,S,T', fp(0x05, 0, 1));
  if (S) add(Op.FCVT_S_D, 'fcvt.s.d', 'D,S,m', fp(0x08, 1));
  else add(Op.FCVT_D_S, 'fcvt.d.s', 'D,S,m', fp(0x08, 0), 0);
  add(pick(Op.FCVT_W_S, Op.FCVT_W_D), `fcvt.w.${p}`, 'd,S,m', fp(0x18, 0));
  add(pick(Op.FCVT_WU_S, Op.FCVT_WU_D), `fcvt.wu.${p}`, 'd,S,m', fp(0x18, 1));
  add(pick(Op.FCVT_L_S, Op.FCVT_L_D), `fcvt.l.${p}`, 'd,S,m', fp(0x18, 2));
  add(pick(Op.FCVT_LU_S, Op.FCVT_LU_D), `fcvt.lu.${p}`, 'd,S,m', fp(0x18, 3));
  add(pick(Op.FMV_X_W, Op.FMV_X_D), S ? 'fmv.x.w' : 'fmv.x.d', 'd,S', fp(0x1c, 0, 0));
  add(pick(Op.FEQ_S, Op.FEQ_D), `feq.${p}`, 'd,S,T', fp(0x14, 0, 2));
  add(pick(Op.FLT_S, Op.FLT_D), `flt.${p}`, 'd,S,T', fp(0x14, 0, 1));
  add(pick(Op.FLE_S, Op.FLE_D), `fle.${p}`, 'd,S,T', fp(0x14, 0, 0));
  add(pick(Op.FCLASS_S, Op.FCLASS_D), `fclass.${p}`, 'd,S', fp(0x1c, 0, 1));
  const exactFromWord = S ? 7 : 0;
  add(pick(Op.FCVT_S_W, Op.FCVT_D_W), `fcvt.${p}.w`, 'D,s,m', fp(0x1a, 0), exactFromWord);
  add(pick(Op.FCVT_S_WU, Op.FCVT_D_WU), `fcvt.${p}.wu`, 'D,s,m', fp(0x1a, 1), exactFromWord);
  add(pick(Op.FCVT_S_L, Op.FCVT_D_L), `fcvt.${p}.l`, 'D,s,m', fp(0x1a, 2));
  add(pick(Op.FCVT_S_LU, Op.FCVT_D_LU), `fcvt.${p}.lu`, 'D,s,m', fp(0x1a, 3));
  add(pick(Op.FMV_W_X, Op.FMV_D_X), S ? 'fmv.w.x' : 'fmv.d.x', 'D,s', fp(0x1e, 0, 0));
}
addFloat('s');
addFloat('d');

/** Every 32-bit instruction form, one per operation (all of `Op` except `ILLEGAL`). */
export const INSTRUCTION_FORMS: readonly InstructionForm[] = forms;

const byOp: (InstructionForm | undefined)[] = [];
const byName = new Map<string, InstructionForm>();
for (const form of forms) {
  byOp[form.op] = form;
  byName.set(form.name, form);
}

/** The form of an operation; `undefined` for `Op.ILLEGAL`. */
export function formOf(op: Op): InstructionForm | undefined {
  return byOp[op];
}

/** The form with a GNU mnemonic (without `.aq`/`.rl`); `undefined` if none. */
export function formByName(name: string): InstructionForm | undefined {
  return byName.get(name);
}
