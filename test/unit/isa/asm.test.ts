import { describe, expect, it } from 'vitest';
import { AsmError, assemble } from '../../../src/isa/asm.js';
import { gnuAssemble, RUN_BINUTILS_TESTS, SKIP_REASON } from './binutils.js';
import { baseInstructionLines, COMPRESSED_LINES, PSEUDO_LINES } from './samples.js';

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Assembles each line alone with ours and all lines at once with GNU as; lists the lines that differ. */
function compareWithGnu(lines: readonly string[], prelude: string): string[] {
  const gnu = gnuAssemble(`${prelude}\n${lines.join('\n')}`);
  const mismatches: string[] = [];
  let offset = 0;
  for (const line of lines) {
    const ours = assemble(line).bytes;
    const theirs = gnu.subarray(offset, offset + ours.length);
    if (hex(ours) !== hex(theirs)) {
      mismatches.push(`${line}: ours ${hex(ours)} gnu ${hex(theirs)}`);
      break;
    }
    offset += ours.length;
  }
  if (mismatches.length === 0 && offset !== gnu.length) mismatches.push(`length: ours ${offset} gnu ${gnu.length}`);
  return mismatches;
}

describe.skipIf(!RUN_BINUTILS_TESTS)(`assemble agrees with GNU as byte for byte (${SKIP_REASON})`, () => {
  it('on every base RV64GC form with boundary operands', () => {
    const lines = baseInstructionLines();
    expect(lines.length).toBeGreaterThan(900);
    expect(compareWithGnu(lines, '.option norvc')).toEqual([]);
  });

  it('on every RV64C mnemonic', () => {
    expect(compareWithGnu(COMPRESSED_LINES, '')).toEqual([]);
  });

  it('on pseudo-instructions', () => {
    expect(compareWithGnu(PSEUDO_LINES, '.option norvc')).toEqual([]);
  });

  it('on a program with labels, local labels, relocations and data', () => {
    const source = `
      .equ UART, 0x10000000
      .globl _start
      _start:
        la a0, message
        lla a1, table
        lui t0, %hi(UART)
        addi t0, t0, %lo(UART)
        call putc
        tail done
      1: addi a2, a2, -1
        bnez a2, 1b
        beqz a2, 1f
        j 1b
      1: nop
      here: auipc a3, %pcrel_hi(table)
        ld a4, %pcrel_lo(here)(a3)
        sd a4, %pcrel_lo(here)(a3)
      putc: sb a0, 0(t0)
        ret
      done: j done
        .align 3
      table: .dword table, -1, 0x8000000000000000
        .word 0xdeadbeef, -2
        .half 0xffff, -32768
        .byte 1, 255, -128, 'A'
        .balign 4
      message: .string "hi\\n\\t\\"x\\"", "\\101\\x42"
        .asciz "z"
        .ascii "no nul"
        .zero 3
        .space 2, 0x5a
        .quad _start + 4 ; .8byte done - _start
    `;
    const origin = 0x80000000n;
    const ours = assemble(source, { origin });
    expect(hex(ours.bytes)).toBe(hex(gnuAssemble(`.option norvc\n${source}`, origin)));
    expect(ours.symbols.get('_start')).toBe(origin);
    expect(ours.symbols.get('UART')).toBe(0x10000000n);
    expect(ours.symbols.get('table')! % 8n).toBe(0n);
  });
});

/** Runs the lui/addi/addiw/slli sequence that `li` emits and returns the register value. */
function runLoadImmediate(bytes: Uint8Array): bigint {
  let reg = 0n;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < bytes.length; i += 4) {
    const insn = view.getUint32(i, true);
    const opcode = insn & 0x7f;
    const funct3 = (insn >> 12) & 7;
    const rs1IsZero = ((insn >> 15) & 31) === 0;
    const source = rs1IsZero ? 0n : reg;
    const immI = BigInt(insn >> 20);
    if (opcode === 0x37) reg = BigInt(insn & 0xfffff000) << 32n >> 32n;
    else if (opcode === 0x13 && funct3 === 0) reg = BigInt.asIntN(64, source + immI);
    else if (opcode === 0x1b && funct3 === 0) reg = BigInt.asIntN(32, source + immI);
    else if (opcode === 0x13 && funct3 === 1) reg = BigInt.asIntN(64, source << BigInt((insn >> 20) & 63));
    else throw new Error(`unexpected instruction ${insn.toString(16)} in li expansion`);
  }
  return reg;
}

