import { AsmError, hi20, lo12 } from './asm-expr.js';
import type { InstructionSink } from './asm-instruction.js';
import type { OperandReader } from './asm-operands.js';
import { encode, fields } from './encode.js';
import { Op } from './opcodes.js';

const ZERO = 0;
const RA = 1;
const T1 = 6;
const CSR_FFLAGS = 0x001;
const CSR_FRM = 0x002;
const CSR_FCSR = 0x003;

type Pseudo = (ops: readonly string[], read: OperandReader, out: Emitter) => void;

/** Encodes and emits base instructions on behalf of a pseudo-instruction. */
class Emitter {
  constructor(readonly sink: InstructionSink) {}

  op(op: Op, values: Parameters<typeof fields>[1]): void {
    this.sink.emit(encode(fields(op, values)), 4);
  }
}

function count(ops: readonly string[], ...allowed: number[]): number {
  if (!allowed.includes(ops.length)) throw new AsmError(`expected ${allowed.join(' or ')} operands, got ${ops.length}`);
  return ops.length;
}

/**
 * Emits a sequence that loads the 64-bit `value` into `rd` (lui/addiw for
 * 32-bit values, otherwise a shifted recursive build, as LLVM's RISCVMatInt).
 */
function emitLoadImmediate(rd: number, value: bigint, out: Emitter): void {
  const v = BigInt.asIntN(64, value);
  if (v === BigInt.asIntN(32, v)) {
    const hi = Number(hi20(v));
    const lo = Number(lo12(v));
    if (hi !== 0) {
      out.op(Op.LUI, { rd, imm: hi << 12 });
      if (lo !== 0) out.op(Op.ADDIW, { rd, rs1: rd, imm: lo });
    } else {
      out.op(Op.ADDI, { rd, rs1: ZERO, imm: lo });
    }
    return;
  }
  const lo = lo12(v);
  let upper = BigInt.asUintN(64, v - lo) >> 12n;
  let shift = 12n;
  while ((upper & 1n) === 0n) {
    upper >>= 1n;
    shift++;
  }
  emitLoadImmediate(rd, BigInt.asIntN(Number(64n - shift), upper), out);
  out.op(Op.SLLI, { rd, rs1: rd, imm: Number(shift) });
  if (lo !== 0n) out.op(Op.ADDI, { rd, rs1: rd, imm: Number(lo) });
}

/** `auipc` + a second instruction using `%pcrel_lo` of the same target. */
function pcRelative(target: bigint, read: OperandReader, out: Emitter, hiReg: number, second: (lo: number) => void): void {
  const delta = target - read.scope.dot;
  read.check(delta, -0x80000800, 0x7ffff7ff, 1, 'pc-relative offset');
  out.sink.recordPcrelHi(target);
  out.op(Op.AUIPC, { rd: hiReg, imm: Number(hi20(delta)) << 12 });
  second(Number(lo12(delta)));
}

function twoRegister(op: Op, shape: (rd: number, rs: number) => Parameters<typeof fields>[1]): Pseudo {
  return (ops, read, out) => {
    count(ops, 2);
    out.op(op, shape(read.x(ops[0]!), read.x(ops[1]!)));
  };
}

function branchZero(op: Op, swap: boolean): Pseudo {
  return (ops, read, out) => {
    count(ops, 2);
    const rs = read.x(ops[0]!);
    const imm = read.target(ops[1]!, -4096, 4094);
    out.op(op, swap ? { rs1: ZERO, rs2: rs, imm } : { rs1: rs, rs2: ZERO, imm });
  };
}

function branchSwapped(op: Op): Pseudo {
  return (ops, read, out) => {
    count(ops, 3);
    out.op(op, { rs1: read.x(ops[1]!), rs2: read.x(ops[0]!), imm: read.target(ops[2]!, -4096, 4094) });
  };
}

function fpSignInject(op: Op): Pseudo {
  return (ops, read, out) => {
    count(ops, 2);
    const rs = read.f(ops[1]!);
    out.op(op, { rd: read.f(ops[0]!), rs1: rs, rs2: rs });
  };
}

