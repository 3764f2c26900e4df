import * as alu from '../../cpu/alu64.js';
import { Access, CAUSE } from '../../cpu/constants.js';
import { CsrFile } from '../../cpu/csr.js';
import type { Hart } from '../../cpu/hart.js';
import { UNREPRESENTABLE_PC } from '../../cpu/hart.js';
import { enterTrap, pendingInterrupt, type TrapInfo } from '../../cpu/trap.js';
import { Op } from '../../isa/opcodes.js';
import type { Bus } from '../../mem/bus.js';
import { ExitReason, type Backend } from '../backend.js';
import { executeAmo } from './amo.js';
import { CodeCache, ExecInsn, toExecInsn } from './code-cache.js';
import { executeFp } from './fp-ops.js';
import { HartMemory } from './hart-memory.js';
import { executeSystem } from './system.js';

const TWO_32 = 4294967296;
const SAFE_HI = 0x100000;
/** `execute`'s result when an exception was raised (the hart's trap signal holds it). */
export const EXCEPTION = -1;
/** Consecutive exceptions with no instruction retired that mean the hart is stuck for good. */
const TRAP_LOOP_LIMIT = 64;

/**
 * The trap loop every backend shares: run `execute` to icount `end`, take
 * each exception it raises (reporting it to `report`) and go on, until it
 * exits; `TRAP_LOOP` when exceptions keep coming without any instruction
 * retiring (the trap vector itself faults).
 */
export function runTakingTraps(hart: Hart, end: number, execute: (end: number) => number, report: (info: TrapInfo) => void): ExitReason {
  let stuckAt = -1;
  let trapsWithoutProgress = 0;
  for (;;) {
    const exit = execute(end);
    if (exit !== EXCEPTION) return exit as ExitReason;
    if (hart.icount !== stuckAt) {
      stuckAt = hart.icount;
      trapsWithoutProgress = 0;
    } else if (++trapsWithoutProgress >= TRAP_LOOP_LIMIT) {
      return ExitReason.TRAP_LOOP;
    }
    report(enterTrap(hart, false, hart.trap.cause, hart.trap.tval));
  }
}

/**
 * Per-hart interpreter state: memory view, CSRs, and the current fetch page.
 *
 * Why exceptions: a trap is thrown as the hart's reusable `TrapSignal` from
 * wherever it is detected and caught once in `run`; nothing before the throw
 * has changed architectural state, so the trapping instruction does not retire
 * and `hart.pc` still points at it.
 */
export class InterpHart {
  readonly mem: HartMemory;
  readonly csr: CsrFile;
  /** Virtual address of the page `fetchSlots` belongs to (NaN: none). */
  private fetchBase = NaN;
  private fetchSlots: Array<ExecInsn | undefined> = [];
  private fetchRamOffset = 0;
  /** Told about every trap and interrupt taken. */
  onTrap: ((info: TrapInfo) => void) | undefined;

  constructor(readonly hart: Hart, private readonly bus: Bus, private readonly code: CodeCache) {
    this.mem = new HartMemory(hart, bus);
    this.csr = new CsrFile(hart);
    hart.onTranslationFlush = () => {
      this.mem.flush();
      this.fetchBase = NaN;
    };
    hart.onPrivilegeChange = () => {
      this.mem.selectTlbs();
      this.fetchBase = NaN;
    };
    hart.onPmpChange = () => this.mem.mmu.pmp.rebuild();
  }

  /** Run for at most `budget` instructions (see Backend.run). */
  run(budget: number): ExitReason {
    return runTakingTraps(this.hart, this.hart.icount + budget, (end) => this.execute(end), (info) => this.report(info));
  }

  private report(info: TrapInfo): void {
    this.onTrap?.(info);
  }

  /** Handle a pending stop request or interrupt; an exit reason, or -1 to go on. */
  private attention(): number {
    const h = this.hart;
    if (h.stopRequest) {
      // Leave interruptCheck set: the next run must still look for interrupts.
      h.stopRequest = false;
      return ExitReason.STOP;
    }
    h.interruptCheck = false;
    const irq = pendingInterrupt(h);
    if (irq >= 0) {
      h.waiting = false;
      this.report(enterTrap(h, true, irq, 0n));
    }
    return -1;
  }

