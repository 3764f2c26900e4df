import { AsmError } from './asm-expr.js';
import type { OperandReader } from './asm-operands.js';

/** Encodes the operands of one compressed mnemonic as its 16-bit parcel. */
type CompressedEncoder = (ops: readonly string[], read: OperandReader) => number;

function bit(value: number, from: number, to: number): number {
  return ((value >> from) & 1) << to;
}

function bits(value: number, hi: number, lo: number, to: number): number {
  return ((value >> lo) & ((1 << (hi - lo + 1)) - 1)) << to;
}

function requireSp(read: OperandReader, text: string): void {
  if (read.x(text) !== 2) throw new AsmError(`expected sp, got \`${text.trim()}\``);
}

function nonZero(read: OperandReader, value: number, what: string): number {
  if (read.scope.final && value === 0) throw new AsmError(`${what} must not be zero`);
  return value;
}

function notX0(read: OperandReader, text: string): number {
  const reg = read.x(text);
  if (reg === 0) throw new AsmError(`register \`${text.trim()}\` must not be x0`);
  return reg;
}

/** CL/CS word offset: uimm[5:3] at 12..10, uimm[2] at 6, uimm[6] at 5. */
function wordOffset(uimm: number): number {
  return bits(uimm, 5, 3, 10) | bit(uimm, 2, 6) | bit(uimm, 6, 5);
}

/** CL/CS doubleword offset: uimm[5:3] at 12..10, uimm[7:6] at 6..5. */
function doubleOffset(uimm: number): number {
  return bits(uimm, 5, 3, 10) | bits(uimm, 7, 6, 5);
}

function registerOffset(width: 4 | 8, isFloat: boolean, quadrantFunct: number): CompressedEncoder {
  return (ops, read) => {
    expectCount(ops, 2);
    const mem = read.memory(ops[1]!);
    if (mem.base < 8 || mem.base > 15) throw new AsmError('base register must be one of x8..x15');
    const uimm = read.check(mem.offset, 0, width === 4 ? 124 : 248, width, 'offset');
    const reg = isFloat ? read.fPrime(ops[0]!) : read.xPrime(ops[0]!);
    const offset = width === 4 ? wordOffset(uimm) : doubleOffset(uimm);
    return quadrantFunct | offset | ((mem.base - 8) << 7) | (reg << 2);
  };
}

function stackLoad(width: 4 | 8, isFloat: boolean, quadrantFunct: number): CompressedEncoder {
  return (ops, read) => {
    expectCount(ops, 2);
    const mem = read.memory(ops[1]!);
    if (mem.base !== 2) throw new AsmError('base register must be sp');
    const uimm = read.check(mem.offset, 0, width === 4 ? 252 : 504, width, 'offset');
    const rd = isFloat ? read.f(ops[0]!) : notX0(read, ops[0]!);
    const offset = width === 4
      ? bit(uimm, 5, 12) | bits(uimm, 4, 2, 4) | bits(uimm, 7, 6, 2)
      : bit(uimm, 5, 12) | bits(uimm, 4, 3, 5) | bits(uimm, 8, 6, 2);
    return quadrantFunct | offset | (rd << 7);
  };
}

function stackStore(width: 4 | 8, isFloat: boolean, quadrantFunct: number): CompressedEncoder {
  return (ops, read) => {
    expectCount(ops, 2);
    const mem = read.memory(ops[1]!);
    if (mem.base !== 2) throw new AsmError('base register must be sp');
    const uimm = read.check(mem.offset, 0, width === 4 ? 252 : 504, width, 'offset');
    const rs2 = isFloat ? read.f(ops[0]!) : read.x(ops[0]!);
    const offset = width === 4 ? bits(uimm, 5, 2, 9) | bits(uimm, 7, 6, 7) : bits(uimm, 5, 3, 10) | bits(uimm, 8, 6, 7);
    return quadrantFunct | offset | (rs2 << 2);
  };
}

/** CI immediate: imm[5] at 12, imm[4:0] at 6..2. */
function ciImmediate(imm: number): number {
  return bit(imm, 5, 12) | bits(imm, 4, 0, 2);
}

function shiftRightOrAnd(funct2: number, isAnd: boolean): CompressedEncoder {
  return (ops, read) => {
    expectCount(ops, 2);
    const rd = read.xPrime(ops[0]!);
    const imm = isAnd ? read.imm(ops[1]!, -32, 31) : nonZero(read, read.imm(ops[1]!, 0, 63), 'shift amount');
    return 0x8001 | (funct2 << 10) | (rd << 7) | ciImmediate(imm);
  };
}

function arithmetic(word: boolean, funct2: number): CompressedEncoder {
  return (ops, read) => {
    expectCount(ops, 2);
    return 0x8c01 | (word ? 1 << 12 : 0) | (read.xPrime(ops[0]!) << 7) | (funct2 << 5) | (read.xPrime(ops[1]!) << 2);
  };
}

function branchZero(quadrantFunct: number): CompressedEncoder {
  return (ops, read) => {
    expectCount(ops, 2);
    const off = read.target(ops[1]!, -256, 254);
    return quadrantFunct | (read.xPrime(ops[0]!) << 7) | bit(off, 8, 12) | bits(off, 4, 3, 10) | bits(off, 7, 6, 5)
      | bits(off, 2, 1, 3) | bit(off, 5, 2);
  };
}

function expectCount(ops: readonly string[], count: number): void {
  if (ops.length !== count) throw new AsmError(`expected ${count} operands, got ${ops.length}`);
}

