import { assembleCompressed } from './asm-compressed.js';
import { AsmError } from './asm-expr.js';
import type { OperandReader } from './asm-operands.js';
import { assemblePseudo } from './asm-pseudo.js';
import { encode, fields } from './encode.js';
import { formByName, type InstructionForm } from './forms.js';

/** Where assembled instructions go. */
export interface InstructionSink {
  /** Appends an instruction of `size` bytes. */
  emit(bits: number, size: 2 | 4): void;
  /** Notes that the statement's `auipc` carries `%pcrel_hi(target)`, for a later `%pcrel_lo`. */
  recordPcrelHi(target: bigint): void;
}

const ORDERING_SUFFIX: Readonly<Record<string, number>> = { '': 0, '.rl': 1, '.aq': 2, '.aqrl': 3 };

function lookupForm(mnemonic: string): { form: InstructionForm; ordering: number } | undefined {
  const plain = formByName(mnemonic);
  if (plain !== undefined) return { form: plain, ordering: 0 };
  const match = /^(.*?)(\.aqrl|\.aq|\.rl)$/.exec(mnemonic);
  if (match === null) return undefined;
  const form = formByName(match[1]!);
  if (form === undefined || !form.atomic) return undefined;
  return { form, ordering: ORDERING_SUFFIX[match[2]!]! };
}

function expectOperandCount(ops: readonly string[], expected: number, optionalTail: number): void {
  const fewest = expected - optionalTail;
  if (ops.length > expected || ops.length < fewest) {
    const range = fewest === expected ? String(expected) : `${fewest}..${expected}`;
    throw new AsmError(`expected ${range} operands, got ${ops.length}`);
  }
}

function assembleForm(form: InstructionForm, ordering: number, ops: readonly string[], read: OperandReader, sink: InstructionSink): void {
  const optional = form.args.at(-1) === 'm' ? 1 : 0;
  expectOperandCount(ops, form.args.length, optional);
  const d = fields(form.op, { rm: form.atomic ? ordering : form.defaultRm });
  form.args.forEach((arg, i) => {
    const text = ops[i];
    if (text === undefined) return;
    switch (arg) {
      case 'd': d.rd = read.x(text); break;
      case 'D': d.rd = read.f(text); break;
      case 's': d.rs1 = read.x(text); break;
      case 'S': d.rs1 = read.f(text); break;
      case 't': d.rs2 = read.x(text); break;
      case 'T': d.rs2 = read.f(text); break;
      case 'R': d.rs3 = read.f(text); break;
      case 'j': d.imm = read.imm(text, -2048, 2047); break;
      case 'o': case 'q': {
        const mem = read.memory(text);
        d.rs1 = mem.base;
        d.imm = read.check(mem.offset, -2048, 2047, 1, 'offset');
        break;
      }
      case 'A': {
        const mem = read.memory(text);
        if (read.scope.final && mem.offset !== 0n) throw new AsmError('atomic address must be (register) or 0(register)');
        d.rs1 = mem.base;
        break;
      }
      case 'u': {
        const pcrel = /^\s*%pcrel_hi\((.*)\)\s*$/.exec(text);
        if (pcrel !== null) sink.recordPcrelHi(read.value(pcrel[1]!));
        d.imm = read.imm(text, 0, 0xfffff) << 12;
        break;
      }
      case 'a': d.imm = read.target(text, -(1 << 20), (1 << 20) - 2); break;
      case 'p': d.imm = read.target(text, -4096, 4094); break;
      case '>': d.imm = read.imm(text, 0, 63); break;
      case '<': d.imm = read.imm(text, 0, 31); break;
      case 'E': d.imm = read.csr(text); break;
      case 'Z': d.rs1 = read.imm(text, 0, 31); break;
      case 'm': d.rm = read.roundingMode(text); break;
      case 'P': d.imm = read.fenceSet(text) << 4; break;
      case 'Q': d.imm |= read.fenceSet(text); break;
    }
  });
  sink.emit(encode(d), 4);
}

/**
 * Assembles one instruction statement: a base instruction (with `.aq`/`.rl`
 * suffixes for atomics), an explicit compressed mnemonic, or a
 * pseudo-instruction, appending the result to `sink`.
 *
 * @throws AsmError for an unknown mnemonic or bad operands.
 */
export function assembleInstruction(mnemonic: string, ops: readonly string[], read: OperandReader, sink: InstructionSink): void {
  const name = mnemonic.toLowerCase();
  if (assemblePseudo(name, ops, read, sink)) return;
  const compressed = assembleCompressed(name, ops, read);
  if (compressed !== undefined) {
    sink.emit(compressed, 2);
    return;
  }
  const found = lookupForm(name);
  if (found === undefined) throw new AsmError(`unknown mnemonic \`${mnemonic}\``);
  assembleForm(found.form, found.ordering, ops, read, sink);
}
