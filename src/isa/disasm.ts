import { csrName } from './csr-names.js';
import type { Decoded } from './decoded.js';
import { decode } from './decode.js';
import { disassembleCompressed } from './disasm-compressed.js';
import { formOf } from './forms.js';
import { Op } from './opcodes.js';
import { F_REGISTER_NAMES, X_REGISTER_NAMES } from './registers.js';

/** Options of {@link disassemble}. */
export interface DisassembleOptions {
  /**
   * Print pseudo-instructions and expanded names as `objdump -d` does
   * (default), or, when false, the real instructions with `c.` names for
   * compressed ones, as `objdump -d -M no-aliases` does.
   */
  aliases?: boolean;
}

const ROUNDING_MODE_NAMES = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'unknown', 'unknown', 'dyn'];
const ORDERING_SUFFIXES = ['', '.rl', '.aq', '.aqrl'];

/** Shared operand formatting for the 32-bit and compressed printers. */
export class OperandPrinter {
  constructor(private readonly pc: bigint | undefined) {}

  /** An integer register. */
  x(reg: number): string {
    return X_REGISTER_NAMES[reg]!;
  }

  /** A floating-point register. */
  f(reg: number): string {
    return F_REGISTER_NAMES[reg]!;
  }

  /** A branch or jump target: absolute hex when the pc is known, else `.+offset`. */
  target(offset: number): string {
    if (this.pc === undefined) return offset < 0 ? `.${offset}` : `.+${offset}`;
    return `0x${BigInt.asUintN(64, this.pc + BigInt(offset)).toString(16)}`;
  }

  /** An unsigned value in hex (`0x3f`), as objdump prints shift amounts and upper immediates. */
  hex(value: number): string {
    return `0x${(value >>> 0).toString(16)}`;
  }

  /** A CSR by name, or its number in hex. */
  csr(csr: number): string {
    return csrName(csr) ?? this.hex(csr);
  }

  /** `offset(base)`. */
  memory(offset: number, base: number): string {
    return `${offset}(${this.x(base)})`;
  }

  /** A fence predecessor or successor set (`iorw`, `rw`, ... or `0`). */
  fenceSet(bits: number): string {
    const set = (bits & 8 ? 'i' : '') + (bits & 4 ? 'o' : '') + (bits & 2 ? 'r' : '') + (bits & 1 ? 'w' : '');
    return set === '' ? '0' : set;
  }
}

/** The instruction as objdump -M no-aliases prints a 32-bit form. */
function plain(d: Decoded, p: OperandPrinter): string {
  const form = formOf(d.op)!;
  const name = form.atomic ? form.name + ORDERING_SUFFIXES[d.rm & 3]! : form.name;
  const ops: string[] = [];
  for (const arg of form.args) {
    switch (arg) {
      case 'd': ops.push(p.x(d.rd)); break;
      case 's': ops.push(p.x(d.rs1)); break;
      case 't': ops.push(p.x(d.rs2)); break;
      case 'D': ops.push(p.f(d.rd)); break;
      case 'S': ops.push(p.f(d.rs1)); break;
      case 'T': ops.push(p.f(d.rs2)); break;
      case 'R': ops.push(p.f(d.rs3)); break;
      case 'j': ops.push(String(d.imm)); break;
      case 'o': case 'q': ops.push(p.memory(d.imm, d.rs1)); break;
      case 'A': ops.push(`(${p.x(d.rs1)})`); break;
      case 'u': ops.push(p.hex((d.imm >>> 12) & 0xfffff)); break;
      case 'a': case 'p': ops.push(p.target(d.imm)); break;
      case '>': case '<': ops.push(p.hex(d.imm)); break;
      case 'E': ops.push(p.csr(d.imm)); break;
      case 'Z': ops.push(String(d.rs1)); break;
      case 'm': if (d.rm !== form.defaultRm) ops.push(ROUNDING_MODE_NAMES[d.rm]!); break;
      case 'P': ops.push(p.fenceSet((d.imm >> 4) & 15)); break;
      case 'Q': ops.push(p.fenceSet(d.imm & 15)); break;
    }
  }
  return ops.length === 0 ? name : `${name} ${ops.join(',')}`;
}

const IMMEDIATE_ALIASES: Partial<Record<Op, string>> = {
  [Op.XORI]: 'xor', [Op.ORI]: 'or', [Op.ANDI]: 'and', [Op.SLLI]: 'sll', [Op.SRLI]: 'srl', [Op.SRAI]: 'sra',
  [Op.SLLIW]: 'sllw', [Op.SRLIW]: 'srlw', [Op.SRAIW]: 'sraw',
};