  private fetch(pc: number): ExecInsn {
    const offset = pc - this.fetchBase;
    if (offset >= 0 && offset < 4096) {
      const d = this.fetchSlots[offset >> 1];
      if (d !== undefined) return d;
      return this.decodeInPage(pc, offset);
    }
    return this.fetchSlow(pc);
  }

  private decodeInPage(pc: number, offset: number): ExecInsn {
    const view = this.mem.view;
    const low = view.getUint16(this.fetchRamOffset + offset, true);
    if ((low & 3) !== 3) {
      const d = toExecInsn(low);
      this.fetchSlots[offset >> 1] = d;
      return d;
    }
    if (offset > 4092) return this.fetchSlow(pc);
    const d = toExecInsn(view.getUint32(this.fetchRamOffset + offset, true));
    this.fetchSlots[offset >> 1] = d;
    return d;
  }

  /** Fetch outside the current page: refill the page, or fetch uncached. */
  private fetchSlow(pc: number): ExecInsn {
    const mem = this.mem;
    if (pc === UNREPRESENTABLE_PC) mem.wildAddressFault(Access.FETCH, pc);
    const h = this.hart;
    const paddr = mem.mmu.translate(pc, 2, Access.FETCH, h.priv);
    const pageOffset = pc - Math.floor(pc / 4096) * 4096;
    if (this.bus.isPlainRam(paddr, 2) && mem.mmu.cacheable) {
      const ramOffset = this.useFetchPage(pc, paddr);
      if (pageOffset <= 4092 || (mem.view.getUint16(ramOffset, true) & 3) !== 3) {
        return this.fetch(pc);
      }
    }
    const low = this.fetchParcel(paddr, pc);
    if ((low & 3) !== 3) return toExecInsn(low);
    const next = pc + 2;
    const paddr2 = pageOffset === 4094 ? mem.mmu.translate(next, 2, Access.FETCH, h.priv) : paddr + 2;
    return toExecInsn((low | (this.fetchParcel(paddr2, next) << 16)) >>> 0);
  }

  /** Make the RAM page holding `paddr` the fetch page for `pc`'s virtual page; returns `paddr`'s RAM offset. */
  private useFetchPage(pc: number, paddr: number): number {
    const pageOffset = pc - Math.floor(pc / 4096) * 4096;
    const ramOffset = paddr - this.bus.ram.base;
    this.fetchBase = pc - pageOffset;
    this.fetchRamOffset = ramOffset - pageOffset;
    this.fetchSlots = this.code.page(ramOffset >>> 12);
    return ramOffset;
  }

  /**
   * RAM offset of the instruction at `pc` when its page is cacheable RAM,
   * making that page the fetch page exactly as the next fetch would; -1 when
   * it is not, or when fetching from it faults (the interpreter's own fetch
   * then takes the fault). For a translator, which runs code from RAM pages
   * and must see the same physical page the interpreter would.
   */
  codeOffset(pc: number): number {
    const offset = pc - this.fetchBase;
    if (offset >= 0 && offset < 4096) return this.fetchRamOffset + offset;
    if (pc === UNREPRESENTABLE_PC) return -1;
    const mmu = this.mem.mmu;
    let paddr: number;
    try {
      paddr = mmu.translate(pc, 2, Access.FETCH, this.hart.priv);
    } catch (signal) {
      if (signal !== this.hart.trap) throw signal;
      return -1;
    }
    if (!this.bus.isPlainRam(paddr, 2) || !mmu.cacheable) return -1;
    return this.useFetchPage(pc, paddr);
  }

  private fetchParcel(paddr: number, vaddr: number): number {
    const offset = this.mem.ramOffset(paddr, 2);
    if (offset >= 0) return this.mem.view.getUint16(offset, true);
    return this.mem.deviceFetch(paddr, vaddr);
  }

  /** Address `x[rs1] + imm` for a data access (loads, stores, A, F/D); faults exactly if no double holds it. */
  dataAddress(rs1: number, imm: number, access: Access): number {
    const x = this.hart.x;
    const hi = x[rs1 + 1]!;
    if (hi >= -SAFE_HI && hi < SAFE_HI) return hi * TWO_32 + (x[rs1]! >>> 0) + imm;
    const exact = BigInt.asUintN(64, this.hart.getX(rs1 >> 1) + BigInt(imm));
    return this.mem.wildAddressFault(access, 0, exact);
  }

