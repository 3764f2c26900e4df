import { Op } from '../../isa/opcodes.js';
import type { ExecInsn } from '../interp/code-cache.js';
import { TLB_SIZE } from '../interp/hart-memory.js';
import { emitFpOperation } from './emit-fp.js';

/**
 * Where an instruction sits in its region, for the code emitted for it.
 *
 * The generated region keeps `ic` (icount at the block start), `off` (the
 * byte offset in the page where it stops), `done` (instructions of the block
 * retired when it stops inside one); `vbase` is the virtual page.
 */
export interface InsnSite {
  /** Byte offset of the instruction in its page. */
  readonly offset: number;
  /** Instructions of the block retired before this one. */
  readonly index: number;
  /** Index of the instruction in the region's table of helper-run instructions (`D`). */
  readonly tableIndex: number;
}

const SAFE_HI = 0x100000;

/** Write back the exact pc and icount before a helper that may fault or look at them. */
function sync(site: InsnSite): string {
  return `h.pc = vbase + ${site.offset}; h.icount = ic + ${site.index};`;
}

/**
 * Leave the region before this instruction, for the interpreter to run it.
 * Why only constants here: V8 deoptimises on any operation it has no type
 * feedback for, and code on rare paths has none.
 */
function exitBefore(site: InsnSite): string {
  return `{ done = ${site.index}; off = ${site.offset}; break loop; }`;
}

/** Leave the region after this instruction retires when `condition` holds. */
function exitAfter(site: InsnSite, insn: ExecInsn, condition: string): string {
  return `if (${condition}) { done = ${site.index + 1}; off = ${site.offset + insn.len}; break loop; }`;
}

/** Set x[rd] (halves index) to the sign extension of the int32 expression `value`. */
function setSigned(rd: number, value: string): string {
  return `{ const v = ${value}; x[${rd}] = v; x[${rd + 1}] = v >> 31; }`;
}

/**
 * Compute the data address `x[rs1] + imm` into `a` and its TLB slot into `t`
 * (`a` is exact unless `WILD` holds for the high half `ah`).
 */
function address(insn: ExecInsn): string {
  const r = insn.rs1;
  return `const ah = x[${r + 1}]; const a = ah * 4294967296 + (x[${r}] >>> 0) + ${insn.imm};
    const vpn = Math.floor(a / 4096); const t = vpn & ${TLB_SIZE - 1};`;
}

const WILD = `ah < ${-SAFE_HI} || ah >= ${SAFE_HI}`;

const LOAD_SIZE: Partial<Record<Op, number>> = {
  [Op.LB]: 1, [Op.LH]: 2, [Op.LW]: 4, [Op.LD]: 8, [Op.LBU]: 1, [Op.LHU]: 2, [Op.LWU]: 4, [Op.FLW]: 4, [Op.FLD]: 8,
};

/** Whether the load or store moves an f register (it needs the FPU on, and a load marks mstatus.FS Dirty). */
function isFpTransfer(op: Op): boolean {
  return op === Op.FLW || op === Op.FLD || op === Op.FSW || op === Op.FSD;
}

/** Write the value loaded from RAM offset `o` to x[rd], as the interpreter extends it. */
function loadResult(op: Op, rd: number): string {
  switch (op) {
    case Op.LB: return setSigned(rd, 'view.getInt8(o)');
    case Op.LH: return setSigned(rd, 'view.getInt16(o, true)');
    case Op.LW: return setSigned(rd, 'view.getInt32(o, true)');
    case Op.LD: return `x[${rd}] = view.getInt32(o, true); x[${rd + 1}] = view.getInt32(o + 4, true);`;
    case Op.LBU: return `x[${rd}] = view.getUint8(o); x[${rd + 1}] = 0;`;
    case Op.LHU: return `x[${rd}] = view.getUint16(o, true); x[${rd + 1}] = 0;`;
    case Op.FLW: return `f[${rd}] = view.getInt32(o, true); f[${rd + 1}] = -1; h.markFpDirty();`;
    case Op.FLD: return `f[${rd}] = view.getInt32(o, true); f[${rd + 1}] = view.getInt32(o + 4, true); h.markFpDirty();`;
    default: return `x[${rd}] = view.getInt32(o, true); x[${rd + 1}] = 0;`;
  }
}