function csrRead(csr: number | undefined): Pseudo {
  return (ops, read, out) => {
    count(ops, csr === undefined ? 2 : 1);
    out.op(Op.CSRRS, { rd: read.x(ops[0]!), rs1: ZERO, imm: csr ?? read.csr(ops[1]!) });
  };
}

function csrWrite(op: Op, immediate: boolean): Pseudo {
  return (ops, read, out) => {
    count(ops, 2);
    const source = immediate ? read.imm(ops[1]!, 0, 31) : read.x(ops[1]!);
    out.op(op, { rd: ZERO, rs1: source, imm: read.csr(ops[0]!) });
  };
}

/** `fscsr rs` / `fscsr rd, rs` and friends: swap a floating-point CSR. */
function fpCsrSwap(csr: number, immediate: boolean): Pseudo {
  return (ops, read, out) => {
    const n = count(ops, 1, 2);
    const rd = n === 2 ? read.x(ops[0]!) : ZERO;
    const sourceText = ops[n - 1]!;
    const rs1 = immediate ? read.imm(sourceText, 0, 31) : read.x(sourceText);
    out.op(immediate ? Op.CSRRWI : Op.CSRRW, { rd, rs1, imm: csr });
  };
}

const PSEUDO: ReadonlyMap<string, Pseudo> = new Map<string, Pseudo>([
  ['nop', (ops, _read, out) => (count(ops, 0), out.op(Op.ADDI, {}))],
  ['li', (ops, read, out) => {
    count(ops, 2);
    const value = read.value(ops[1]!);
    if (read.scope.final && (value < -(1n << 63n) || value >= 1n << 64n)) throw new AsmError(`immediate ${value} does not fit in 64 bits`);
    emitLoadImmediate(read.x(ops[0]!), value, out);
  }],
  ['la', (ops, read, out) => loadAddress(ops, read, out)],
  ['lla', (ops, read, out) => loadAddress(ops, read, out)],
  ['mv', twoRegister(Op.ADDI, (rd, rs1) => ({ rd, rs1 }))],
  ['not', twoRegister(Op.XORI, (rd, rs1) => ({ rd, rs1, imm: -1 }))],
  ['neg', twoRegister(Op.SUB, (rd, rs2) => ({ rd, rs2 }))],
  ['negw', twoRegister(Op.SUBW, (rd, rs2) => ({ rd, rs2 }))],
  ['sext.w', twoRegister(Op.ADDIW, (rd, rs1) => ({ rd, rs1 }))],
  ['seqz', twoRegister(Op.SLTIU, (rd, rs1) => ({ rd, rs1, imm: 1 }))],
  ['snez', twoRegister(Op.SLTU, (rd, rs2) => ({ rd, rs2 }))],
  ['sltz', twoRegister(Op.SLT, (rd, rs1) => ({ rd, rs1 }))],
  ['sgtz', twoRegister(Op.SLT, (rd, rs2) => ({ rd, rs2 }))],
  ['beqz', branchZero(Op.BEQ, false)],
  ['bnez', branchZero(Op.BNE, false)],
  ['blez', branchZero(Op.BGE, true)],
  ['bgez', branchZero(Op.BGE, false)],
  ['bltz', branchZero(Op.BLT, false)],
  ['bgtz', branchZero(Op.BLT, true)],
  ['bgt', branchSwapped(Op.BLT)],
  ['ble', branchSwapped(Op.BGE)],
  ['bgtu', branchSwapped(Op.BLTU)],
  ['bleu', branchSwapped(Op.BGEU)],
  ['j', (ops, read, out) => (count(ops, 1), out.op(Op.JAL, { rd: ZERO, imm: read.target(ops[0]!, -(1 << 20), (1 << 20) - 2) }))],
  ['jr', (ops, read, out) => (count(ops, 1), out.op(Op.JALR, { rd: ZERO, rs1: read.x(ops[0]!) }))],
  ['ret', (ops, _read, out) => (count(ops, 0), out.op(Op.JALR, { rd: ZERO, rs1: RA }))],
  ['call', (ops, read, out) => {
    const n = count(ops, 1, 2);
    const rd = n === 2 ? read.x(ops[0]!) : RA;
    pcRelative(read.value(ops[n - 1]!), read, out, rd, (imm) => out.op(Op.JALR, { rd, rs1: rd, imm }));
  }],
  ['tail', (ops, read, out) => {
    count(ops, 1);
    pcRelative(read.value(ops[0]!), read, out, T1, (imm) => out.op(Op.JALR, { rd: ZERO, rs1: T1, imm }));
  }],
  ['csrr', csrRead(undefined)],
  ['csrw', csrWrite(Op.CSRRW, false)],
  ['csrs', csrWrite(Op.CSRRS, false)],
  ['csrc', csrWrite(Op.CSRRC, false)],
  ['csrwi', csrWrite(Op.CSRRWI, true)],
  ['csrsi', csrWrite(Op.CSRRSI, true)],
  ['csrci', csrWrite(Op.CSRRCI, true)],
  ['frcsr', csrRead(CSR_FCSR)],
  ['frrm', csrRead(CSR_FRM)],
  ['frflags', csrRead(CSR_FFLAGS)],
  ['fscsr', fpCsrSwap(CSR_FCSR, false)],
  ['fsrm', fpCsrSwap(CSR_FRM, false)],
  ['fsflags', fpCsrSwap(CSR_FFLAGS, false)],
  ['fsrmi', fpCsrSwap(CSR_FRM, true)],
  ['fsflagsi', fpCsrSwap(CSR_FFLAGS, true)],
  ['rdcycle', csrRead(0xc00)],
  ['rdtime', csrRead(0xc01)],
  ['rdinstret', csrRead(0xc02)],
  ['fmv.s', fpSignInject(Op.FSGNJ_S)],
  ['fmv.d', fpSignInject(Op.FSGNJ_D)],
  ['fneg.s', fpSignInject(Op.FSGNJN_S)],
  ['fneg.d', fpSignInject(Op.FSGNJN_D)],
  ['fabs.s', fpSignInject(Op.FSGNJX_S)],
  ['fabs.d', fpSignInject(Op.FSGNJX_D)],
  ['unimp', (ops, _read, out) => (count(ops, 0), out.sink.emit(0xc0001073, 4))],
  ['fence.tso', (ops, _read, out) => (count(ops, 0), out.op(Op.FENCE, { imm: 0x833 }))],
]);

