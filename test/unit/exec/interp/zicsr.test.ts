import { describe, expect, it } from 'vitest';
import { CAUSE, MSTATUS, PRIV_M, PRIV_S, PRIV_U } from '../../../../src/cpu/constants.js';
import { HartHarness, RAM_BASE, runAsm } from '../../../support/hart-harness.js';

const MASK = (1n << 64n) - 1n;

/** [instruction, old mscratch, rs1 value (a1), expected rd, expected new mscratch] */
const CSR_OP_CASES: ReadonlyArray<readonly [string, bigint, bigint, bigint, bigint]> = [
  ['csrrw a0, mscratch, a1', 0x1111n, 0xffff0000ffff0000n, 0x1111n, 0xffff0000ffff0000n],
  ['csrrs a0, mscratch, a1', 0x00ffn, 0xff00n, 0x00ffn, 0xffffn],
  ['csrrc a0, mscratch, a1', MASK, 0x8000000000000001n, MASK, 0x7ffffffffffffffen],
  ['csrrwi a0, mscratch, 31', MASK, 0n, MASK, 31n],
  ['csrrsi a0, mscratch, 0x10', 0x1n, 0n, 0x1n, 0x11n],
  ['csrrci a0, mscratch, 1', 0x3n, 0n, 0x3n, 0x2n],
  ['csrrs a0, mscratch, zero', 0x5n, 0n, 0x5n, 0x5n],
  ['csrrw zero, mscratch, a1', 0x5n, 0x9n, 0n, 0x9n],
  ['csrrw a1, mscratch, a1', 0x5n, 0x9n, 0x5n, 0x9n],
];

describe('csrrw/csrrs/csrrc and immediate forms', () => {
  it.each(CSR_OP_CASES)('%s (old 0x%s, rs1 0x%s)', (insn, old, rs1, rd, next) => {
    const h = new HartHarness().load(insn);
    h.hart.mscratch = old;
    h.step({ a1: rs1 });
    const rdName = insn.split(/[ ,]+/)[1]!;
    expect(h.x(rdName)).toBe(rd);
    expect(h.hart.mscratch).toBe(next);
    expect(h.traps).toEqual([]);
  });
});

/**
 * Accesses to read-only CSRs (a1 = 1, a2 = 0): legal only when they do not
 * write. As QEMU 7.2, csrrs/csrrc write only with a nonzero mask, whatever rs1.
 */
const READ_ONLY_CASES: ReadonlyArray<readonly [string, boolean]> = [
  ['csrr a0, mhartid', true],
  ['csrrs a0, mvendorid, zero', true],
  ['csrrsi a0, marchid, 0', true],
  ['csrrci a0, mimpid, 0', true],
  ['csrrs a0, mhartid, a1', false],
  ['csrrc a0, mhartid, a1', false],
  ['csrrs a0, mhartid, a2', true],
  ['csrrc a0, mvendorid, a2', true],
  ['csrrs a0, cycle, a2', true],
  ['csrrw a0, mhartid, zero', false],
  ['csrrw zero, mhartid, a1', false],
  ['csrrwi a0, mhartid, 0', false],
  ['csrrsi a0, mhartid, 1', false],
  ['csrrs a0, cycle, a1', false],
  ['csrw instret, zero', false],
];

/** The bits of the program's first instruction (what an illegal-instruction trap reports). */
function firstInstruction(h: HartHarness): bigint {
  return h.read(RAM_BASE, 4);
}

function expectIllegal(h: HartHarness, bits: bigint): void {
  const trap = h.onlyTrap();
  expect(trap.cause).toBe(CAUSE.ILLEGAL_INSTRUCTION);
  expect(trap.tval).toBe(bits);
}

describe('read-only CSRs', () => {
  it.each(READ_ONLY_CASES)('%s legal=%s', (insn, legal) => {
    const h = new HartHarness().load(insn);
    h.step({ a1: 1n, a2: 0n, a0: 0x55n });
    if (legal) expect(h.traps).toEqual([]);
    else {
      expectIllegal(h, firstInstruction(h));
      expect(h.x('a0')).toBe(0x55n);
    }
  });
});

/** [csr, privilege, legal] */
const PRIVILEGE_CASES: ReadonlyArray<readonly [string, number, boolean]> = [
  ['mstatus', PRIV_M, true], ['mstatus', PRIV_S, false], ['mstatus', PRIV_U, false],
  ['sstatus', PRIV_S, true], ['sstatus', PRIV_U, false],
  ['satp', PRIV_S, true], ['sscratch', PRIV_U, false],
  ['mhartid', PRIV_S, false], ['mscratch', PRIV_S, false],
  ['sip', PRIV_S, true], ['mip', PRIV_S, false],
  ['0x7c0', PRIV_M, false],
  ['0x5c0', PRIV_S, false],
];