/**
 * A load: the TLB fast path into RAM inline; anything else (a miss, a page
 * crossing, a device, a fault) leaves the region for the interpreter.
 */
function emitLoad(site: InsnSite, insn: ExecInsn, size: number): string {
  return `{ ${fpEnabled(site, insn)} ${address(insn)}
    if (${WILD} || loadTag[t] !== vpn || (a & 4095) > ${4096 - size}) ${exitBefore(site)}
    const o = a + loadAdd[t]; ${loadResult(insn.op, insn.rd)} }`;
}

const STORE_SIZE: Partial<Record<Op, number>> = { [Op.SB]: 1, [Op.SH]: 2, [Op.SW]: 4, [Op.SD]: 8, [Op.FSW]: 4, [Op.FSD]: 8 };

/** For an f register load or store: leave for the interpreter (which raises the illegal instruction) when the FPU is off. */
function fpEnabled(site: InsnSite, insn: ExecInsn): string {
  return isFpTransfer(insn.op) ? `if (!h.fpEnabled()) ${exitBefore(site)}` : '';
}

function storeBytes(op: Op, size: number, rs2: number): string {
  if (op === Op.FSW) return `view.setInt32(o, f[${rs2}], true);`;
  if (op === Op.FSD) return `view.setInt32(o, f[${rs2}], true); view.setInt32(o + 4, f[${rs2 + 1}], true);`;
  switch (size) {
    case 1: return `view.setInt8(o, x[${rs2}]);`;
    case 2: return `view.setInt16(o, x[${rs2}], true);`;
    case 4: return `view.setInt32(o, x[${rs2}], true);`;
    default: return `view.setInt32(o, x[${rs2}], true); view.setInt32(o + 4, x[${rs2 + 1}], true);`;
  }
}

/**
 * A store: the TLB fast path inline when the page holds no cached code;
 * anything else (including a store that may overwrite code, which must
 * invalidate it) leaves the region for the interpreter.
 */
function emitStore(site: InsnSite, insn: ExecInsn, size: number): string {
  return `{ ${fpEnabled(site, insn)} ${address(insn)} let o;
    if (${WILD} || storeTag[t] !== vpn || (a & 4095) > ${4096 - size} || codePages[(o = a + storeAdd[t]) >>> 12] !== 0) ${exitBefore(site)}
    ${storeBytes(insn.op, size, insn.rs2)} }`;
}

/** Shift by a constant amount, as the interpreter's shift helpers do. */
function shiftImmediate(op: Op, rd: number, rs1: number, sh: number): string {
  const read = `const lo = x[${rs1}], hi = x[${rs1 + 1}];`;
  if (sh === 0) return `{ ${read} x[${rd}] = lo; x[${rd + 1}] = hi; }`;
  if (op === Op.SLLI) {
    return sh < 32
      ? `{ ${read} x[${rd + 1}] = (hi << ${sh}) | (lo >>> ${32 - sh}); x[${rd}] = lo << ${sh}; }`
      : `{ ${read} x[${rd + 1}] = lo << ${sh - 32}; x[${rd}] = 0; }`;
  }
  const highFill = op === Op.SRLI ? '0' : 'hi >> 31';
  const highShift = op === Op.SRLI ? '>>>' : '>>';
  return sh < 32
    ? `{ ${read} x[${rd}] = (lo >>> ${sh}) | (hi << ${32 - sh}); x[${rd + 1}] = hi ${highShift} ${sh}; }`
    : `{ ${read} x[${rd}] = hi ${highShift} ${sh - 32}; x[${rd + 1}] = ${highFill}; }`;
}

/** Unsigned or signed 64-bit less-than of (al, ah) and (bl, bh) expressions. */
function less(ah: string, al: string, bh: string, bl: string, unsigned: boolean): string {
  const [a, b] = unsigned ? [`(${ah} >>> 0)`, `(${bh} >>> 0)`] : [ah, bh];
  return `(${a} < ${b} || (${a} === ${b} && (${al} >>> 0) < (${bl} >>> 0)))`;
}