const FP_CSR_ALIASES: Readonly<Record<number, readonly [read: string, write: string, writeImmediate: string]>> = {
  0x001: ['frflags', 'fsflags', 'fsflagsi'],
  0x002: ['frrm', 'fsrm', 'fsrmi'],
  0x003: ['frcsr', 'fscsr', 'fscsri'],
};
const COUNTER_READS: Readonly<Record<number, string>> = { 0xc00: 'rdcycle', 0xc01: 'rdtime', 0xc02: 'rdinstret' };

function csrAlias(d: Decoded, p: OperandPrinter): string | undefined {
  const csr = p.csr(d.imm);
  const fp = FP_CSR_ALIASES[d.imm];
  switch (d.op) {
    case Op.CSRRS:
      if (d.rs1 === 0) {
        const reader = COUNTER_READS[d.imm] ?? fp?.[0];
        return reader !== undefined ? `${reader} ${p.x(d.rd)}` : `csrr ${p.x(d.rd)},${csr}`;
      }
      return d.rd === 0 ? `csrs ${csr},${p.x(d.rs1)}` : undefined;
    case Op.CSRRC:
      return d.rd === 0 ? `csrc ${csr},${p.x(d.rs1)}` : undefined;
    case Op.CSRRW:
      if (fp !== undefined) return d.rd === 0 ? `${fp[1]} ${p.x(d.rs1)}` : `${fp[1]} ${p.x(d.rd)},${p.x(d.rs1)}`;
      return d.rd === 0 ? `csrw ${csr},${p.x(d.rs1)}` : undefined;
    case Op.CSRRWI:
      if (fp !== undefined && d.imm !== 0x003) return `${fp[2]} ${p.x(d.rd)},${d.rs1}`;
      return d.rd === 0 ? `csrw ${csr},${d.rs1}` : `csrrw ${p.x(d.rd)},${csr},${d.rs1}`;
    case Op.CSRRSI:
      return d.rd === 0 ? `csrs ${csr},${d.rs1}` : `csrrs ${p.x(d.rd)},${csr},${d.rs1}`;
    case Op.CSRRCI:
      return d.rd === 0 ? `csrc ${csr},${d.rs1}` : `csrrc ${p.x(d.rd)},${csr},${d.rs1}`;
    default:
      return undefined;
  }
}

/**
 * The pseudo-instruction objdump (binutils 2.40, default options) prints
 * for a base instruction, or `undefined` when it prints the real one.
 */
