import type { Hart } from '../cpu/hart.js';
import { decode } from '../isa/decode.js';
import { Op } from '../isa/opcodes.js';
import type { DebugMemory } from './debug-memory.js';

/** What a watchpoint watches for (gdb's Z2, Z3, Z4). */
export type WatchKind = 'write' | 'read' | 'access';

/** One watchpoint: `length` bytes at virtual address `address`. */
export interface Watchpoint {
  readonly kind: WatchKind;
  readonly address: bigint;
  readonly length: number;
}

/** A data access an instruction is about to make. */
export interface DataAccess {
  readonly address: bigint;
  readonly size: number;
  readonly reads: boolean;
  readonly writes: boolean;
}

function accessOf(op: Op): { size: number; reads: boolean; writes: boolean } | undefined {
  switch (op) {
    case Op.LB: case Op.LBU: return { size: 1, reads: true, writes: false };
    case Op.LH: case Op.LHU: return { size: 2, reads: true, writes: false };
    case Op.LW: case Op.LWU: case Op.FLW: return { size: 4, reads: true, writes: false };
    case Op.LD: case Op.FLD: return { size: 8, reads: true, writes: false };
    case Op.SB: return { size: 1, reads: false, writes: true };
    case Op.SH: return { size: 2, reads: false, writes: true };
    case Op.SW: case Op.FSW: return { size: 4, reads: false, writes: true };
    case Op.SD: case Op.FSD: return { size: 8, reads: false, writes: true };
    case Op.LR_W: return { size: 4, reads: true, writes: false };
    case Op.LR_D: return { size: 8, reads: true, writes: false };
    case Op.SC_W: return { size: 4, reads: false, writes: true };
    case Op.SC_D: return { size: 8, reads: false, writes: true };
    default:
      if (op >= Op.AMOSWAP_W && op <= Op.AMOMAXU_W) return { size: 4, reads: true, writes: true };
      if (op >= Op.AMOSWAP_D && op <= Op.AMOMAXU_D) return { size: 8, reads: true, writes: true };
      return undefined;
  }
}

/**
 * The breakpoints and watchpoints of one debugging session.
 *
 * Breakpoints are pc values checked before an instruction runs (no guest
 * memory is patched, so a replay stays byte-exact). Watchpoints are checked
 * by decoding the next instruction before it runs: a load, store or AMO
 * whose effective address overlaps a watched range triggers it, reads and
 * writes alike, whether or not the value changes, and without any hook in
 * the execution backend.
 */
export class StopPoints {
  private readonly breakpoints = new Map<bigint, number>();
  /** The breakpoints as the hart holds its pc (a signed value in a double), for the per-instruction check. */
  private readonly breakpointPcs = new Set<number>();
  private readonly watchpoints: Watchpoint[] = [];

  /** Add a breakpoint at `pc` (gdb may insert the same address twice, as Z0 and Z1). */
  addBreakpoint(pc: bigint): void {
    this.breakpoints.set(pc, (this.breakpoints.get(pc) ?? 0) + 1);
    const signed = BigInt.asIntN(64, pc);
    // A pc no double holds exactly is never a hart's pc (it faults first).
    if (signed >= -(1n << 53n) && signed < 1n << 53n) this.breakpointPcs.add(Number(signed));
  }

  /** Remove one breakpoint at `pc`; false if there was none. */
  removeBreakpoint(pc: bigint): boolean {
    const count = this.breakpoints.get(pc);
    if (count === undefined) return false;
    if (count > 1) this.breakpoints.set(pc, count - 1);
    else {
      this.breakpoints.delete(pc);
      this.breakpointPcs.delete(Number(BigInt.asIntN(64, pc)));
    }
    return true;
  }

  /** Whether a breakpoint is set at `pc`. */
  hasBreakpoint(pc: bigint): boolean {
    return this.breakpoints.has(pc);
  }

  /** Whether a breakpoint is set at a hart's `pc` as the hart holds it (`Hart.pc`). */
  hasBreakpointAt(pc: number): boolean {
    return this.breakpointPcs.has(pc);
  }

  /** Whether any breakpoint or watchpoint is set (a plain continue can then run in large slices). */
  get empty(): boolean {
    return this.breakpoints.size === 0 && this.watchpoints.length === 0;
  }

  /** Whether any watchpoint is set. */
  get watching(): boolean {
    return this.watchpoints.length > 0;
  }

  /** Add a watchpoint. */
  addWatchpoint(watchpoint: Watchpoint): void {
    this.watchpoints.push(watchpoint);
  }

  /** Remove a watchpoint equal to `watchpoint`; false if there was none. */
  removeWatchpoint(watchpoint: Watchpoint): boolean {
    const index = this.watchpoints.findIndex((w) => w.kind === watchpoint.kind && w.address === watchpoint.address && w.length === watchpoint.length);
    if (index < 0) return false;
    this.watchpoints.splice(index, 1);
    return true;
  }

  /** The data access the instruction at `hart`'s pc will make, if it is a load, store or AMO. */
  nextAccess(hart: Hart, memory: DebugMemory): DataAccess | undefined {
    const bytes = memory.read(hart, hart.getPc(), 4);
    if (bytes === undefined || bytes.length < 2) return undefined;
    const raw = bytes.length === 4 ? (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0 : bytes[0]! | (bytes[1]! << 8);
    if ((raw & 3) === 3 && bytes.length < 4) return undefined;
    const insn = decode(raw);
    const access = accessOf(insn.op);
    if (access === undefined) return undefined;
    const isAtomic = insn.op >= Op.LR_W && insn.op <= Op.AMOMAXU_D;
    const address = BigInt.asUintN(64, hart.getX(insn.rs1) + (isAtomic ? 0n : BigInt(insn.imm)));
    return { address, ...access };
  }

  /** The first watchpoint `access` triggers, if any. */
  watchHit(access: DataAccess): Watchpoint | undefined {
    for (const watchpoint of this.watchpoints) {
      const overlaps = access.address < watchpoint.address + BigInt(watchpoint.length) && watchpoint.address < access.address + BigInt(access.size);
      if (!overlaps) continue;
      const wanted = watchpoint.kind === 'access' ? true : watchpoint.kind === 'read' ? access.reads : access.writes;
      if (wanted) return watchpoint;
    }
    return undefined;
  }
}
