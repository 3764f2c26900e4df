import * as alu from '../../cpu/alu64.js';
import * as fpu from '../../cpu/fpu/index.js';
import type { Hart } from '../../cpu/hart.js';
import { Op } from '../../isa/opcodes.js';
import type { ExecInsn } from '../interp/code-cache.js';
import type { HartMemory } from '../interp/hart-memory.js';
import { executeAmo } from '../interp/amo.js';
import { executeFp } from '../interp/fp-ops.js';
import { shiftLeft, shiftRight, shiftRightArith, type InterpHart } from '../interp/interpreter.js';
import { BlockEnd, type Block } from './block.js';
import * as remainder from './remainder.js';
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
 * blocks, an instruction needs the interpreter (a TLB miss, a device, a
 * store into cached code) or a helper asks for attention; then `h.pc` and
 * `h.icount` are exact. An exception propagates as the hart's trap signal
 * (not yet taken), with `h.pc`/`h.icount` naming the faulting instruction.
 * Why no try/catch
 * inside: exception edges from every helper call make V8's optimising
 * compiler much slower on these large functions.
 */
export type RegionFunction = (env: RegionEnv, vbase: number, off: number, end: number) => void;

const SAFE_HI = 0x100000;

/** Where each block of a region is: its case number by page offset. */
type CaseIndex = ReadonlyMap<number, number>;

/** Go on at page offset `target`: the block's case when the region has it, else leave. */
function goTo(cases: CaseIndex, target: number): string {
  const index = cases.get(target);
  return index === undefined ? `off = ${target}; break loop;` : `b = ${index}; continue loop;`;
}

/** The code of the block's last instruction when it is a branch or jump, leaving the region's loop for the next block. */
function emitJump(cases: CaseIndex, block: Block, insn: ExecInsn, offset: number): string {
  const count = block.insns.length;
  const next = offset + insn.len;
  const link = insn.rd === 64 ? '' : `{ const n = vbase + ${next}; x[${insn.rd}] = n | 0; x[${insn.rd + 1}] = Math.floor(n / 4294967296) | 0; }`;
  switch (insn.op) {
    case Op.JAL:
      return `${link} ic += ${count}; ${goTo(cases, offset + insn.imm)}`;
    case Op.JALR: {
      const r = insn.rs1;
      // The link is written after the target is read (rd may equal rs1).
      return `{ const th = x[${r + 1}];
        if (th >= ${-SAFE_HI} && th < ${SAFE_HI}) {
          let t = th * 4294967296 + (x[${r}] >>> 0) + ${insn.imm}; t -= t & 1;
          ${link} ic += ${count}; off = t - vbase;
          if (off >= 0 && off < 4096 && (b = ENTRY[off >> 1]) >= 0) continue loop;
          break loop;
        }
        h.setPc(BigInt.asUintN(64, h.getX(${r >> 1}) + BigInt(${insn.imm})) & ~1n);
        ${link} h.icount = ic + ${count}; return; }`;
    }
    default:
      return `ic += ${count}; if (${branchCondition(insn)}) { ${goTo(cases, offset + insn.imm)} } ${goTo(cases, next)}`;
  }
}

function emitBlock(cases: CaseIndex, block: Block, helpers: ExecInsn[]): string {
  const count = block.insns.length;
  const body: string[] = [`case ${cases.get(block.start)!}: {`, `if (ic + ${count} > end) { off = ${block.start}; break loop; }`];
  block.insns.forEach((insn, index) => {
    const offset = block.offsets[index]!;
    if (index === count - 1 && block.kind === BlockEnd.JUMP) {
      body.push(emitJump(cases, block, insn, offset));
      return;
    }
    const site: InsnSite = { offset, index, tableIndex: helpers.length };
    if (needsHelper(insn)) helpers.push(insn);
    body.push(emitInsn(site, insn));
  });
  if (block.kind === BlockEnd.FALL) body.push(`ic += ${count}; ${goTo(cases, block.end)}`);
  body.push('}');
  return body.join('\n');
}

/** What `compileRegion` needs besides the source. */
interface RegionCode {
  readonly source: string;
  /** The instructions its helpers execute (`D`). */
  readonly helpers: ExecInsn[];
  /** Case number by page offset / 2, -1 where no block starts (`ENTRY`). */
  readonly entries: Int16Array;
}

/**
 * JavaScript source of a region running `blocks` (all from one page). The
 * blocks are numbered cases of one switch in a loop. Why numbers and not
 * page offsets: dense case labels make V8 dispatch through a jump table
 * instead of comparing with every label in turn.
 */
function emitRegion(blocks: readonly Block[]): RegionCode {
  const helpers: ExecInsn[] = [];
  const cases = new Map(blocks.map((block, index) => [block.start, index]));
  const entries = new Int16Array(2048).fill(-1);
  for (const [offset, index] of cases) entries[offset >> 1] = index;
  const body = blocks.map((block) => emitBlock(cases, block, helpers)).join('\n');
  const source = `return function region(env, vbase, off, end) {
  const h = env.h, x = env.x, f = env.h.f, mem = env.mem, view = env.view, codePages = env.codePages, core = env.core;
  const loadTag = mem.loadTag, loadAdd = mem.loadAdd, storeTag = mem.storeTag, storeAdd = mem.storeAdd;
  let ic = h.icount;
  let done = 0;
  let b = ENTRY[off >> 1];
  loop: for (;;) {
    switch (b) {
${body}
    }
  }
  h.pc = vbase + off;
  h.icount = ic + done;
};`;
  return { source, helpers, entries };
}

/** Compile `blocks` (all from one page) into a region function; `state` is checked after atomics. */
export function compileRegion(blocks: readonly Block[], state: RegionState): RegionFunction {
  const { source, helpers, entries } = emitRegion(blocks);
  // Why `new Function`: the region is guest code turned into JavaScript, so
  // V8 compiles it to machine code and keeps the guest's loops inside it.
  const factory = new Function(
    'D', 'ENTRY', 'state', 'alu', 'fpu', 'remainder', 'out', 'executeFp', 'executeAmo', 'shiftLeft', 'shiftRight', 'shiftRightArith', source,
  ) as (...args: unknown[]) => RegionFunction;
  return factory(helpers, entries, state, alu, fpu, remainder, alu.out, executeFp, executeAmo, shiftLeft, shiftRight, shiftRightArith);
}