  /**
   * The instruction at the pc, as the next `run` would fetch it, or null if
   * fetching faults (the fault is then taken by `run`, not here).
   */
  peekInstruction(): ExecInsn | null {
    try {
      return this.fetch(this.hart.pc);
    } catch (signal) {
      if (signal !== this.hart.trap) throw signal;
      return null;
    }
  }

  /** Raise an illegal-instruction exception for `d`. */
  illegal(d: ExecInsn): never {
    throw this.hart.trap.raise(CAUSE.ILLEGAL_INSTRUCTION, BigInt(d.raw >>> 0));
  }

  /**
   * Run instructions until icount reaches `end` or an exit (an `ExitReason`),
   * or until an exception (`EXCEPTION`, not yet taken: `run` takes it). A
   * translator calls it to interpret a stretch of code exactly.
   */
  execute(end: number): number {
    const h = this.hart;
    const x = h.x;
    const mem = this.mem;
    const view = mem.view;
    const out = alu.out;
    // Local copies of the fetch page, refreshed after anything that may move it
    // (a fetch outside the page, an interrupt, a system instruction).
    let fetchBase = this.fetchBase;
    let slots = this.fetchSlots;
    // The pc lives in a local while instructions run; `h.pc` is written back
    // before anything that reads it (system instructions, interrupts, exits)
    // and, for an exception, in the catch below, before the trap is taken.
    let pc = h.pc;
    try {
      for (;;) {
        if (h.interruptCheck) {
          h.pc = pc;
          const exit = this.attention();
          if (exit >= 0) return exit;
          pc = h.pc;
          fetchBase = this.fetchBase;
          slots = this.fetchSlots;
          // Look again before the next instruction: the trap observer of an
          // interrupt just taken may have asked for a stop (a replay that
          // found a divergence pauses the VMM right there, as after exceptions).
          continue;
        }
        if (h.icount >= end) {
          h.pc = pc;
          return ExitReason.BUDGET;
        }
        const offset = pc - fetchBase;
        let d = offset >= 0 && offset < 4096 ? slots[offset >> 1] : undefined;
        if (d === undefined) {
          d = this.fetch(pc);
          fetchBase = this.fetchBase;
          slots = this.fetchSlots;
        }
        const rd = d.rd, rs1 = d.rs1, rs2 = d.rs2, imm = d.imm;
        let next = pc + d.len;
        switch (d.op) {
          case Op.LUI: x[rd] = imm; x[rd + 1] = imm >> 31; break;
          case Op.AUIPC: { const v = pc + imm; x[rd] = v | 0; x[rd + 1] = Math.floor(v / TWO_32) | 0; break; }
          case Op.JAL: x[rd] = next | 0; x[rd + 1] = Math.floor(next / TWO_32) | 0; next = pc + imm; break;
          case Op.JALR: {
            const hi = x[rs1 + 1]!;
            let target: number;
            if (hi >= -SAFE_HI && hi < SAFE_HI) {
              target = hi * TWO_32 + (x[rs1]! >>> 0) + imm;
              target -= target & 1;
            } else {
              h.setPc(BigInt.asUintN(64, h.getX(rs1 >> 1) + BigInt(imm)) & ~1n);
              target = h.pc;
              h.pc = pc;
            }
            x[rd] = next | 0; x[rd + 1] = Math.floor(next / TWO_32) | 0;
            next = target;
            break;
          }
          case Op.BEQ: if (x[rs1] === x[rs2] && x[rs1 + 1] === x[rs2 + 1]) next = pc + imm; break;
          case Op.BNE: if (x[rs1] !== x[rs2] || x[rs1 + 1] !== x[rs2 + 1]) next = pc + imm; break;
          case Op.BLT: {
            const ah = x[rs1 + 1]!, bh = x[rs2 + 1]!;
            if (ah < bh || (ah === bh && (x[rs1]! >>> 0) < (x[rs2]! >>> 0))) next = pc + imm;
            break;
          }
          case Op.BGE: {
            const ah = x[rs1 + 1]!, bh = x[rs2 + 1]!;
            if (!(ah < bh || (ah === bh && (x[rs1]! >>> 0) < (x[rs2]! >>> 0)))) next = pc + imm;
            break;
          }
          case Op.BLTU: {
            const ah = x[rs1 + 1]! >>> 0, bh = x[rs2 + 1]! >>> 0;
            if (ah < bh || (ah === bh && (x[rs1]! >>> 0) < (x[rs2]! >>> 0))) next = pc + imm;
            break;
          }
          case Op.BGEU: {
            const ah = x[rs1 + 1]! >>> 0, bh = x[rs2 + 1]! >>> 0;
            if (!(ah < bh || (ah === bh && (x[rs1]! >>> 0) < (x[rs2]! >>> 0)))) next = pc + imm;
            break;
          }
          case Op.LB: { const o = mem.loadOffset(this.dataAddress(rs1, imm, Access.LOAD), 1); const v = o >= 0 ? view.getInt8(o) : (mem.slowLo << 24) >> 24; x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.LH: { const o = mem.loadOffset(this.dataAddress(rs1, imm, Access.LOAD), 2); const v = o >= 0 ? view.getInt16(o, true) : (mem.slowLo << 16) >> 16; x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.LW: { const o = mem.loadOffset(this.dataAddress(rs1, imm, Access.LOAD), 4); const v = o >= 0 ? view.getInt32(o, true) : mem.slowLo; x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.LD: {
            const o = mem.loadOffset(this.dataAddress(rs1, imm, Access.LOAD), 8);
            if (o >= 0) { x[rd] = view.getInt32(o, true); x[rd + 1] = view.getInt32(o + 4, true); }
            else { x[rd] = mem.slowLo; x[rd + 1] = mem.slowHi; }
            break;
          }
          case Op.LBU: { const o = mem.loadOffset(this.dataAddress(rs1, imm, Access.LOAD), 1); x[rd] = o >= 0 ? view.getUint8(o) : mem.slowLo & 0xff; x[rd + 1] = 0; break; }
          case Op.LHU: { const o = mem.loadOffset(this.dataAddress(rs1, imm, Access.LOAD), 2); x[rd] = o >= 0 ? view.getUint16(o, true) : mem.slowLo & 0xffff; x[rd + 1] = 0; break; }
          case Op.LWU: { const o = mem.loadOffset(this.dataAddress(rs1, imm, Access.LOAD), 4); x[rd] = o >= 0 ? view.getInt32(o, true) : mem.slowLo; x[rd + 1] = 0; break; }
          case Op.SB: { const v = x[rs2]!; const o = mem.storeOffset(this.dataAddress(rs1, imm, Access.STORE), 1, v, 0); if (o >= 0) view.setInt8(o, v); break; }
          case Op.SH: { const v = x[rs2]!; const o = mem.storeOffset(this.dataAddress(rs1, imm, Access.STORE), 2, v, 0); if (o >= 0) view.setInt16(o, v, true); break; }
          case Op.SW: { const v = x[rs2]!; const o = mem.storeOffset(this.dataAddress(rs1, imm, Access.STORE), 4, v, 0); if (o >= 0) view.setInt32(o, v, true); break; }
          case Op.SD: {
            const lo = x[rs2]!, hi = x[rs2 + 1]!;
            const o = mem.storeOffset(this.dataAddress(rs1, imm, Access.STORE), 8, lo, hi);
            if (o >= 0) { view.setInt32(o, lo, true); view.setInt32(o + 4, hi, true); }
            break;
          }
          case Op.ADDI: { const s = (x[rs1]! >>> 0) + (imm >>> 0); const hi = x[rs1 + 1]! + (imm >> 31) + (s > 0xffffffff ? 1 : 0); x[rd] = s; x[rd + 1] = hi; break; }
          case Op.SLTI: { const ah = x[rs1 + 1]!, bh = imm >> 31; x[rd] = ah < bh || (ah === bh && (x[rs1]! >>> 0) < (imm >>> 0)) ? 1 : 0; x[rd + 1] = 0; break; }
          case Op.SLTIU: { const ah = x[rs1 + 1]! >>> 0, bh = (imm >> 31) >>> 0; x[rd] = ah < bh || (ah === bh && (x[rs1]! >>> 0) < (imm >>> 0)) ? 1 : 0; x[rd + 1] = 0; break; }
          case Op.XORI: x[rd] = x[rs1]! ^ imm; x[rd + 1] = x[rs1 + 1]! ^ (imm >> 31); break;
          case Op.ORI: x[rd] = x[rs1]! | imm; x[rd + 1] = x[rs1 + 1]! | (imm >> 31); break;
          case Op.ANDI: x[rd] = x[rs1]! & imm; x[rd + 1] = x[rs1 + 1]! & (imm >> 31); break;
          case Op.SLLI: shiftLeft(x, rd, x[rs1]!, x[rs1 + 1]!, imm); break;
          case Op.SRLI: shiftRight(x, rd, x[rs1]!, x[rs1 + 1]!, imm); break;
          case Op.SRAI: shiftRightArith(x, rd, x[rs1]!, x[rs1 + 1]!, imm); break;
          case Op.ADD: { const s = (x[rs1]! >>> 0) + (x[rs2]! >>> 0); const hi = x[rs1 + 1]! + x[rs2 + 1]! + (s > 0xffffffff ? 1 : 0); x[rd] = s; x[rd + 1] = hi; break; }
          case Op.SUB: { const s = (x[rs1]! >>> 0) - (x[rs2]! >>> 0); const hi = x[rs1 + 1]! - x[rs2 + 1]! - (s < 0 ? 1 : 0); x[rd] = s; x[rd + 1] = hi; break; }
          case Op.SLL: shiftLeft(x, rd, x[rs1]!, x[rs1 + 1]!, x[rs2]! & 63); break;
          case Op.SLT: { const ah = x[rs1 + 1]!, bh = x[rs2 + 1]!; x[rd] = ah < bh || (ah === bh && (x[rs1]! >>> 0) < (x[rs2]! >>> 0)) ? 1 : 0; x[rd + 1] = 0; break; }
          case Op.SLTU: { const ah = x[rs1 + 1]! >>> 0, bh = x[rs2 + 1]! >>> 0; x[rd] = ah < bh || (ah === bh && (x[rs1]! >>> 0) < (x[rs2]! >>> 0)) ? 1 : 0; x[rd + 1] = 0; break; }
          case Op.XOR: x[rd] = x[rs1]! ^ x[rs2]!; x[rd + 1] = x[rs1 + 1]! ^ x[rs2 + 1]!; break;
          case Op.SRL: shiftRight(x, rd, x[rs1]!, x[rs1 + 1]!, x[rs2]! & 63); break;
          case Op.SRA: shiftRightArith(x, rd, x[rs1]!, x[rs1 + 1]!, x[rs2]! & 63); break;
          case Op.OR: x[rd] = x[rs1]! | x[rs2]!; x[rd + 1] = x[rs1 + 1]! | x[rs2 + 1]!; break;
          case Op.AND: x[rd] = x[rs1]! & x[rs2]!; x[rd + 1] = x[rs1 + 1]! & x[rs2 + 1]!; break;
          case Op.ADDIW: { const v = (x[rs1]! + imm) | 0; x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.SLLIW: { const v = x[rs1]! << imm; x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.SRLIW: { const v = (x[rs1]! >>> imm) | 0; x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.SRAIW: { const v = x[rs1]! >> imm; x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.ADDW: { const v = (x[rs1]! + x[rs2]!) | 0; x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.SUBW: { const v = (x[rs1]! - x[rs2]!) | 0; x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.SLLW: { const v = x[rs1]! << (x[rs2]! & 31); x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.SRLW: { const v = (x[rs1]! >>> (x[rs2]! & 31)) | 0; x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.SRAW: { const v = x[rs1]! >> (x[rs2]! & 31); x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.MUL: alu.mul(x[rs1]!, x[rs1 + 1]!, x[rs2]!, x[rs2 + 1]!); x[rd] = out[0]!; x[rd + 1] = out[1]!; break;
          case Op.MULH: alu.mulh(x[rs1]!, x[rs1 + 1]!, x[rs2]!, x[rs2 + 1]!); x[rd] = out[0]!; x[rd + 1] = out[1]!; break;
          case Op.MULHSU: alu.mulhsu(x[rs1]!, x[rs1 + 1]!, x[rs2]!, x[rs2 + 1]!); x[rd] = out[0]!; x[rd + 1] = out[1]!; break;
          case Op.MULHU: alu.mulhu(x[rs1]!, x[rs1 + 1]!, x[rs2]!, x[rs2 + 1]!); x[rd] = out[0]!; x[rd + 1] = out[1]!; break;
          case Op.DIV: alu.div(x[rs1]!, x[rs1 + 1]!, x[rs2]!, x[rs2 + 1]!); x[rd] = out[0]!; x[rd + 1] = out[1]!; break;
          case Op.DIVU: alu.divu(x[rs1]!, x[rs1 + 1]!, x[rs2]!, x[rs2 + 1]!); x[rd] = out[0]!; x[rd + 1] = out[1]!; break;
          case Op.REM: alu.rem(x[rs1]!, x[rs1 + 1]!, x[rs2]!, x[rs2 + 1]!); x[rd] = out[0]!; x[rd + 1] = out[1]!; break;
          case Op.REMU: alu.remu(x[rs1]!, x[rs1 + 1]!, x[rs2]!, x[rs2 + 1]!); x[rd] = out[0]!; x[rd + 1] = out[1]!; break;
          case Op.MULW: { const v = Math.imul(x[rs1]!, x[rs2]!); x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.DIVW: { const v = alu.divw(x[rs1]!, x[rs2]!); x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.DIVUW: { const v = alu.divuw(x[rs1]!, x[rs2]!); x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.REMW: { const v = alu.remw(x[rs1]!, x[rs2]!); x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.REMUW: { const v = alu.remuw(x[rs1]!, x[rs2]!); x[rd] = v; x[rd + 1] = v >> 31; break; }
          case Op.FENCE: break;
          case Op.ILLEGAL: this.illegal(d);
          default:
            h.pc = pc;
            if (d.op >= Op.LR_W && d.op <= Op.AMOMAXU_D) executeAmo(this, d);
            else if (d.op >= Op.FLW) executeFp(this, d);
            else {
              const exit = executeSystem(this, d);
              h.icount++;
              if (exit >= 0) return exit;
              pc = h.pc;
              fetchBase = this.fetchBase;
              slots = this.fetchSlots;
              continue;
            }
        }
        pc = next;
        h.icount++;
      }
    } catch (signal) {
      if (signal !== h.trap) throw signal;
      h.pc = pc;
      return EXCEPTION;
    }
  }
}

/** x[rd] = (lo, hi) << sh (sh in 0..63), on register halves. */
export function shiftLeft(x: Int32Array, rd: number, lo: number, hi: number, sh: number): void {
  if (sh === 0) { x[rd] = lo; x[rd + 1] = hi; }
  else if (sh < 32) { x[rd + 1] = (hi << sh) | (lo >>> (32 - sh)); x[rd] = lo << sh; }
  else { x[rd + 1] = lo << (sh - 32); x[rd] = 0; }
}

/** x[rd] = (lo, hi) >>> sh (logical, sh in 0..63), on register halves. */
export function shiftRight(x: Int32Array, rd: number, lo: number, hi: number, sh: number): void {
  if (sh === 0) { x[rd] = lo; x[rd + 1] = hi; }
  else if (sh < 32) { x[rd] = (lo >>> sh) | (hi << (32 - sh)); x[rd + 1] = hi >>> sh; }
  else { x[rd] = hi >>> (sh - 32); x[rd + 1] = 0; }
}

/** x[rd] = (lo, hi) >> sh (arithmetic, sh in 0..63), on register halves. */
export function shiftRightArith(x: Int32Array, rd: number, lo: number, hi: number, sh: number): void {
  if (sh === 0) { x[rd] = lo; x[rd + 1] = hi; }
  else if (sh < 32) { x[rd] = (lo >>> sh) | (hi << (32 - sh)); x[rd + 1] = hi >> sh; }
  else { x[rd] = hi >> (sh - 32); x[rd + 1] = hi >> 31; }
}

/**
 * The interpreter backend: one `InterpHart` per hart, sharing a decoded
 * instruction cache keyed by physical page.
 */
export class Interpreter implements Backend {
  readonly name = 'interp';
  private readonly code: CodeCache;
  private readonly harts = new Map<Hart, InterpHart>();

  constructor(private readonly bus: Bus) {
    this.code = new CodeCache(bus.ram);
  }

  /** The per-hart interpreter state for `hart` (created on first use). */
  forHart(hart: Hart): InterpHart {
    let core = this.harts.get(hart);
    if (core === undefined) {
      core = new InterpHart(hart, this.bus, this.code);
      this.harts.set(hart, core);
    }
    return core;
  }

  run(hart: Hart, budget: number): ExitReason {
    return this.forHart(hart).run(budget);
  }
}
