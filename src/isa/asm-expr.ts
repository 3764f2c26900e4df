/**
 * Expressions of the test assembler: integers, symbols, `.`, numeric local
 * label references (`1b`, `1f`), C operators, and the relocation operators
 * `%hi`, `%lo`, `%pcrel_hi`, `%pcrel_lo`, all evaluated to 64-bit values.
 */

/** An assembly error; `line` is the 1-based source line once known. */
export class AsmError extends Error {
  /** The one-line message without the line prefix. */
  readonly detail: string;
  /** The 1-based source line, if known. */
  readonly line: number | undefined;

  constructor(detail: string, line?: number) {
    super(line === undefined ? detail : `line ${line}: ${detail}`);
    this.name = 'AsmError';
    this.detail = detail;
    this.line = line;
  }
}

/** What an expression can see: symbols, the location counter, `%pcrel_hi` sites. */
export interface ExprScope {
  /** The address of the current statement (`.`). */
  readonly dot: bigint;
  /** True on the last pass: undefined symbols are errors instead of reading as 0. */
  readonly final: boolean;
  /** A symbol's value, a numeric label reference (`1b`) included; `undefined` if not (yet) defined. */
  symbol(name: string): bigint | undefined;
  /** The target of the `%pcrel_hi` relocation at `address`, if one was seen there. */
  pcrelHiTarget(address: bigint): bigint | undefined;
}

/** The upper 20 bits that, with the sign-extended `lo12`, rebuild `value`. */
export function hi20(value: bigint): bigint {
  return ((value + 0x800n) >> 12n) & 0xfffffn;
}

/** The sign-extended low 12 bits of `value`. */
export function lo12(value: bigint): bigint {
  return BigInt.asIntN(12, value);
}

const TOKEN = /\s*(0[xX][0-9a-fA-F]+|0[bB][01]+|\d+[bf](?![\w.$])|\d+|'(?:\\.|[^\\'])'|%[a-z_]+|[A-Za-z_.$][\w.$]*|<<|>>|[-+*/%&|^~()])/y;

class Parser {
  private readonly tokens: string[] = [];
  private position = 0;

  constructor(text: string, private readonly scope: ExprScope) {
    TOKEN.lastIndex = 0;
    let at = 0;
    while (at < text.length) {
      if (/^\s*$/.test(text.slice(at))) break;
      TOKEN.lastIndex = at;
      const match = TOKEN.exec(text);
      if (match === null) throw new AsmError(`bad expression \`${text.trim()}\``);
      this.tokens.push(match[1]!);
      at = TOKEN.lastIndex;
    }
    if (this.tokens.length === 0) throw new AsmError('missing expression');
  }

  parse(): bigint {
    const value = this.binary(0);
    if (this.position !== this.tokens.length) throw new AsmError(`unexpected \`${this.tokens[this.position]}\` in expression`);
    return value;
  }

  private static readonly LEVELS: readonly (readonly string[])[] = [['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];

  private binary(level: number): bigint {
    if (level === Parser.LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const op = this.tokens[this.position];
      if (op === undefined || !Parser.LEVELS[level]!.includes(op)) return left;
      this.position++;
      const right = this.binary(level + 1);
      left = BigInt.asIntN(64, apply(op, left, right));
    }
  }

  private unary(): bigint {
    const token = this.next();
    if (token === '-') return BigInt.asIntN(64, -this.unary());
    if (token === '+') return this.unary();
    if (token === '~') return ~this.unary();
    if (token === '(') {
      const value = this.binary(0);
      this.expect(')');
      return value;
    }
    if (token.startsWith('%')) return this.relocation(token);
    if (/^\d/.test(token) && !/^\d+[bf]$/.test(token)) return BigInt.asIntN(64, BigInt(token));
    if (token.startsWith("'")) return BigInt(unescapeChar(token.slice(1, -1)).charCodeAt(0));
    if (token === '.') return this.scope.dot;
    if (/^[\w.$]/.test(token)) return this.lookup(token);
    throw new AsmError(`unexpected \`${token}\` in expression`);
  }

  private relocation(name: string): bigint {
    this.expect('(');
    const value = this.binary(0);
    this.expect(')');
    switch (name) {
      case '%hi': return hi20(value);
      case '%lo': return lo12(value);
      case '%pcrel_hi': return hi20(value - this.scope.dot);
      case '%pcrel_lo': {
        const target = this.scope.pcrelHiTarget(value);
        if (target === undefined) {
          if (this.scope.final) throw new AsmError('%pcrel_lo must name the label of an auipc with %pcrel_hi');
          return 0n;
        }
        return lo12(target - value);
      }
      default: throw new AsmError(`unknown relocation ${name}`);
    }
  }

  private lookup(name: string): bigint {
    const value = this.scope.symbol(name);
    if (value !== undefined) return value;
    if (this.scope.final) throw new AsmError(`undefined symbol \`${name}\``);
    return 0n;
  }

  private next(): string {
    const token = this.tokens[this.position++];
    if (token === undefined) throw new AsmError('incomplete expression');
    return token;
  }

  private expect(token: string): void {
    if (this.next() !== token) throw new AsmError(`expected \`${token}\` in expression`);
  }
}

function apply(op: string, a: bigint, b: bigint): bigint {
  switch (op) {
    case '|': return a | b;
    case '^': return a ^ b;
    case '&': return a & b;
    case '<<': return a << (b & 63n);
    case '>>': return a >> (b & 63n);
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    default:
      if (b === 0n) throw new AsmError('division by zero');
      return op === '/' ? a / b : a % b;
  }
}

/** Decodes one character escape of a character or string literal (`\n`, `\\`, ...). */
export function unescapeChar(text: string): string {
  if (!text.startsWith('\\')) return text;
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', e: '\x1b' };
  const escaped = escapes[text[1]!];
  if (escaped === undefined) throw new AsmError(`unknown escape \`${text}\``);
  return escaped;
}

/** Evaluates an assembler expression to a signed 64-bit value. */
export function evaluate(text: string, scope: ExprScope): bigint {
  return new Parser(text, scope).parse();
}
