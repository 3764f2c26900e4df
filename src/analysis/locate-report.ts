/**
 * The text `deja diff --locate` prints: the first divergent events, then the
 * instruction where the states part, for both sides, with the differing
 * registers and memory and the branch history that led there.
 */
import { disassemble } from '../isa/disasm.js';
import { describeEvent, type EventContext } from './event-text.js';
import type { LocatedSide, LocateResult } from './locate.js';

const hex = (value: bigint): string => `0x${value.toString(16)}`;
const bytesHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** The lines describing one side's instruction and branch history. */
function sideLines(label: string, side: LocatedSide): string[] {
  const insn = side.instruction;
  const lines = [insn === undefined
    ? `${label}: no instruction retired; pc is now ${hex(side.nextPc)}`
    : `${label}: icount ${insn.icount}  pc ${hex(BigInt.asUintN(64, BigInt(insn.pc)))}  ${disassemble(insn.raw, BigInt.asUintN(64, BigInt(insn.pc)))}  (next pc ${hex(side.nextPc)})`];
  if (side.history.length > 0) {
    lines.push(`   branch history (oldest first):`);
    // A loop shows as one line with its count rather than the same jump again and again.
    const groups: Array<{ from: bigint; to: bigint; first: number; last: number; count: number }> = [];
    for (const transfer of side.history) {
      const group = groups.at(-1);
      if (group !== undefined && group.from === transfer.from && group.to === transfer.to) {
        group.count++;
        group.last = transfer.icount;
      } else groups.push({ from: transfer.from, to: transfer.to, first: transfer.icount, last: transfer.icount, count: 1 });
    }
    for (const group of groups) {
      const times = group.count === 1 ? `${group.first}` : `${group.first}..${group.last} (${group.count} times)`;
      lines.push(`     ${times}: ${hex(group.from)} -> ${hex(group.to)}`);
    }
  }
  return lines;
}

/** The whole `--locate` report (without a trailing newline). */
export function locateReport(result: LocateResult, names: { a: string; b: string }, context: EventContext): string {
  const lines: string[] = [];
  const first = result.firstEvents;
  if (first === undefined) lines.push('the event streams are equivalent');
  else {
    const describe = (event: (typeof first)['a']): string => (event === undefined ? '(no more events)' : describeEvent(event, context));
    lines.push('first divergent events:', `  A: ${describe(first.a)}`, `  B: ${describe(first.b)}`);
  }
  lines.push(`searched from icount ${result.searchedFrom} (${result.searchedFrom === 0 ? 'the beginning' : 'the last matching digest'})`);
  if (result.icount === undefined || result.a === undefined || result.b === undefined) {
    lines.push('no difference in hart 0\'s registers or in RAM before the first divergent event');
    return lines.join('\n');
  }
  const pcDiffers = result.registers.some((difference) => difference.name === 'pc');
  lines.push('', `first ${pcDiffers ? 'control-flow' : 'state'} difference after the instruction at icount ${result.icount}:`);
  lines.push(...sideLines(`A ${names.a}`, result.a), ...sideLines(`B ${names.b}`, result.b));
  if (result.registers.length > 0) {
    lines.push('registers that differ:');
    for (const difference of result.registers) lines.push(`  ${difference.name.padEnd(10)} A ${hex(difference.a).padEnd(20)} B ${hex(difference.b)}`);
  }
  if (result.memory.length > 0) {
    lines.push('memory that differs:');
    for (const difference of result.memory) lines.push(`  ${hex(difference.address)}  A ${bytesHex(difference.a)}  B ${bytesHex(difference.b)}`);
  }
  return lines.join('\n');
}
