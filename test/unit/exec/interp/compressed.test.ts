import { describe, expect, it } from 'vitest';
import { CAUSE, MSTATUS } from '../../../../src/cpu/constants.js';
import { HartHarness, RAM_BASE, runAsm } from '../../../support/hart-harness.js';

const MASK = (1n << 64n) - 1n;
const BASE = BigInt(RAM_BASE);
const DATA = BASE + 0x1000n;

/** [instruction, inputs, register to check, expected] for one compressed instruction each. */
const SINGLE_CASES: ReadonlyArray<readonly [string, Record<string, bigint>, string, bigint]> = [
  ['c.li a0, -32', {}, 'a0', MASK - 31n],
  ['c.li a0, 31', {}, 'a0', 31n],
  ['c.lui a0, 0xfffe0', {}, 'a0', 0xfffffffffffe0000n],
  ['c.lui a0, 1', {}, 'a0', 0x1000n],
  ['c.addi a0, -1', { a0: 0n }, 'a0', MASK],
  ['c.addiw a0, 1', { a0: 0x7fffffffn }, 'a0', 0xffffffff80000000n],
  ['c.addiw a0, 0', { a0: 0x1ffffffffn }, 'a0', MASK],
  ['c.addi16sp sp, -512', { sp: 0x10000n }, 'sp', 0xfe00n],
  ['c.addi16sp sp, 496', { sp: 0x10000n }, 'sp', 0x101f0n],
  ['c.addi4spn a0, sp, 1020', { sp: 0x10000n }, 'a0', 0x103fcn],
  ['c.slli a0, 63', { a0: 1n }, 'a0', 0x8000000000000000n],
  ['c.slli a0, 32', { a0: 0xffffffffn }, 'a0', 0xffffffff00000000n],
  ['c.srli a0, 63', { a0: MASK }, 'a0', 1n],
  ['c.srai a0, 32', { a0: 0x8000000000000000n }, 'a0', 0xffffffff80000000n],
  ['c.andi a0, -2', { a0: 0xffn }, 'a0', 0xfen],
  ['c.mv a0, a1', { a1: 0x123456789n }, 'a0', 0x123456789n],
  ['c.add a0, a1', { a0: MASK, a1: 2n }, 'a0', 1n],
  ['c.sub a0, a1', { a0: 0n, a1: 1n }, 'a0', MASK],
  ['c.xor a0, a1', { a0: 0xf0n, a1: 0xffn }, 'a0', 0x0fn],
  ['c.or a0, a1', { a0: 0xf0n, a1: 0x0fn }, 'a0', 0xffn],
  ['c.and a0, a1', { a0: 0xf0n, a1: 0x3cn }, 'a0', 0x30n],
  ['c.addw a0, a1', { a0: 0x7fffffffn, a1: 1n }, 'a0', 0xffffffff80000000n],
  ['c.subw a0, a1', { a0: 0x80000000n, a1: 1n }, 'a0', 0x7fffffffn],
];

describe('compressed instructions, one at a time', () => {
  it.each(SINGLE_CASES)('%s', (insn, inputs, reg, expected) => {
    const h = new HartHarness().load(insn).step(inputs);
    expect(h.x(reg)).toBe(expected);
    expect(h.hart.getPc()).toBe(BASE + 2n);
    expect(h.traps).toEqual([]);
  });
});