describe('CSR privilege', () => {
  it.each(PRIVILEGE_CASES)('read %s at privilege %s legal=%s', (csr, priv, legal) => {
    const h = new HartHarness().load(`csrr a0, ${csr}`);
    h.hart.priv = priv;
    h.step();
    if (legal) expect(h.traps).toEqual([]);
    else expectIllegal(h, firstInstruction(h));
  });
});

/** [counter, privilege, mcounteren, scounteren, legal] */
const COUNTER_CASES: ReadonlyArray<readonly [string, number, number, number, boolean]> = [
  ['cycle', PRIV_M, 0, 0, true],
  ['cycle', PRIV_S, 0, 0, false],
  ['cycle', PRIV_S, 1, 0, true],
  ['cycle', PRIV_U, 1, 0, false],
  ['cycle', PRIV_U, 0, 1, false],
  ['cycle', PRIV_U, 1, 1, true],
  ['time', PRIV_S, 1, 0, false],
  ['time', PRIV_S, 2, 0, true],
  ['time', PRIV_U, 2, 2, true],
  ['instret', PRIV_S, 3, 0, false],
  ['instret', PRIV_S, 4, 0, true],
  ['instret', PRIV_U, 4, 3, false],
  ['instret', PRIV_U, 7, 7, true],
];

describe('counters are gated by mcounteren and scounteren', () => {
  it.each(COUNTER_CASES)('%s at privilege %s, mcounteren=%s scounteren=%s legal=%s', (csr, priv, mcounteren, scounteren, legal) => {
    const h = new HartHarness().load(`csrr a0, ${csr}`);
    h.hart.priv = priv;
    h.hart.mcounteren = BigInt(mcounteren);
    h.hart.scounteren = BigInt(scounteren);
    h.step();
    if (legal) expect(h.traps).toEqual([]);
    else expectIllegal(h, firstInstruction(h));
  });

  it('csrrs with a zero mask does not rewrite mcycle or dirty FS through fflags', () => {
    const h = runAsm('csrw mcycle, zero\n csrrs zero, mcycle, a2\n csrrc zero, mcycle, a2\n csrr a0, mcycle\n csrrs zero, fflags, a2\n csrr a1, mstatus\n wfi', (hh) => {
      hh.hart.mstatus |= 1 << MSTATUS.FS_SHIFT;
      hh.setX('a2', 0n);
    });
    expect(h.x('a0')).toBe(2n);
    expect((h.x('a1') >> 13n) & 3n).toBe(1n);
  });

  it('minstret/instret count retired instructions, mcycle can be written', () => {
    const h = runAsm('nop\n nop\n csrr a0, instret\n csrr a1, minstret\n csrw mcycle, zero\n csrr a2, mcycle\n wfi');
    expect(h.x('a0')).toBe(2n);
    expect(h.x('a1')).toBe(3n);
    expect(h.x('a2')).toBe(0n);
  });
});

describe('floating-point CSRs', () => {
  it.each(['fcsr', 'frm', 'fflags'])('%s with FS=Off is illegal', (csr) => {
    const h = new HartHarness().load(`csrr a0, ${csr}`);
    h.step();
    expectIllegal(h, firstInstruction(h));
  });

  it('fcsr packs frm and fflags; a write makes FS dirty and sets SD', () => {
    const h = runAsm('li a1, 0xff\n csrw fcsr, a1\n csrr a2, frm\n csrr a3, fflags\n csrr a4, fcsr\n csrr a5, mstatus\n wfi', (hh) => {
      hh.hart.mstatus |= 1 << MSTATUS.FS_SHIFT;
    });
    expect(h.x('a2')).toBe(7n);
    expect(h.x('a3')).toBe(0x1fn);
    expect(h.x('a4')).toBe(0xffn);
    expect((h.x('a5') >> 13n) & 3n).toBe(3n);
    expect(h.x('a5') >> 63n).toBe(1n);
  });

  it('writes to frm and fflags keep only their bits', () => {
    const h = runAsm('li a1, -1\n csrw frm, a1\n csrw fflags, a1\n csrr a2, fcsr\n wfi', (hh) => {
      hh.hart.mstatus |= 1 << MSTATUS.FS_SHIFT;
    });
    expect(h.x('a2')).toBe(0xffn);
  });
});

