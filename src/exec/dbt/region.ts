import * as alu from '../../cpu/alu64.js';
import type { Access } from '../../cpu/constants.js';
import type { Hart } from '../../cpu/hart.js';
import { Op } from '../../isa/opcodes.js';
import type { ExecInsn } from '../interp/code-cache.js';
import type { HartMemory } from '../interp/hart-memory.js';
import { executeAmo } from '../interp/amo.js';
import { executeFp } from '../interp/fp-ops.js';
import { shiftLeft, shiftRight, shiftRightArith, type InterpHart } from '../interp/interpreter.js';
import { BlockEnd, type Block } from './block.js';
import { branchCondition, emitInsn, needsHelper, type InsnSite } from './emit-insn.js';

/** What a region runs against: one hart's state (regions are shared by all harts). */
export interface RegionEnv {
  readonly h: Hart;
  readonly x: Int32Array;
  readonly mem: HartMemory;
  readonly view: DataView;
  readonly codePages: Uint8Array;
  readonly core: InterpHart;
}

/** Whether a region may still run: cleared when guest code it was translated from is overwritten. */
export interface RegionState {
  live: boolean;
}

/**
 * A translated region of one page: runs from block offset `off` of the
 * virtual page `vbase` until icount would pass `end`, control leaves its
 * blocks, or a helper asks for attention. Returns 0 with `h.pc` and
 * `h.icount` exact, or -1 after an exception (not yet taken; the hart's trap
 * signal holds it, and `h.pc`/`h.icount` name the faulting instruction).
 */
export type RegionFunction = (env: RegionEnv, vbase: number, off: number, end: number) => number;

const SAFE_HI = 0x100000;

/** Set the exact pc and icount of the instruction at page offset `at` before a helper that may fault or read them. */
function enter(env: RegionEnv, vbase: number, at: number, icount: number): void {
  env.h.pc = vbase + at;
  env.h.icount = icount;
}

/** A data address no double holds: raise its fault exactly as the interpreter does. */
function wildAddress(env: RegionEnv, vbase: number, rs1: number, imm: number, access: Access, at: number, icount: number): void {
  enter(env, vbase, at, icount);
  env.core.dataAddress(rs1, imm, access);
}

/** A load that missed the TLB (or crosses a page, or reaches a device): the interpreter's load path. */
function loadSlow(env: RegionEnv, vbase: number, addr: number, size: number, at: number, icount: number): number {
  enter(env, vbase, at, icount);
  return env.mem.loadOffset(addr, size);
}

/**
 * A store that missed the TLB or hits a page holding cached code: the
 * interpreter's store path. True when the region must stop after it (a
 * device may want attention, or the store overwrote translated code).
 */
function storeSlow(env: RegionEnv, vbase: number, state: RegionState, addr: number, size: number, lo: number, hi: number, at: number, icount: number): boolean {
  enter(env, vbase, at, icount);
  const offset = env.mem.storeOffset(addr, size, lo, hi);
  if (offset >= 0) {
    const view = env.view;
    if (size === 1) view.setInt8(offset, lo);
    else if (size === 2) view.setInt16(offset, lo, true);
    else if (size === 4) view.setInt32(offset, lo, true);
    else { view.setInt32(offset, lo, true); view.setInt32(offset + 4, hi, true); }
  }
  return env.h.interruptCheck || !state.live;
}

/** The code of the block's last instruction when it is a branch or jump, leaving the region's loop for the next block. */
function emitJump(block: Block, insn: ExecInsn, offset: number): string {
  const count = block.insns.length;
  const next = offset + insn.len;
  const link = insn.rd === 64 ? '' : `{ const n = vbase + ${next}; x[${insn.rd}] = n | 0; x[${insn.rd + 1}] = Math.floor(n / 4294967296) | 0; }`;
  switch (insn.op) {
    case Op.JAL:
      return `${link} ic += ${count}; off = ${offset + insn.imm}; continue loop;`;
    case Op.JALR: {
      const r = insn.rs1;
      // The link is written after the target is read (rd may equal rs1).
      return `{ const th = x[${r + 1}];
        if (th >= ${-SAFE_HI} && th < ${SAFE_HI}) {
          let t = th * 4294967296 + (x[${r}] >>> 0) + ${insn.imm}; t -= t & 1;
          ${link} ic += ${count}; off = t - vbase; continue loop;
        }
        h.setPc(BigInt.asUintN(64, h.getX(${r >> 1}) + BigInt(${insn.imm})) & ~1n);
        ${link} h.icount = ic + ${count}; return 0; }`;
    }
    default:
      return `ic += ${count}; if (${branchCondition(insn)}) { off = ${offset + insn.imm}; continue loop; } off = ${next}; continue loop;`;
  }
}

function emitBlock(block: Block, helpers: ExecInsn[]): string {
  const count = block.insns.length;
  const body: string[] = [`case ${block.start}: {`, `if (ic + ${count} > end) break loop;`];
  block.insns.forEach((insn, index) => {
    const offset = block.offsets[index]!;
    if (index === count - 1 && block.kind === BlockEnd.JUMP) {
      body.push(emitJump(block, insn, offset));
      return;
    }
    const site: InsnSite = { offset, index, tableIndex: helpers.length };
    if (needsHelper(insn)) helpers.push(insn);
    body.push(emitInsn(site, insn));
  });
  if (block.kind === BlockEnd.FALL) body.push(`ic += ${count}; off = ${block.end}; continue loop;`);
  body.push('}');
  return body.join('\n');
}

/**
 * JavaScript source of a region running `blocks` (all from one page), plus
 * the table of instructions its helpers execute.
 */
export function emitRegion(blocks: readonly Block[]): { source: string; helpers: ExecInsn[] } {
  const helpers: ExecInsn[] = [];
  const cases = blocks.map((block) => emitBlock(block, helpers)).join('\n');
  const source = `return function region(env, vbase, off, end) {
  const h = env.h, x = env.x, mem = env.mem, view = env.view, codePages = env.codePages, core = env.core;
  const loadTag = mem.loadTag, loadAdd = mem.loadAdd, storeTag = mem.storeTag, storeAdd = mem.storeAdd;
  let ic = h.icount;
  try {
    loop: for (;;) {
      switch (off) {
${cases}
        default: break loop;
      }
    }
  } catch (signal) {
    if (signal !== h.trap) throw signal;
    return -1;
  }
  h.pc = vbase + off;
  h.icount = ic;
  return 0;
};`;
  return { source, helpers };
}

/** Compile `blocks` (all from one page) into a region function; `state` is checked after stores into code pages. */
export function compileRegion(blocks: readonly Block[], state: RegionState): RegionFunction {
  const { source, helpers } = emitRegion(blocks);
  // Why `new Function`: the region is guest code turned into JavaScript, so
  // V8 compiles it to machine code and keeps the guest's loops inside it.
  const factory = new Function(
    'D', 'state', 'alu', 'out', 'executeFp', 'executeAmo', 'shiftLeft', 'shiftRight', 'shiftRightArith',
    'wildAddress', 'loadSlow', 'storeSlow', source,
  ) as (...args: unknown[]) => RegionFunction;
  return factory(
    helpers, state, alu, alu.out, executeFp, executeAmo, shiftLeft, shiftRight, shiftRightArith, wildAddress, loadSlow, storeSlow,
  );
}