export function aliasOf(d: Decoded, p: OperandPrinter): string | undefined {
  const { rd, rs1, rs2, imm } = d;
  const x = (reg: number): string => p.x(reg);
  switch (d.op) {
    case Op.ADDI:
      if (rd === 0 && rs1 === 0 && imm === 0) return 'nop';
      if (rs1 === 0) return `li ${x(rd)},${imm}`;
      if (imm === 0) return `mv ${x(rd)},${x(rs1)}`;
      return `add ${x(rd)},${x(rs1)},${imm}`;
    case Op.ADDIW:
      return imm === 0 ? `sext.w ${x(rd)},${x(rs1)}` : `addw ${x(rd)},${x(rs1)},${imm}`;
    case Op.XORI:
      if (imm === -1) return `not ${x(rd)},${x(rs1)}`;
      return `xor ${x(rd)},${x(rs1)},${imm}`;
    case Op.ORI: case Op.ANDI:
      return `${IMMEDIATE_ALIASES[d.op]} ${x(rd)},${x(rs1)},${imm}`;
    case Op.SLLI: case Op.SRLI: case Op.SRAI: case Op.SLLIW: case Op.SRLIW: case Op.SRAIW:
      return `${IMMEDIATE_ALIASES[d.op]} ${x(rd)},${x(rs1)},${p.hex(imm)}`;
    case Op.SLTIU: return imm === 1 ? `seqz ${x(rd)},${x(rs1)}` : undefined;
    case Op.SUB: return rs1 === 0 ? `neg ${x(rd)},${x(rs2)}` : undefined;
    case Op.SUBW: return rs1 === 0 ? `negw ${x(rd)},${x(rs2)}` : undefined;
    case Op.SLTU: return rs1 === 0 ? `snez ${x(rd)},${x(rs2)}` : undefined;
    case Op.SLT:
      if (rs2 === 0) return `sltz ${x(rd)},${x(rs1)}`;
      return rs1 === 0 ? `sgtz ${x(rd)},${x(rs2)}` : undefined;
    case Op.BEQ: return rs2 === 0 ? `beqz ${x(rs1)},${p.target(imm)}` : undefined;
    case Op.BNE: return rs2 === 0 ? `bnez ${x(rs1)},${p.target(imm)}` : undefined;
    case Op.BGE:
      if (rs1 === 0) return `blez ${x(rs2)},${p.target(imm)}`;
      return rs2 === 0 ? `bgez ${x(rs1)},${p.target(imm)}` : undefined;
    case Op.BLT:
      if (rs2 === 0) return `bltz ${x(rs1)},${p.target(imm)}`;
      return rs1 === 0 ? `bgtz ${x(rs2)},${p.target(imm)}` : undefined;
    case Op.JAL:
      if (rd === 0) return `j ${p.target(imm)}`;
      return rd === 1 ? `jal ${p.target(imm)}` : undefined;
    case Op.JALR:
      if (rd === 0 && rs1 === 1 && imm === 0) return 'ret';
      if (rd === 0) return imm === 0 ? `jr ${x(rs1)}` : `jr ${p.memory(imm, rs1)}`;
      if (rd === 1) return imm === 0 ? `jalr ${x(rs1)}` : `jalr ${p.memory(imm, rs1)}`;
      return imm === 0 ? `jalr ${x(rd)},${x(rs1)}` : undefined;
    case Op.FENCE:
      if (rd !== 0 || rs1 !== 0) return undefined;
      return imm === 0x0ff ? 'fence' : undefined;
    case Op.SFENCE_VMA:
      if (rs2 !== 0) return undefined;
      return rs1 === 0 ? 'sfence.vma' : `sfence.vma ${x(rs1)}`;
    case Op.FSGNJ_S: case Op.FSGNJ_D: case Op.FSGNJN_S: case Op.FSGNJN_D: case Op.FSGNJX_S: case Op.FSGNJX_D: {
      if (rs1 !== rs2) return undefined;
      const name = formOf(d.op)!.name.replace('fsgnjn', 'fneg').replace('fsgnjx', 'fabs').replace('fsgnj', 'fmv');
      return `${name} ${p.f(rd)},${p.f(rs1)}`;
    }
    default:
      return csrAlias(d, p);
  }
}

/** `csrrw zero, cycle, zero`, which binutils calls `unimp` even without aliases. */
const UNIMP = 0xc0001073;
/** `fence rw,rw` with fence mode 1000, a real instruction of its own to binutils. */
const FENCE_TSO = 0x8330000f;

/** How objdump prints words that are no instruction (`.4byte 0x...`, `.2byte 0x...`), and the all-zero parcel. */
function notAnInstruction(d: Decoded, aliases: boolean): string {
  if (d.len === 2 && d.raw === 0) return aliases ? 'unimp' : 'c.unimp';
  return `.${d.len}byte 0x${(d.raw >>> 0).toString(16)}`;
}

/**
 * Disassembles an already decoded instruction (see {@link disassemble}).
 */
export function disassembleDecoded(d: Decoded, pc?: bigint, options: DisassembleOptions = {}): string {
  const aliases = options.aliases ?? true;
  if (d.op === Op.ILLEGAL) return notAnInstruction(d, aliases);
  const p = new OperandPrinter(pc);
  if (d.len === 4 && (d.raw === UNIMP || d.raw === FENCE_TSO)) return d.raw === UNIMP ? 'unimp' : 'fence.tso';
  if (d.len === 2) return disassembleCompressed(d, p, aliases, (expanded) => aliasOf(expanded, p) ?? plain(expanded, p));
  return (aliases ? aliasOf(d, p) : undefined) ?? plain(d, p);
}

/**
 * Disassembles the instruction in `raw` (a 16-bit parcel when `raw & 3 !== 3`,
 * else 32 bits) in GNU objdump style: `addi a0,a0,1`, `ld ra,8(sp)`,
 * `beq a0,a1,0x80000010` (absolute targets when `pc` is given, `.+16`
 * otherwise), `csrrw a0,mstatus,a1`, `fadd.d fa0,fa1,fa2,rtz`.
 * By default it matches `objdump -d` (pseudo-instructions, compressed
 * instructions under their expanded names); with `aliases: false` it matches
 * `objdump -d -M no-aliases`. Words that are no instruction print as
 * `.4byte 0x...` / `.2byte 0x...`.
 */
export function disassemble(raw: number, pc?: bigint, options?: DisassembleOptions): string {
  return disassembleDecoded(decode(raw), pc, options);
}
