/**
 * The text `deja diff --locate` prints: the first divergent events, then the
 * instruction where the states part, for both sides, with the differing
 * registers and memory and the branch history that led there.
 */
import { disassemble } from '../isa/disasm.js';
import { describeEvent, type EventContext } from './event-text.js';
import type { LocatedSide, LocateResult } from './locate.js';
import type { ControlTransfer } from './locate-state.js';
import type { QemuLocateResult } from './locate-qemu.js';

const hex = (value: bigint): string => `0x${value.toString(16)}`;
const bytesHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** A branch history, oldest first; a loop shows as one line with its count rather than the same jump again and again. */
function historyLines(history: readonly ControlTransfer[]): string[] {
  if (history.length === 0) return [];
  const groups: Array<{ from: bigint; to: bigint; first: number; last: number; count: number }> = [];
  for (const transfer of history) {
    const group = groups.at(-1);
    if (group !== undefined && group.from === transfer.from && group.to === transfer.to) {
      group.count++;
      group.last = transfer.icount;
    } else groups.push({ from: transfer.from, to: transfer.to, first: transfer.icount, last: transfer.icount, count: 1 });
  }
  return ['   branch history (oldest first):', ...groups.map((group) => {
    const times = group.count === 1 ? `${group.first}` : `${group.first}..${group.last} (${group.count} times)`;
    return `     ${times}: ${hex(group.from)} -> ${hex(group.to)}`;
  })];
}

/** The lines describing one side's instruction and branch history. */
function sideLines(label: string, side: LocatedSide): string[] {
  const insn = side.instruction;
  const lines = [insn === undefined
    ? `${label}: no instruction retired; pc is now ${hex(side.nextPc)}`
    : `${label}: icount ${insn.icount}  pc ${hex(BigInt.asUintN(64, BigInt(insn.pc)))}  ${disassemble(insn.raw, BigInt.asUintN(64, BigInt(insn.pc)))}  (next pc ${hex(side.nextPc)})`];
  return [...lines, ...historyLines(side.history)];
}

/** The first divergent events, as both reports begin. */
function firstEventLines(first: LocateResult['firstEvents'], context: EventContext): string[] {
  if (first === undefined) return ['the event streams are equivalent'];
  const describe = (event: (typeof first)['a']): string => (event === undefined ? '(no more events)' : describeEvent(event, context));
  return ['first divergent events:', `  A: ${describe(first.a)}`, `  B: ${describe(first.b)}`];
}

/** The `--locate` report when A is a QEMU import: where its pc stream and the replay part (without a trailing newline). */
export function qemuLocateReport(result: QemuLocateResult, names: { qemu: string; ours: string }, context: EventContext): string {
  const lines = [...firstEventLines(result.firstEvents, context), `compared the pcs of ${result.compared} instructions from icount ${result.searchedFrom}`];
  if (result.divergences.length === 0) {
    lines.push('no pc differs before the first divergent event (or the end of the QEMU log)');
    return lines.join('\n');
  }
  result.divergences.forEach((divergence, index) => {
    const ours = divergence.ours;
    const ourPc = BigInt.asUintN(64, BigInt(ours.pc));
    const where = divergence.shift === 0 ? `icount ${divergence.icount}` : `icount ${divergence.icount} (QEMU's ${divergence.icount - divergence.shift})`;
    lines.push('', `${index === 0 ? 'first control-flow difference' : `control-flow difference ${index + 1}`} at ${where}:`);
    lines.push(`QEMU ${names.qemu}: ${divergence.qemuPc === undefined ? 'no instruction' : `pc ${hex(divergence.qemuPc)}`}`, ...historyLines(divergence.qemuHistory));
    lines.push(`dejavm ${names.ours}: pc ${hex(ourPc)}  ${disassemble(ours.raw, ourPc)}`, ...historyLines(divergence.ourHistory));
  });
  return lines.join('\n');
}

/** The whole `--locate` report (without a trailing newline). */
export function locateReport(result: LocateResult, names: { a: string; b: string }, context: EventContext): string {
  const lines = firstEventLines(result.firstEvents, context);
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
