import { Op } from '../../isa/opcodes.js';
import { toExecInsn, type ExecInsn } from '../interp/code-cache.js';
import type { RegionFunction } from './region.js';

/** Longest block the scanner builds (a straight run of code is cut there). */
const MAX_BLOCK_INSNS = 128;

/** How a block hands over control at its end. */
export const enum BlockEnd {
  /** Its last instruction is a branch or jump. */
  JUMP,
  /** It stops before an instruction the translator leaves to the interpreter, or at a page or size limit. */
  FALL,
}

/**
 * A basic block of one physical page, as found by scanning its bytes: the
 * instructions from `start` up to and including a branch or jump, or up to
 * (excluding) an instruction only the interpreter runs (system instructions,
 * illegal encodings, an instruction crossing the page end).
 */
export interface Block {
  /** Byte offset of the first instruction in its page. */
  readonly start: number;
  /** Byte offset just past the last instruction. */
  readonly end: number;
  readonly insns: readonly ExecInsn[];
  /** Byte offset in the page of each instruction. */
  readonly offsets: readonly number[];
  readonly kind: BlockEnd;
  /** Instructions the dispatcher lets the interpreter run when the block is not translated (at least one). */
  readonly interpretLength: number;
  /** Times the dispatcher reached the block untranslated. */
  hits: number;
  /** The latest region that can be entered at this block (it or a block leading to it got hot). */
  region: RegionFunction | undefined;
}

/** Operations a region cannot contain: they may change privilege, translation or interrupt state. */
function interpreterOnly(op: Op): boolean {
  return op === Op.ILLEGAL || (op >= Op.FENCE_I && op <= Op.CSRRCI);
}

/** Whether `op` ends a block after it (branches and jumps). */
function endsBlock(op: Op): boolean {
  return op >= Op.JAL && op <= Op.BGEU;
}

/**
 * Scan the block starting at byte `start` of the RAM page at `pageOffset`
 * (the page's offset in RAM) in `view`.
 */
export function scanBlock(view: DataView, pageOffset: number, start: number): Block {
  const insns: ExecInsn[] = [];
  const offsets: number[] = [];
  let offset = start;
  let kind = BlockEnd.FALL;
  let stoppedBeforeInterpreterOnly = false;
  while (offset <= 4094 && insns.length < MAX_BLOCK_INSNS) {
    const low = view.getUint16(pageOffset + offset, true);
    const compressed = (low & 3) !== 3;
    if (!compressed && offset > 4092) break;
    const insn = toExecInsn(compressed ? low : view.getUint32(pageOffset + offset, true));
    if (interpreterOnly(insn.op)) {
      stoppedBeforeInterpreterOnly = true;
      break;
    }
    insns.push(insn);
    offsets.push(offset);
    offset += insn.len;
    if (endsBlock(insn.op)) {
      kind = BlockEnd.JUMP;
      break;
    }
  }
  // Untranslated, the interpreter also runs the instruction that stopped the
  // scan (one dispatch instead of two), or the one crossing the page end.
  const interpretLength = insns.length + (stoppedBeforeInterpreterOnly || insns.length === 0 ? 1 : 0);
  return { start, end: offset, insns, offsets, kind, interpretLength, hits: 0, region: undefined };
}

/**
 * Byte offsets in the page where control may go after the block: static
 * targets, and after a call (a jump that links) the return point, where the
 * callee's `ret` most likely comes back.
 */
export function successors(block: Block): number[] {
  const count = block.insns.length;
  if (count === 0) return [];
  const last = block.insns[count - 1]!;
  const lastOffset = block.offsets[count - 1]!;
  if (block.kind === BlockEnd.FALL) return [block.end];
  const returnPoint = last.rd === 64 ? [] : [block.end];
  if (last.op === Op.JAL) return [lastOffset + last.imm, ...returnPoint];
  if (last.op === Op.JALR) return returnPoint;
  return [lastOffset + last.imm, block.end];
}
