import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/isa/asm.js';
import { decode, decodeInto, instructionLength, isCompressed } from '../../../src/isa/decode.js';
import type { Decoded } from '../../../src/isa/decoded.js';
import { encode } from '../../../src/isa/encode.js';
import { formByName } from '../../../src/isa/forms.js';
import { Op } from '../../../src/isa/opcodes.js';
import { gnuDisassemble, RUN_BINUTILS_TESTS, SKIP_REASON } from './binutils.js';
import { allCompressedParcels, baseInstructionLines, COMPRESSED_LINES, parcelBytes, randomWords, wordBytes } from './samples.js';

function firstWord(bytes: Uint8Array): number {
  return bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true) : bytes[0]! | (bytes[1]! << 8);
}

function operands(d: Decoded): Omit<Decoded, 'raw' | 'len'> {
  return { op: d.op, rd: d.rd, rs1: d.rs1, rs2: d.rs2, rs3: d.rs3, imm: d.imm, rm: d.rm };
}

describe('decode', () => {
  it('inverts encode on every base form and sample operand (decode(encode(x)) = x)', () => {
    for (const line of baseInstructionLines()) {
      const raw = firstWord(assemble(line).bytes);
      const d = decode(raw);
      const mnemonic = line.split(' ')[0]!.replace(/\.(aqrl|aq|rl)$/, '');
      expect(d.op, line).toBe(formByName(mnemonic)!.op);
      expect(d.len).toBe(4);
      expect(d.raw).toBe(raw);
      expect(encode(d) >>> 0, line).toBe(raw);
      expect(operands(decode(encode(d)))).toEqual(operands(d));
    }
  });

  const cases: [string, Partial<Decoded>][] = [
    ['addi a0, a1, -2048', { op: Op.ADDI, rd: 10, rs1: 11, imm: -2048 }],
    ['lui a0, 0xfffff', { op: Op.LUI, rd: 10, imm: -4096 }],
    ['auipc t0, 0x80000', { op: Op.AUIPC, rd: 5, imm: -0x80000000 }],
    ['jal ra, .-1048576', { op: Op.JAL, rd: 1, imm: -1048576 }],
    ['jal zero, .+1048574', { op: Op.JAL, imm: 1048574 }],
    ['bgeu a0, a1, .-4096', { op: Op.BGEU, rs1: 10, rs2: 11, imm: -4096 }],
    ['bne a0, a1, .+4094', { op: Op.BNE, rs1: 10, rs2: 11, imm: 4094 }],
    ['sd ra, -8(sp)', { op: Op.SD, rs1: 2, rs2: 1, imm: -8 }],
    ['srai a0, a1, 63', { op: Op.SRAI, rd: 10, rs1: 11, imm: 63 }],
    ['sraiw a0, a1, 31', { op: Op.SRAIW, rd: 10, rs1: 11, imm: 31 }],
    ['csrrwi a0, mscratch, 31', { op: Op.CSRRWI, rd: 10, rs1: 31, imm: 0x340 }],
    ['csrrc a0, 0xfff, t0', { op: Op.CSRRC, rd: 10, rs1: 5, imm: 0xfff }],
    ['fence rw, w', { op: Op.FENCE, imm: 0x031 }],
    ['fence.tso', { op: Op.FENCE, imm: 0x833 }],
    ['sc.d.aqrl a0, a1, (a2)', { op: Op.SC_D, rd: 10, rs1: 12, rs2: 11, rm: 3 }],
    ['lr.w.aq a0, (a1)', { op: Op.LR_W, rd: 10, rs1: 11, rm: 2 }],
    ['fnmadd.d fa0, fa1, fa2, fa3, rmm', { op: Op.FNMADD_D, rd: 10, rs1: 11, rs2: 12, rs3: 13, rm: 4 }],
    ['fcvt.lu.d a0, fa0, rtz', { op: Op.FCVT_LU_D, rd: 10, rs1: 10, rm: 1 }],
    ['fcvt.d.lu fa0, a0', { op: Op.FCVT_D_LU, rd: 10, rs1: 10, rm: 7 }],
    ['fclass.d a0, fa0', { op: Op.FCLASS_D, rd: 10, rs1: 10 }],
    ['fle.s a0, fa0, fa1', { op: Op.FLE_S, rd: 10, rs1: 10, rs2: 11 }],
    ['fsgnjx.d fa0, fa1, fa2', { op: Op.FSGNJX_D, rd: 10, rs1: 11, rs2: 12 }],
    ['fmax.d fa0, fa1, fa2', { op: Op.FMAX_D, rd: 10, rs1: 11, rs2: 12 }],
    ['sfence.vma a0, a1', { op: Op.SFENCE_VMA, rs1: 10, rs2: 11 }],
    ['c.addi4spn a0, sp, 1020', { op: Op.ADDI, rd: 10, rs1: 2, imm: 1020, len: 2 }],
    ['c.addi16sp sp, -512', { op: Op.ADDI, rd: 2, rs1: 2, imm: -512, len: 2 }],
    ['c.lui a0, 0xfffe0', { op: Op.LUI, rd: 10, imm: -0x20000, len: 2 }],
    ['c.li a0, -32', { op: Op.ADDI, rd: 10, rs1: 0, imm: -32, len: 2 }],
    ['c.mv a0, a1', { op: Op.ADD, rd: 10, rs1: 0, rs2: 11, len: 2 }],
    ['c.add a0, a1', { op: Op.ADD, rd: 10, rs1: 10, rs2: 11, len: 2 }],
    ['c.jr ra', { op: Op.JALR, rd: 0, rs1: 1, imm: 0, len: 2 }],
    ['c.jalr a0', { op: Op.JALR, rd: 1, rs1: 10, imm: 0, len: 2 }],
    ['c.j .-2048', { op: Op.JAL, rd: 0, imm: -2048, len: 2 }],
    ['c.bnez s0, .+254', { op: Op.BNE, rs1: 8, rs2: 0, imm: 254, len: 2 }],
    ['c.ldsp ra, 504(sp)', { op: Op.LD, rd: 1, rs1: 2, imm: 504, len: 2 }],
    ['c.fsdsp fa0, 504(sp)', { op: Op.FSD, rs1: 2, rs2: 10, imm: 504, len: 2 }],
    ['c.sw a1, 124(a2)', { op: Op.SW, rs1: 12, rs2: 11, imm: 124, len: 2 }],
    ['c.srai a5, 63', { op: Op.SRAI, rd: 15, rs1: 15, imm: 63, len: 2 }],
    ['c.andi s0, -1', { op: Op.ANDI, rd: 8, rs1: 8, imm: -1, len: 2 }],
    ['c.addw a5, a0', { op: Op.ADDW, rd: 15, rs1: 15, rs2: 10, len: 2 }],
    ['c.ebreak', { op: Op.EBREAK, len: 2 }],
    ['c.nop', { op: Op.ADDI, rd: 0, rs1: 0, imm: 0, len: 2 }],
    ['c.addi zero, 1', { op: Op.ADDI, rd: 0, rs1: 0, imm: 1, len: 2 }],
  ];
  it.each(cases)('decodes %s', (line, expected) => {
    expect(decode(firstWord(assemble(line).bytes))).toMatchObject(expected);
  });

  const reserved: [string, number][] = [
    ['all-zero parcel', 0x0000],
    ['c.addi4spn nzuimm=0, rd!=0', 0x0004],
    ['c.lui imm=0', 0x6501],
    ['c.addi16sp imm=0', 0x6101],
    ['c.jr rs1=0', 0x8002],
    ['c.lwsp rd=0', 0x4002],
    ['c.ldsp rd=0', 0x6002],
    ['c.addiw rd=0', 0x2001],
    ['quadrant 0 funct3=100', 0x8000],
    ['c.subw-space funct 10', 0x9c41],
    ['c.subw-space funct 11', 0x9c61],
    ['all ones', 0xffffffff],
    ['fsqrt.d rs2!=0', 0x5a15f553],
    ['fcvt.w.d rs2=4', 0xc2457553],
    ['fcvt.s.d rs2=0', 0x4005f553],
    ['fcvt.d.s rs2=1', 0x4215f553],
    ['fmv.x.w rm!=0', 0xe0051553 | (2 << 12)],
    ['fmv.w.x rs2!=0', 0xf0150553],
    ['fsgnj funct3=3', 0x22b5b553],
    ['fmin funct3=2', 0x2ab5a553],
    ['feq funct3=3', 0xa2b53553],
    ['fadd.h (fmt 2)', 0x04c5f553],
    ['fmadd.q (fmt 3)', 0x0ec5f543],
    ['slli funct6=1', 0x04051513],
    ['srai funct6=0x11', 0x44055513],
    ['slliw imm[5]=1', 0x0205151b],
    ['srliw funct7=1', 0x0205551b],
    ['amoadd funct3=1', 0x00b6152f],
    ['amo funct5=0x05', 0x28b6252f],
    ['lr.w rs2!=0', 0x1015a52f],
    ['ecall with rd', 0x000000f3],
    ['ebreak with rs1', 0x00108073],
    ['mret with rd', 0x302000f3],
    ['sret with rs1', 0x10208073],
    ['wfi with rd', 0x105000f3],
    ['sfence.vma rd!=0', 0x12b500f3],
    ['hypervisor load (system funct3=4)', 0x6005c573],
    ['jalr funct3=1', 0x000510e7],
    ['load funct3=7', 0x00057503],
    ['store funct3=4', 0x00a54023],
    ['branch funct3=2', 0x00b52063],
    ['flw funct3=1 (flh)', 0x00051507],
    ['add funct7=2', 0x04b50533],
    ['addw funct3=2', 0x00b5253b],
    ['fence funct3=2', 0x0000200f],
  ];
  it.each(reserved)('rejects %s', (_name, raw) => {
    expect(decode(raw).op).toBe(Op.ILLEGAL);
  });

  const keptRoundingModes: [string, number][] = [
    ['fadd.d rm=5', 0x02c5d553],
    ['fsqrt.s rm=6', 0x5805e553],
    ['fcvt.d.w rm=7', 0xd2057553],
  ];
  it.each(keptRoundingModes)('keeps a reserved or unusual static rm for execute time: %s', (_name, raw) => {
    const d = decode(raw);
    expect(d.op).not.toBe(Op.ILLEGAL);
    expect(d.rm).toBe((raw >>> 12) & 7);
  });

  it('reads only the low 16 bits of a compressed instruction', () => {
    expect(decode(0xdead_4505)).toEqual(decode(0x4505));
    expect(decode(0x4505).raw).toBe(0x4505);
  });

  it('fills an existing object and rewrites every field', () => {
    const out = decode(0xfcb508e3);
    expect(decodeInto(0x0000, out)).toBe(out);
    expect(out).toEqual({ op: Op.ILLEGAL, rd: 0, rs1: 0, rs2: 0, rs3: 0, imm: 0, rm: 0, len: 2, raw: 0 });
  });

  it('tells instruction lengths', () => {
    expect([isCompressed(0x4505), isCompressed(0x00000013), instructionLength(0x8082), instructionLength(0x13)]).toEqual([true, false, 2, 4]);
  });

  it('expands every legal compressed parcel to a base instruction that decodes the same', () => {
    let legal = 0;
    for (const c of allCompressedParcels()) {
      const d = decode(c);
      if (d.op === Op.ILLEGAL) continue;
      legal++;
      expect(operands(decode(encode(d))), c.toString(16)).toEqual(operands(d));
    }
    expect(legal).toBeGreaterThan(40000);
    for (const line of COMPRESSED_LINES.filter((l) => l !== 'c.unimp')) {
      expect(decode(firstWord(assemble(line).bytes)).op, line).not.toBe(Op.ILLEGAL);
    }
  });
});

