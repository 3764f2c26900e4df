import { AsmError, evaluate, type ExprScope } from './asm-expr.js';
import { csrNumber } from './csr-names.js';
import { parseFRegister, parseXRegister } from './registers.js';

const ROUNDING_MODES: Readonly<Record<string, number>> = { rne: 0, rtz: 1, rdn: 2, rup: 3, rmm: 4, dyn: 7 };

/** A memory operand `offset(base)`. */
export interface MemoryOperand {
  readonly offset: bigint;
  readonly base: number;
}

/**
 * Reads the operands of one statement: registers, immediates with range
 * checks (only on the final pass, when every symbol has its final value),
 * memory operands and branch targets relative to the statement's address.
 */
export class OperandReader {
  constructor(readonly scope: ExprScope) {}

  /** An integer register. */
  x(text: string): number {
    const reg = parseXRegister(text);
    if (reg < 0) throw new AsmError(`bad integer register \`${text.trim()}\``);
    return reg;
  }

  /** A floating-point register. */
  f(text: string): number {
    const reg = parseFRegister(text);
    if (reg < 0) throw new AsmError(`bad floating-point register \`${text.trim()}\``);
    return reg;
  }

  /** An integer register from x8..x15 (the compressed `rd'` set), as 0..7. */
  xPrime(text: string): number {
    const reg = this.x(text);
    if (reg < 8 || reg > 15) throw new AsmError(`register \`${text.trim()}\` is not one of x8..x15`);
    return reg - 8;
  }

  /** An FP register from f8..f15, as 0..7. */
  fPrime(text: string): number {
    const reg = this.f(text);
    if (reg < 8 || reg > 15) throw new AsmError(`register \`${text.trim()}\` is not one of f8..f15`);
    return reg - 8;
  }

  /** Evaluates an expression. */
  value(text: string): bigint {
    return evaluate(text, this.scope);
  }

  /** An immediate in `min..max` that is a multiple of `align` (checked on the final pass). */
  imm(text: string, min: number, max: number, align = 1): number {
    return this.check(this.value(text), min, max, align, 'immediate');
  }

  /** Checks a value against a range on the final pass and returns it as a number. */
  check(value: bigint, min: number, max: number, align: number, what: string): number {
    if (this.scope.final) {
      if (value < BigInt(min) || value > BigInt(max)) throw new AsmError(`${what} ${value} out of range ${min}..${max}`);
      if (value % BigInt(align) !== 0n) throw new AsmError(`${what} ${value} is not a multiple of ${align}`);
    }
    return Number(BigInt.asIntN(32, value));
  }

  /** A branch or jump target: the byte offset from this statement, in `min..max`, even. */
  target(text: string, min: number, max: number): number {
    return this.check(this.value(text) - this.scope.dot, min, max, 2, 'branch offset');
  }

  /** A memory operand `offset(base)` or `(base)` (offset 0). */
  memory(text: string): MemoryOperand {
    const match = /^(.*)\(\s*([\w$.]+)\s*\)\s*$/.exec(text.trim());
    if (match === null) throw new AsmError(`expected offset(register), got \`${text.trim()}\``);
    const offsetText = match[1]!.trim();
    return { offset: offsetText === '' ? 0n : this.value(offsetText), base: this.x(match[2]!) };
  }

  /** A CSR given by name or number. */
  csr(text: string): number {
    const named = csrNumber(text.trim());
    if (named !== undefined) return named;
    if (/^[a-z_][\w]*$/i.test(text.trim()) && this.scope.symbol(text.trim()) === undefined) {
      throw new AsmError(`unknown CSR \`${text.trim()}\``);
    }
    return this.imm(text, 0, 4095);
  }

  /** A rounding mode name (`rne`, `rtz`, `rdn`, `rup`, `rmm`, `dyn`). */
  roundingMode(text: string): number {
    const rm = ROUNDING_MODES[text.trim().toLowerCase()];
    if (rm === undefined) throw new AsmError(`bad rounding mode \`${text.trim()}\``);
    return rm;
  }

  /** A fence set (`iorw`, any subset in that order), as its 4-bit mask. */
  fenceSet(text: string): number {
    const set = text.trim().toLowerCase();
    if (!/^i?o?r?w?$/.test(set) || set === '') throw new AsmError(`bad fence operand \`${text.trim()}\``);
    return (set.includes('i') ? 8 : 0) | (set.includes('o') ? 4 : 0) | (set.includes('r') ? 2 : 0) | (set.includes('w') ? 1 : 0);
  }
}

/** Splits an operand list at top-level commas (not inside parentheses or quotes). */
export function splitOperands(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed[i]!;
    if (quote !== '') {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(trimmed.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(trimmed.slice(start).trim());
  return parts;
}