/** Values QEMU 7.2 reads back (checked on qemu-system-riscv64 with the conformance CPU model). */
describe('WARL fields read back as on QEMU 7.2', () => {
  it.each([
    ['misa ignores writes', 'csrw misa, zero\n csrr a0, misa', 0x800000000014112dn],
    ['mtvec keeps mode 0 or 1', 'li a1, 0x80001001\n csrw mtvec, a1\n csrr a0, mtvec', 0x80001001n],
    ['mtvec ignores a write with mode 2', 'li a1, 0x80001000\n csrw mtvec, a1\n li a1, 0x80002002\n csrw mtvec, a1\n csrr a0, mtvec', 0x80001000n],
    ['stvec ignores a write with mode 3', 'li a1, 0x80001000\n csrw stvec, a1\n li a1, 0x80002003\n csrw stvec, a1\n csrr a0, stvec', 0x80001000n],
    ['mepc clears bit 0', 'li a1, 0x80001003\n csrw mepc, a1\n csrr a0, mepc', 0x80001002n],
    ['medeleg keeps what QEMU keeps', 'li a1, -1\n csrw medeleg, a1\n csrr a0, medeleg', 0xf0bfffn],
    ['satp ignores unsupported modes', 'li a1, 0x1\n slli a1, a1, 63\n ori a1, a1, 5\n csrw satp, a1\n li a1, 3\n slli a1, a1, 60\n csrw satp, a1\n csrr a0, satp', 0x8000000000000005n],
    ['mstatus reports UXL = SXL = 2', 'csrr a0, mstatus\n srli a0, a0, 32', 0xan],
    ['sstatus hides M fields', 'li a1, 0x4190a\n csrw mstatus, a1\n csrr a0, sstatus', 0x200040102n],
    ['menvcfg keeps FIOM, CBIE, CBCFE, CBZE, PBMTE, STCE', 'li a1, -1\n csrw menvcfg, a1\n csrr a0, menvcfg', 0xc0000000000000f1n],
    ['senvcfg keeps FIOM, CBIE, CBCFE, CBZE', 'li a1, -1\n csrw senvcfg, a1\n csrr a0, senvcfg', 0xf1n],
    ['mstatus keeps VS (no V needed) and VS = Dirty sets SD', 'li a1, 0x600\n csrw mstatus, a1\n csrr a0, mstatus', 0x8000000a00000600n],
    ['mstatus keeps GVA and MPV (no H needed)', 'li a1, 3\n slli a1, a1, 38\n csrs mstatus, a1\n csrr a0, mstatus', 0xca00000000n],
    ['MRET clears MPV and keeps GVA', 'li a1, 3\n slli a1, a1, 38\n csrs mstatus, a1\n li a1, 0x1800\n csrs mstatus, a1\n la a1, 1f\n csrw mepc, a1\n mret\n1:\n csrr a0, mstatus', 0x4a00000080n],
    ['sstatus hides GVA and MPV', 'li a1, 3\n slli a1, a1, 38\n csrs mstatus, a1\n csrr a0, sstatus', 0x200000000n],
    ['UXL cannot be cleared', 'li a1, 3\n slli a1, a1, 32\n csrc mstatus, a1\n csrr a0, mstatus', 0xa00000000n],
    ['sstatus shows and writes VS', 'li a1, 0x400\n csrw sstatus, a1\n csrr a0, sstatus', 0x200000400n],
    ['mideleg keeps S, VS and LCOFI bits', 'li a1, -1\n csrw mideleg, a1\n csrr a0, mideleg', 0x2666n],
    ['mie keeps M, S, VS and LCOFI bits', 'li a1, -1\n csrw mie, a1\n csrr a0, mie', 0x2eeen],
    ['mip lets M-mode set S, VS and LCOFI bits', 'li a1, -1\n csrw mip, a1\n csrr a0, mip\n csrw mip, zero', 0x2666n],
    ['sie shows only SSIE, STIE, SEIE, LCOFIE', 'li a1, -1\n csrw mideleg, a1\n csrw sie, a1\n csrr a0, sie', 0x2222n],
    ['sip lets S-mode set SSIP and LCOFIP', 'li a1, -1\n csrw mideleg, a1\n csrw sip, a1\n csrr a0, sip\n csrw mip, zero', 0x2002n],
    ['sie without delegation reads zero', 'li a1, -1\n csrw mie, a1\n csrr a0, sie', 0n],
    ['mhpmevent3 keeps what is written', 'li a1, -1\n csrw mhpmevent3, a1\n csrr a0, mhpmevent3', MASK],
    ['mhpmevent31 keeps what is written', 'li a1, 0x1234\n csrw mhpmevent31, a1\n csrr a0, mhpmevent31', 0x1234n],
    ['mcounteren keeps 64 bits', 'li a1, -1\n csrw mcounteren, a1\n csrr a0, mcounteren', MASK],
    ['scounteren keeps 64 bits', 'li a1, -1\n csrw scounteren, a1\n csrr a0, scounteren', MASK],
    ['mcountinhibit keeps 64 bits', 'li a1, -1\n csrw mcountinhibit, a1\n csrr a0, mcountinhibit', MASK],
  ] as const)('%s', (_what, body, expected) => {
    const h = runAsm(`${body}\n wfi`);
    expect(h.traps).toEqual([]);
    expect(h.x('a0')).toBe(expected);
  });

  it.each(['0xb03', '0xb1f', '0xc03', '0xc1f'])('hpm counter %s does not exist (no PMU counters, as pmu-num=0)', (csr) => {
    const h = new HartHarness().load(`csrr a0, ${csr}`).step();
    expectIllegal(h, firstInstruction(h));
  });
});