/** Condition under which a conditional branch is taken. */
export function branchCondition(insn: ExecInsn): string {
  const { rs1, rs2 } = insn;
  const al = `x[${rs1}]`, ah = `x[${rs1 + 1}]`, bl = `x[${rs2}]`, bh = `x[${rs2 + 1}]`;
  switch (insn.op) {
    case Op.BEQ: return `${al} === ${bl} && ${ah} === ${bh}`;
    case Op.BNE: return `${al} !== ${bl} || ${ah} !== ${bh}`;
    case Op.BLT: return less(ah, al, bh, bl, false);
    case Op.BGE: return `!${less(ah, al, bh, bl, false)}`;
    case Op.BLTU: return less(ah, al, bh, bl, true);
    default: return `!${less(ah, al, bh, bl, true)}`;
  }
}

const M_HELPER: Partial<Record<Op, string>> = {
  [Op.MUL]: 'mul', [Op.MULH]: 'mulh', [Op.MULHSU]: 'mulhsu', [Op.MULHU]: 'mulhu',
  [Op.DIV]: 'div', [Op.DIVU]: 'divu', [Op.REM]: 'rem', [Op.REMU]: 'remu',
};

const W_HELPER: Partial<Record<Op, string>> = { [Op.DIVW]: 'divw', [Op.DIVUW]: 'divuw', [Op.REMW]: 'remw', [Op.REMUW]: 'remuw' };

/** Code for an integer computation writing only x[rd] (never faults). */
function emitCompute(insn: ExecInsn): string {
  const { rd, rs1, rs2, imm } = insn;
  const a = `x[${rs1}]`, ah = `x[${rs1 + 1}]`, b = `x[${rs2}]`, bh = `x[${rs2 + 1}]`;
  const immHi = imm >> 31;
  const pair = (lo: string, hi: string): string => `{ const l = ${lo}, u = ${hi}; x[${rd}] = l; x[${rd + 1}] = u; }`;
  switch (insn.op) {
    case Op.LUI: return `x[${rd}] = ${imm}; x[${rd + 1}] = ${immHi};`;
    case Op.ADDI: return `{ const s = (${a} >>> 0) + ${imm >>> 0}; const u = ${ah} + ${immHi} + (s > 0xffffffff ? 1 : 0); x[${rd}] = s; x[${rd + 1}] = u; }`;
    case Op.SLTI: return `x[${rd}] = ${less(ah, a, String(immHi), String(imm), false)} ? 1 : 0; x[${rd + 1}] = 0;`;
    case Op.SLTIU: return `x[${rd}] = ${less(ah, a, String(immHi), String(imm), true)} ? 1 : 0; x[${rd + 1}] = 0;`;
    case Op.XORI: return pair(`${a} ^ ${imm}`, `${ah} ^ ${immHi}`);
    case Op.ORI: return pair(`${a} | ${imm}`, `${ah} | ${immHi}`);
    case Op.ANDI: return pair(`${a} & ${imm}`, `${ah} & ${immHi}`);
    case Op.SLLI: case Op.SRLI: case Op.SRAI: return shiftImmediate(insn.op, rd, rs1, imm);
    case Op.ADD: return `{ const s = (${a} >>> 0) + (${b} >>> 0); const u = ${ah} + ${bh} + (s > 0xffffffff ? 1 : 0); x[${rd}] = s; x[${rd + 1}] = u; }`;
    case Op.SUB: return `{ const s = (${a} >>> 0) - (${b} >>> 0); const u = ${ah} - ${bh} - (s < 0 ? 1 : 0); x[${rd}] = s; x[${rd + 1}] = u; }`;
    case Op.SLL: return `shiftLeft(x, ${rd}, ${a}, ${ah}, ${b} & 63);`;
    case Op.SRL: return `shiftRight(x, ${rd}, ${a}, ${ah}, ${b} & 63);`;
    case Op.SRA: return `shiftRightArith(x, ${rd}, ${a}, ${ah}, ${b} & 63);`;
    case Op.SLT: return `x[${rd}] = ${less(ah, a, bh, b, false)} ? 1 : 0; x[${rd + 1}] = 0;`;
    case Op.SLTU: return `x[${rd}] = ${less(ah, a, bh, b, true)} ? 1 : 0; x[${rd + 1}] = 0;`;
    case Op.XOR: return pair(`${a} ^ ${b}`, `${ah} ^ ${bh}`);
    case Op.OR: return pair(`${a} | ${b}`, `${ah} | ${bh}`);
    case Op.AND: return pair(`${a} & ${b}`, `${ah} & ${bh}`);
    case Op.ADDIW: return setSigned(rd, `(${a} + ${imm}) | 0`);
    case Op.SLLIW: return setSigned(rd, `${a} << ${imm}`);
    case Op.SRLIW: return setSigned(rd, `(${a} >>> ${imm}) | 0`);
    case Op.SRAIW: return setSigned(rd, `${a} >> ${imm}`);
    case Op.ADDW: return setSigned(rd, `(${a} + ${b}) | 0`);
    case Op.SUBW: return setSigned(rd, `(${a} - ${b}) | 0`);
    case Op.SLLW: return setSigned(rd, `${a} << (${b} & 31)`);
    case Op.SRLW: return setSigned(rd, `(${a} >>> (${b} & 31)) | 0`);
    case Op.SRAW: return setSigned(rd, `${a} >> (${b} & 31)`);
    case Op.MULW: return setSigned(rd, `Math.imul(${a}, ${b})`);
    case Op.REMU: return `remainder.remu(${a}, ${ah}, ${b}, ${bh}); x[${rd}] = out[0]; x[${rd + 1}] = out[1];`;
    default: {
      const wide = M_HELPER[insn.op];
      if (wide !== undefined) return `alu.${wide}(${a}, ${ah}, ${b}, ${bh}); x[${rd}] = out[0]; x[${rd + 1}] = out[1];`;
      return setSigned(rd, `alu.${W_HELPER[insn.op]!}(${a}, ${b})`);
    }
  }
}