/**
 * Where dejavm follows QEMU/the spec and objdump 2.40 is stricter: fence and
 * fence.i with nonzero reserved fields (or fence with fm other than fence.tso),
 * exact conversions to double with a static rm other than rne.
 */
function objdumpIsStricter(d: Decoded): boolean {
  if (d.op === Op.FENCE) return d.rd !== 0 || d.rs1 !== 0 || (d.imm >>> 8 !== 0 && d.imm !== 0x833);
  if (d.op === Op.FENCE_I) return d.rd !== 0 || d.rs1 !== 0 || d.imm !== 0;
  if (d.op === Op.FCVT_D_W || d.op === Op.FCVT_D_WU || d.op === Op.FCVT_D_S) return d.rm !== 0;
  return false;
}

describe.skipIf(!RUN_BINUTILS_TESTS)(`decode agrees with objdump on what is an instruction (${SKIP_REASON})`, () => {
  it('on random 32-bit words of every major opcode', () => {
    const words = randomWords(600);
    const lines = gnuDisassemble(wordBytes(words), 0n, ['no-aliases']);
    expect(lines.length).toBe(words.length);
    const disagreements = words.filter((word, i) => {
      const d = decode(word);
      const gnuLegal = !lines[i]!.text.startsWith('.4byte');
      return (d.op !== Op.ILLEGAL) !== gnuLegal && !objdumpIsStricter(d);
    });
    expect(disagreements.map((w) => w.toString(16))).toEqual([]);
  });

  it('on every 16-bit parcel', () => {
    const parcels = allCompressedParcels();
    const lines = gnuDisassemble(parcelBytes(parcels), 0n, ['no-aliases']);
    expect(lines.length).toBe(parcels.length);
    // objdump names two reserved encodings: the all-zero parcel (c.unimp) and c.addi16sp with imm 0.
    const namedButReserved = new Set([0x0000, 0x6101]);
    const disagreements = parcels.filter((c, i) =>
      (decode(c).op !== Op.ILLEGAL) === lines[i]!.text.startsWith('.2byte') && !namedButReserved.has(c));
    expect(disagreements.map((c) => `${c.toString(16)} ${lines[parcels.indexOf(c)]!.text}`)).toEqual([]);
  });
});