/** Every RV64C mnemonic (`c.addi`, `c.lw`, ...) with its encoder. */
const COMPRESSED: ReadonlyMap<string, CompressedEncoder> = new Map<string, CompressedEncoder>([
  ['c.unimp', (ops) => (expectCount(ops, 0), 0x0000)],
  ['c.addi4spn', (ops, read) => {
    expectCount(ops, 3);
    requireSp(read, ops[1]!);
    const uimm = nonZero(read, read.imm(ops[2]!, 0, 1020, 4), 'immediate');
    return 0x0000 | bits(uimm, 5, 4, 11) | bits(uimm, 9, 6, 7) | bit(uimm, 2, 6) | bit(uimm, 3, 5) | (read.xPrime(ops[0]!) << 2);
  }],
  ['c.fld', registerOffset(8, true, 0x2000)],
  ['c.lw', registerOffset(4, false, 0x4000)],
  ['c.ld', registerOffset(8, false, 0x6000)],
  ['c.fsd', registerOffset(8, true, 0xa000)],
  ['c.sw', registerOffset(4, false, 0xc000)],
  ['c.sd', registerOffset(8, false, 0xe000)],
  ['c.nop', (ops) => (expectCount(ops, 0), 0x0001)],
  ['c.addi', (ops, read) => {
    expectCount(ops, 2);
    return 0x0001 | (read.x(ops[0]!) << 7) | ciImmediate(read.imm(ops[1]!, -32, 31));
  }],
  ['c.addiw', (ops, read) => {
    expectCount(ops, 2);
    return 0x2001 | (notX0(read, ops[0]!) << 7) | ciImmediate(read.imm(ops[1]!, -32, 31));
  }],
  ['c.li', (ops, read) => {
    expectCount(ops, 2);
    return 0x4001 | (read.x(ops[0]!) << 7) | ciImmediate(read.imm(ops[1]!, -32, 31));
  }],
  ['c.addi16sp', (ops, read) => {
    expectCount(ops, 2);
    requireSp(read, ops[0]!);
    const imm = nonZero(read, read.imm(ops[1]!, -512, 496, 16), 'immediate');
    return 0x6101 | bit(imm, 9, 12) | bit(imm, 4, 6) | bit(imm, 6, 5) | bits(imm, 8, 7, 3) | bit(imm, 5, 2);
  }],
  ['c.lui', (ops, read) => {
    expectCount(ops, 2);
    const rd = read.x(ops[0]!);
    if (rd === 2) throw new AsmError('c.lui cannot target sp');
    const value = read.value(ops[1]!);
    const inRange = (value >= 1n && value <= 31n) || (value >= 0xfffe0n && value <= 0xfffffn);
    if (read.scope.final && !inRange) throw new AsmError(`immediate ${value} out of range 1..31 or 0xfffe0..0xfffff`);
    return 0x6001 | (rd << 7) | ciImmediate(Number(value & 0x3fn));
  }],
  ['c.srli', shiftRightOrAnd(0, false)],
  ['c.srai', shiftRightOrAnd(1, false)],
  ['c.andi', shiftRightOrAnd(2, true)],
  ['c.sub', arithmetic(false, 0)],
  ['c.xor', arithmetic(false, 1)],
  ['c.or', arithmetic(false, 2)],
  ['c.and', arithmetic(false, 3)],
  ['c.subw', arithmetic(true, 0)],
  ['c.addw', arithmetic(true, 1)],
  ['c.j', (ops, read) => {
    expectCount(ops, 1);
    const off = read.target(ops[0]!, -2048, 2046);
    return 0xa001 | bit(off, 11, 12) | bit(off, 4, 11) | bits(off, 9, 8, 9) | bit(off, 10, 8) | bit(off, 6, 7)
      | bit(off, 7, 6) | bits(off, 3, 1, 3) | bit(off, 5, 2);
  }],
  ['c.beqz', branchZero(0xc001)],
  ['c.bnez', branchZero(0xe001)],
  ['c.slli', (ops, read) => {
    expectCount(ops, 2);
    const rd = read.x(ops[0]!);
    return 0x0002 | (rd << 7) | ciImmediate(nonZero(read, read.imm(ops[1]!, 0, 63), 'shift amount'));
  }],
  ['c.fldsp', stackLoad(8, true, 0x2002)],
  ['c.lwsp', stackLoad(4, false, 0x4002)],
  ['c.ldsp', stackLoad(8, false, 0x6002)],
  ['c.jr', (ops, read) => (expectCount(ops, 1), 0x8002 | (notX0(read, ops[0]!) << 7))],
  ['c.mv', (ops, read) => (expectCount(ops, 2), 0x8002 | (read.x(ops[0]!) << 7) | (notX0(read, ops[1]!) << 2))],
  ['c.ebreak', (ops) => (expectCount(ops, 0), 0x9002)],
  ['c.jalr', (ops, read) => (expectCount(ops, 1), 0x9002 | (notX0(read, ops[0]!) << 7))],
  ['c.add', (ops, read) => (expectCount(ops, 2), 0x9002 | (read.x(ops[0]!) << 7) | (notX0(read, ops[1]!) << 2))],
  ['c.fsdsp', stackStore(8, true, 0xa002)],
  ['c.swsp', stackStore(4, false, 0xc002)],
  ['c.sdsp', stackStore(8, false, 0xe002)],
]);

/**
 * Assembles one explicit compressed mnemonic to its 16-bit parcel, or
 * returns `undefined` if `mnemonic` is not an RV64C mnemonic.
 */
export function assembleCompressed(mnemonic: string, ops: readonly string[], read: OperandReader): number | undefined {
  const encoder = COMPRESSED.get(mnemonic);
  return encoder === undefined ? undefined : encoder(ops, read);
}