function loadAddress(ops: readonly string[], read: OperandReader, out: Emitter): void {
  count(ops, 2);
  const rd = read.x(ops[0]!);
  pcRelative(read.value(ops[1]!), read, out, rd, (imm) => out.op(Op.ADDI, { rd, rs1: rd, imm }));
}

/** Short forms of base mnemonics, chosen by operand count. */
function overloaded(name: string, ops: readonly string[], read: OperandReader, out: Emitter): boolean {
  switch (name) {
    case 'jal':
      if (ops.length !== 1) return false;
      out.op(Op.JAL, { rd: RA, imm: read.target(ops[0]!, -(1 << 20), (1 << 20) - 2) });
      return true;
    case 'jalr':
      if (ops.length === 1) {
        out.op(Op.JALR, { rd: RA, rs1: read.x(ops[0]!) });
      } else if (ops.length === 3) {
        out.op(Op.JALR, { rd: read.x(ops[0]!), rs1: read.x(ops[1]!), imm: read.imm(ops[2]!, -2048, 2047) });
      } else if (ops.length === 2 && !ops[1]!.includes('(')) {
        out.op(Op.JALR, { rd: read.x(ops[0]!), rs1: read.x(ops[1]!) });
      } else {
        return false;
      }
      return true;
    case 'fence':
      if (ops.length !== 0) return false;
      out.op(Op.FENCE, { imm: 0xff });
      return true;
    case 'sfence.vma':
      if (ops.length > 1) return false;
      out.op(Op.SFENCE_VMA, { rs1: ops.length === 1 ? read.x(ops[0]!) : ZERO });
      return true;
    default:
      return false;
  }
}

/**
 * Assembles a pseudo-instruction (or a short form of a base one, like
 * `jal label` or `fence`); returns false if `name` is none of them.
 */
export function assemblePseudo(name: string, ops: readonly string[], read: OperandReader, sink: InstructionSink): boolean {
  const out = new Emitter(sink);
  if (overloaded(name, ops, read, out)) return true;
  const pseudo = PSEUDO.get(name);
  if (pseudo === undefined) return false;
  pseudo(ops, read, out);
  return true;
}