/** Whether `op` is an integer computation `emitCompute` handles. */
function isCompute(op: Op): boolean {
  return op === Op.LUI || (op >= Op.ADDI && op <= Op.SRAW) || (op >= Op.MUL && op <= Op.REMUW);
}

/** Whether the instruction gets a slot in the table of helper-run instructions (`D[tableIndex]`): A, F and D operations (most F and D run without it). */
export function needsHelper(insn: ExecInsn): boolean {
  return insn.op >= Op.LR_W;
}

/**
 * Code for one instruction that is not the block's final branch or jump.
 * A computation whose destination is x0 (the sink) emits nothing.
 */
export function emitInsn(site: InsnSite, insn: ExecInsn): string {
  const op = insn.op;
  if (isCompute(op)) return insn.rd === 64 ? '' : emitCompute(insn);
  if (op === Op.AUIPC) {
    return insn.rd === 64 ? '' : `{ const v = vbase + ${site.offset} + ${insn.imm}; x[${insn.rd}] = v | 0; x[${insn.rd + 1}] = Math.floor(v / 4294967296) | 0; }`;
  }
  if (op === Op.FENCE) return '';
  const loadSize = LOAD_SIZE[op];
  if (loadSize !== undefined) return emitLoad(site, insn, loadSize);
  const storeSize = STORE_SIZE[op];
  if (storeSize !== undefined) return emitStore(site, insn, storeSize);
  const fp = emitFpOperation(insn, exitBefore(site));
  if (fp !== undefined) return fp;
  // A and the remaining F and D operations run through the interpreter's own
  // code (exceptions propagate with the pc and icount already exact); after
  // an atomic, stop if a device wants attention or code was overwritten.
  const helper = op >= Op.FLW ? 'executeFp' : 'executeAmo';
  const check = op < Op.FLW ? exitAfter(site, insn, 'h.interruptCheck || !state.live') : '';
  return `${sync(site)} ${helper}(core, D[${site.tableIndex}]); ${check}`;
}
