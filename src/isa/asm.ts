import { AsmError, evaluate, unescapeChar, type ExprScope } from './asm-expr.js';
import { assembleInstruction, type InstructionSink } from './asm-instruction.js';
import { OperandReader, splitOperands } from './asm-operands.js';

export { AsmError } from './asm-expr.js';

/** Options of {@link assemble}. */
export interface AssembleOptions {
  /** The address of the first byte (default 0). */
  origin?: bigint;
}

/** The output of {@link assemble}. */
export interface AssembleResult {
  /** The image, starting at `origin`. */
  bytes: Uint8Array;
  /** Every label and `.equ` symbol with its value (numeric local labels excluded). */
  symbols: Map<string, bigint>;
}

interface Statement {
  readonly line: number;
  readonly kind: 'label' | 'directive' | 'instruction';
  readonly name: string;
  readonly operands: string;
}

const LABEL = /^\s*([A-Za-z_.$][\w.$]*|\d+)\s*:/;
const ASSIGNMENT = /^\s*([A-Za-z_.$][\w.$]*)\s*=(.*)$/;
const MNEMONIC = /^\s*([A-Za-z_.][\w.]*)\s*(.*)$/;

/** Cuts a line at its comment (`#` or `//`) and splits it at `;`, honouring quotes. */
function statementsOfLine(text: string): string[] {
  const parts: string[] = [];
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== '') {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      parts.push(text.slice(start, i));
      return parts;
    } else if (c === ';') {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function parse(source: string): Statement[] {
  const statements: Statement[] = [];
  source.split('\n').forEach((lineText, i) => {
    const line = i + 1;
    for (let text of statementsOfLine(lineText)) {
      for (let label = LABEL.exec(text); label !== null; label = LABEL.exec(text)) {
        statements.push({ line, kind: 'label', name: label[1]!, operands: '' });
        text = text.slice(label[0].length);
      }
      if (text.trim() === '') continue;
      const assignment = ASSIGNMENT.exec(text);
      if (assignment !== null) {
        statements.push({ line, kind: 'directive', name: '.set', operands: `${assignment[1]!},${assignment[2]!}` });
        continue;
      }
      const mnemonic = MNEMONIC.exec(text);
      if (mnemonic === null) throw new AsmError(`cannot parse \`${text.trim()}\``, line);
      const name = mnemonic[1]!;
      statements.push({ line, kind: name.startsWith('.') ? 'directive' : 'instruction', name, operands: mnemonic[2]! });
    }
  });
  return statements;
}

/** Parses a string literal with C escapes into its bytes. */
function stringBytes(text: string): number[] {
  const match = /^"((?:\\.|[^"\\])*)"$/.exec(text.trim());
  if (match === null) throw new AsmError(`expected a string, got \`${text.trim()}\``);
  const body = match[1]!;
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') {
      bytes.push(...Buffer.from(body[i]!, 'utf8'));
      continue;
    }
    const octal = /^[0-7]{1,3}/.exec(body.slice(i + 1));
    const hex = /^x([0-9a-fA-F]{1,2})/.exec(body.slice(i + 1));
    if (octal !== null) {
      bytes.push(parseInt(octal[0], 8) & 0xff);
      i += octal[0].length;
    } else if (hex !== null) {
      bytes.push(parseInt(hex[1]!, 16));
      i += hex[0].length;
    } else {
      bytes.push(unescapeChar(body.slice(i, i + 2)).charCodeAt(0));
      i++;
    }
  }
  return bytes;
}

const DATA_WIDTHS: Readonly<Record<string, number>> = {
  '.byte': 1, '.half': 2, '.short': 2, '.2byte': 2, '.word': 4, '.long': 4, '.4byte': 4, '.dword': 8, '.quad': 8, '.8byte': 8,
};

const IGNORED_DIRECTIVES = new Set(['.globl', '.global', '.text', '.type', '.size', '.local']);

/** One pass over the statements: lays out every address, and on the final pass checks and emits. */
class Pass implements InstructionSink {
  readonly bytes: number[] = [];
  private pc: bigint;
  private index = 0;
  private statementPc = 0n;

  constructor(
    private readonly statements: readonly Statement[],
    origin: bigint,
    private readonly final: boolean,
    private readonly symbols: Map<string, bigint>,
    private readonly labelAddresses: (bigint | undefined)[],
    private readonly pcrelHi: Map<bigint, bigint>,
  ) {
    this.pc = origin;
  }

  run(): void {
    const defined = new Set<string>();
    for (this.index = 0; this.index < this.statements.length; this.index++) {
      const statement = this.statements[this.index]!;
      try {
        this.statementPc = this.pc;
        if (statement.kind === 'label') this.defineLabel(statement.name, defined);
        else if (statement.kind === 'directive') this.directive(statement);
        else assembleInstruction(statement.name, splitOperands(statement.operands), new OperandReader(this.scope()), this);
      } catch (error) {
        if (error instanceof AsmError && error.line === undefined) throw new AsmError(error.detail, statement.line);
        throw error;
      }
    }
  }

  emit(bits: number, size: 2 | 4): void {
    this.pushLittleEndian(BigInt(bits >>> 0), size);
  }

  recordPcrelHi(target: bigint): void {
    this.pcrelHi.set(this.statementPc, target);
  }

  private defineLabel(name: string, defined: Set<string>): void {
    this.labelAddresses[this.index] = this.pc;
    if (/^\d+$/.test(name)) return;
    if (defined.has(name)) throw new AsmError(`label \`${name}\` defined twice`);
    defined.add(name);
    this.symbols.set(name, this.pc);
  }

  private scope(): ExprScope {
    const pc = this.statementPc;
    return {
      dot: pc,
      final: this.final,
      symbol: (name) => this.lookup(name),
      pcrelHiTarget: (address) => this.pcrelHi.get(address),
    };
  }