describe('compressed loads, stores and jumps', () => {
  it.each([
    ['c.lw a0, 4(a1)', 0xffffffff80000000n],
    ['c.ld a0, 8(a1)', 0x1122334455667788n],
  ] as const)('%s', (insn, expected) => {
    const h = new HartHarness().load(insn);
    h.write(DATA, 8, 0x80000000_00000000n).write(DATA + 8n, 8, 0x1122334455667788n).step({ a1: DATA });
    expect(h.x('a0')).toBe(expected);
  });

  it('stack-relative loads and stores', () => {
    const h = runAsm('c.sdsp a1, 8(sp)\n c.swsp a2, 16(sp)\n c.ldsp a3, 8(sp)\n c.lwsp a4, 16(sp)\n c.sw a2, 20(s0)\n wfi', (hh) => {
      hh.setX('sp', DATA).setX('s0', DATA).setX('a1', 0xdeadbeefcafef00dn).setX('a2', 0x80000001n);
    });
    expect(h.x('a3')).toBe(0xdeadbeefcafef00dn);
    expect(h.x('a4')).toBe(0xffffffff80000001n);
    expect(h.read(DATA + 16n, 8)).toBe(0x8000000180000001n);
  });

  it('c.jal does not exist on RV64: its encoding is c.addiw', () => {
    const h = runAsm('.half 0x2505\n wfi', (hh) => hh.setX('a0', 0x7fffffffn));
    expect(h.x('a0')).toBe(0xffffffff80000000n);
  });

  it('c.j, c.jr, c.jalr, c.beqz, c.bnez', () => {
    const h = runAsm([
      '  c.li a0, 0',
      '  c.j 1f',
      '  c.li a0, 9',
      '1:',
      '  la t1, sub',
      '  c.jalr t1',
      'back:',
      '  c.beqz a0, 2f',
      '  c.bnez a0, 3f',
      '2:',
      '  c.li a2, 7',
      '3:',
      '  wfi',
      'sub:',
      '  c.addi a0, 5',
      '  c.jr ra',
    ].join('\n'));
    expect(h.x('a0')).toBe(5n);
    expect(h.x('ra')).toBe(h.label('back'));
    expect(h.x('a2')).toBe(0n);
  });

  it('c.fsd/c.fld and c.fsdsp/c.fldsp move doubles when FS is on', () => {
    const h = runAsm('c.fld fa0, 0(a1)\n c.fsdsp fa0, 8(sp)\n c.fldsp fa1, 8(sp)\n c.fsd fa1, 16(a1)\n wfi', (hh) => {
      hh.hart.mstatus |= 1 << MSTATUS.FS_SHIFT;
      hh.write(DATA, 8, 0x400921fb54442d18n).setX('a1', DATA).setX('sp', DATA);
    });
    expect(h.f('fa1')).toBe(0x400921fb54442d18n);
    expect(h.read(DATA + 16n, 8)).toBe(0x400921fb54442d18n);
  });
});

describe('a compressed loop computes what the uncompressed one does', () => {
  it('sums 1..100 with mixed 16- and 32-bit instructions', () => {
    const h = runAsm([
      '  c.li a0, 0',
      '  li a1, 100',
      'loop:',
      '  c.add a0, a1',
      '  c.addi a1, -1',
      '  c.bnez a1, loop',
      '  c.mv a2, a0',
      '  slli a2, a2, 1',
      '  wfi',
    ].join('\n'));
    expect(h.x('a0')).toBe(5050n);
    expect(h.x('a2')).toBe(10100n);
  });
});

describe('reserved and special compressed encodings', () => {
  it.each([
    ['c.unimp (all zeros)', 0x0000],
    ['c.addi4spn with a zero immediate', 0x0004],
    ['c.lui with a zero immediate', 0x6501],
    ['c.addiw with rd = x0', 0x2001],
    ['c.jr with rs1 = x0', 0x8002],
    ['c.lwsp with rd = x0', 0x4002],
    ['c.ldsp with rd = x0', 0x6002],
  ])('%s is illegal with tval = the 16 bits', (_what, bits) => {
    const h = runAsm(`.half ${bits}\n wfi`);
    const trap = h.onlyTrap();
    expect(trap.cause).toBe(CAUSE.ILLEGAL_INSTRUCTION);
    expect(trap.tval).toBe(BigInt(bits));
    expect(trap.epc).toBe(BASE);
  });

  it('c.ebreak raises a breakpoint with epc at the 2-byte instruction', () => {
    const h = runAsm('c.nop\n c.ebreak\n wfi');
    const trap = h.onlyTrap();
    expect(trap.cause).toBe(CAUSE.BREAKPOINT);
    expect(trap.epc).toBe(BASE + 2n);
    expect(h.hart.mepc).toBe(BASE + 2n);
  });
});