describe('li', () => {
  const values: bigint[] = [0n, 1n, -1n, 2047n, -2048n, 2048n, -2049n, 0x7ffff7ffn, 0x7ffff800n, 0x7fffffffn, -0x80000000n,
    0x80000000n, 0xffffffffn, 0x100000000n, 0x123456789abcdef0n, -0x123456789abcdef0n, 0x7fffffffffffffffn,
    -0x8000000000000000n, 0xffffffffffffffffn, 0x8000000000000000n, 0x00000fff00000fffn, 0xdeadbeefcafebabn, 1n << 40n];
  for (let i = 0; i < 64; i++) values.push(1n << BigInt(i), (1n << BigInt(i)) - 1n, -(1n << BigInt(i)) + 12345n);

  it.each(values.map((v) => [v]))('loads %s exactly, in at most 8 instructions', (value) => {
    const { bytes } = assemble(`li a0, ${value}`);
    expect(bytes.length).toBeLessThanOrEqual(32);
    expect(runLoadImmediate(bytes)).toBe(BigInt.asIntN(64, value));
  });

  it('accepts symbols and expressions', () => {
    const { bytes } = assemble('.equ BASE, 0x80000000\nli t0, BASE + 0x1000');
    expect(runLoadImmediate(bytes)).toBe(0x80001000n);
  });
});

describe('assemble', () => {
  it('places code at the origin and records labels', () => {
    const { bytes, symbols } = assemble('a: nop\nb: c.nop\nc: .byte 1', { origin: 0x1000n });
    expect(bytes.length).toBe(7);
    expect([...symbols]).toEqual([['a', 0x1000n], ['b', 0x1004n], ['c', 0x1006n]]);
  });

  it('handles comments, separators and several labels on a line', () => {
    const { bytes, symbols } = assemble('x: y: nop # comment ; not a statement\n nop // other\n nop; nop');
    expect(bytes.length).toBe(16);
    expect(symbols.get('y')).toBe(0n);
  });

  it('resolves forward references that change an li expansion', () => {
    const { bytes, symbols } = assemble('li a0, far\n.space 4096\nfar: nop', { origin: 0x80000000n });
    expect(runLoadImmediate(bytes.subarray(0, Number(symbols.get('far')! - 0x80000000n) - 4096))).toBe(symbols.get('far'));
  });

  it('pads .align with nops in code', () => {
    expect(hex(assemble('c.nop\n.align 3\n').bytes)).toBe('0100' + '0100' + '13000000');
  });

  const errors: [string, string, number][] = [
    ['nop\nfrobnicate a0', 'unknown mnemonic', 2],
    ['addi a0, q9, 1', 'bad integer register', 1],
    ['\n\naddi a0, a0, 2048', 'out of range', 3],
    ['slli a0, a0, 64', 'out of range', 1],
    ['j nowhere', 'undefined symbol', 1],
    ['beq a0, a1, 1f', 'undefined local label', 1],
    ['beq a0, a1, .+4096', 'out of range', 1],
    ['c.lw a0, 4(sp)', 'x8..x15', 1],
    ['c.addi4spn a0, sp, 0', 'must not be zero', 1],
    ['csrr a0, nosuchcsr', 'unknown CSR', 1],
    ['fadd.d fa0, fa1, fa2, xyz', 'bad rounding mode', 1],
    ['x: nop\nx: nop', 'defined twice', 2],
    ['.byte 256', 'does not fit', 1],
    ['.frob 1', 'unknown directive', 1],
    ['add a0, a1', 'expected 3 operands', 1],
  ];
  it.each(errors)('rejects %j with "%s" on line %i', (source, message, line) => {
    let caught: unknown;
    try {
      assemble(source);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AsmError);
    expect((caught as AsmError).line).toBe(line);
    expect((caught as AsmError).message).toContain(message);
    expect((caught as AsmError).message).not.toContain('\n');
  });
});