  private lookup(name: string): bigint | undefined {
    const local = /^(\d+)([bf])$/.exec(name);
    if (local === null) return this.symbols.get(name);
    const [, label, direction] = local;
    const step = direction === 'b' ? -1 : 1;
    for (let i = direction === 'b' ? this.index : this.index + 1; i >= 0 && i < this.statements.length; i += step) {
      const statement = this.statements[i]!;
      if (statement.kind === 'label' && statement.name === label) return this.labelAddresses[i];
    }
    if (this.final) throw new AsmError(`undefined local label \`${name}\``);
    return undefined;
  }

  private pushLittleEndian(value: bigint, size: number): void {
    for (let i = 0; i < size; i++) this.bytes.push(Number((value >> BigInt(8 * i)) & 0xffn));
    this.pc += BigInt(size);
  }

  private value(text: string): bigint {
    return evaluate(text, this.scope());
  }

  private padTo(alignment: bigint, fill: number | undefined): void {
    if (alignment <= 0n || (alignment & (alignment - 1n)) !== 0n) throw new AsmError(`alignment ${alignment} is not a power of two`);
    let gap = Number((alignment - (this.pc % alignment)) % alignment);
    if (fill !== undefined) {
      for (; gap > 0; gap--) this.pushLittleEndian(BigInt(fill), 1);
      return;
    }
    if (gap % 2 === 1 || this.pc % 2n !== 0n) {
      for (; gap > 0; gap--) this.pushLittleEndian(0n, 1);
      return;
    }
    if (gap % 4 === 2) {
      this.emit(0x0001, 2);
      gap -= 2;
    }
    for (; gap > 0; gap -= 4) this.emit(0x00000013, 4);
  }

  private directive(statement: Statement): void {
    const name = statement.name.toLowerCase();
    const ops = splitOperands(statement.operands);
    const width = DATA_WIDTHS[name];
    if (width !== undefined) {
      for (const op of ops) {
        const value = this.value(op);
        const bits = BigInt(8 * width);
        if (this.final && (value < -(1n << (bits - 1n)) || value >= 1n << bits)) {
          throw new AsmError(`value ${value} does not fit in ${width} byte(s)`);
        }
        this.pushLittleEndian(BigInt.asUintN(8 * width, value), width);
      }
      return;
    }
    if (IGNORED_DIRECTIVES.has(name)) return;
    switch (name) {
      case '.align': case '.p2align':
        this.padTo(1n << this.argument(ops, 0, 0n, 16n), this.fill(ops));
        return;
      case '.balign':
        this.padTo(this.argument(ops, 0, 1n, 1n << 16n), this.fill(ops));
        return;
      case '.space': case '.skip': case '.zero': {
        const size = this.argument(ops, 0, 0n, 1n << 24n);
        const fill = BigInt(this.fill(ops) ?? 0);
        for (let i = 0n; i < size; i++) this.pushLittleEndian(fill, 1);
        return;
      }
      case '.equ': case '.set': {
        if (ops.length !== 2 || !/^[A-Za-z_.$][\w.$]*$/.test(ops[0]!)) throw new AsmError(`usage: ${name} NAME, value`);
        this.symbols.set(ops[0]!, this.value(ops[1]!));
        return;
      }
      case '.string': case '.asciz': case '.ascii':
        for (const op of ops) {
          for (const byte of stringBytes(op)) this.pushLittleEndian(BigInt(byte), 1);
          if (name !== '.ascii') this.pushLittleEndian(0n, 1);
        }
        return;
      case '.option':
        if (ops.length === 1 && ops[0] === 'norvc') return;
        throw new AsmError(`unsupported .option \`${statement.operands.trim()}\``);
      default:
        throw new AsmError(`unknown directive \`${statement.name}\``);
    }
  }

  private argument(ops: readonly string[], i: number, min: bigint, max: bigint): bigint {
    const text = ops[i];
    if (text === undefined) throw new AsmError('missing operand');
    const value = this.value(text);
    if (value < min || value > max) throw new AsmError(`operand ${value} out of range ${min}..${max}`);
    return value;
  }

  private fill(ops: readonly string[]): number | undefined {
    return ops.length > 1 ? Number(this.argument(ops, 1, -128n, 255n) & 0xffn) : undefined;
  }
}

const MAX_LAYOUT_PASSES = 16;

/**
 * Assembles GNU-as style RV64GC source (see the module's brief: base and
 * compressed instructions, pseudo-instructions, data directives, labels,
 * numeric local labels, `%hi`/`%lo`/`%pcrel_hi`/`%pcrel_lo`) into a flat
 * image starting at `options.origin`. Never compresses implicitly: only
 * `c.` mnemonics produce 2-byte instructions, as GNU as with `.option norvc`.
 *
 * @throws AsmError with the source line for any error.
 */
export function assemble(source: string, options: AssembleOptions = {}): AssembleResult {
  const origin = options.origin ?? 0n;
  const statements = parse(source);
  const symbols = new Map<string, bigint>();
  const labelAddresses: (bigint | undefined)[] = [];
  const pcrelHi = new Map<bigint, bigint>();
  let previous = '';
  for (let pass = 0; ; pass++) {
    if (pass === MAX_LAYOUT_PASSES) throw new AsmError('label addresses do not settle');
    new Pass(statements, origin, false, symbols, labelAddresses, pcrelHi).run();
    const layout = `${labelAddresses.join(',')};${[...symbols.values()].join(',')}`;
    if (layout === previous) break;
    previous = layout;
  }
  const last = new Pass(statements, origin, true, symbols, labelAddresses, pcrelHi);
  last.run();
  return { bytes: Uint8Array.from(last.bytes), symbols };
}
