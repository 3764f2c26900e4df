import { describe, expect, it } from 'vitest';
import { ALL_IRQS, CAUSE, DELEGABLE_IRQS, IRQ, MSTATUS, PRIV_M, PRIV_S, PRIV_U } from '../../../src/cpu/constants.js';
import { ExitReason } from '../../../src/exec/backend.js';
import { HartHarness, RAM_BASE, runAsm } from '../../support/hart-harness.js';

const BASE = BigInt(RAM_BASE);
const MPP_S = PRIV_S << MSTATUS.MPP_SHIFT;
const MPP_M = PRIV_M << MSTATUS.MPP_SHIFT;
/** A 16-entry trap vector table of WFIs, so a test stops right where the hart landed. */
const VECTOR_TABLE = `.align 8\nvector:\n${' wfi\n'.repeat(16)}`;

/** A harness whose program's first instruction runs at privilege `priv`. */
function at(priv: number, source: string, setup?: (h: HartHarness) => void): HartHarness {
  const h = new HartHarness().load(source);
  h.hart.priv = priv;
  h.hart.onPrivilegeChange();
  setup?.(h);
  return h;
}

describe('synchronous exceptions', () => {
  it.each([
    [PRIV_U, CAUSE.ECALL_FROM_U],
    [PRIV_S, CAUSE.ECALL_FROM_S],
    [PRIV_M, CAUSE.ECALL_FROM_M],
  ])('ECALL at privilege %s has cause %s, tval 0, epc at the ecall', (priv, cause) => {
    const h = at(priv, 'nop\n ecall').runToWfi();
    const trap = h.onlyTrap();
    expect(trap).toMatchObject({ cause, tval: 0n, epc: BASE + 4n, fromPriv: priv, toPriv: PRIV_M, interrupt: false });
    expect(h.hart.mcause).toBe(BigInt(cause));
    expect(h.hart.mepc).toBe(BASE + 4n);
    expect(h.hart.priv).toBe(PRIV_M);
    expect((h.hart.mstatus & MSTATUS.MPP) >>> MSTATUS.MPP_SHIFT).toBe(priv);
    expect(h.hart.icount).toBe(2);
  });

  it('EBREAK: breakpoint with tval 0 (QEMU 7.2), the instruction does not retire', () => {
    const h = runAsm('ebreak');
    expect(h.onlyTrap()).toMatchObject({ cause: CAUSE.BREAKPOINT, tval: 0n, epc: BASE });
    expect(h.hart.icount).toBe(1);
  });

  it.each([
    ['an all-ones word', '.word 0xffffffff', 0xffffffffn],
    ['a reserved major opcode', '.word 0x0000007f', 0x7fn],
    ['MRET encoding with rs1 set', '.word 0x30208073', 0x30208073n],
    ['a CSR that does not exist', 'csrr a0, 0x7ff', 0x7ff02573n],
  ])('illegal instruction (%s) reports the instruction bits in mtval', (_what, source, bits) => {
    const h = runAsm(source);
    expect(h.onlyTrap()).toMatchObject({ cause: CAUSE.ILLEGAL_INSTRUCTION, tval: bits, epc: BASE });
    expect(h.hart.mtval).toBe(bits);
  });
});

describe('delegation to S-mode', () => {
  it.each([
    [PRIV_U, 0, CAUSE.ECALL_FROM_U],
    [PRIV_S, MSTATUS.SPP, CAUSE.ECALL_FROM_S],
  ])('a delegated ecall from privilege %s goes to S with scause/sepc/stval and SPP', (priv, spp, cause) => {
    const h = at(priv, 'nop\n ecall', (hh) => {
      hh.hart.medeleg = (1 << CAUSE.ECALL_FROM_U) | (1 << CAUSE.ECALL_FROM_S);
      hh.hart.mstatus |= MSTATUS.SIE;
      hh.hart.mcause = 0x55n;
    }).runToWfi();
    expect(h.onlyTrap()).toMatchObject({ cause, toPriv: PRIV_S, fromPriv: priv });
    expect(h.hart.scause).toBe(BigInt(cause));
    expect(h.hart.sepc).toBe(BASE + 4n);
    expect(h.hart.stval).toBe(0n);
    expect(h.hart.mcause).toBe(0x55n);
    expect(h.hart.mstatus & MSTATUS.SPP).toBe(spp);
    expect(h.hart.mstatus & MSTATUS.SPIE).toBe(MSTATUS.SPIE);
    expect(h.hart.mstatus & MSTATUS.SIE).toBe(0);
    expect(h.hart.priv).toBe(PRIV_S);
  });

  it('a delegated illegal instruction puts the bits in stval', () => {
    const h = at(PRIV_U, '.word 0xffffffff', (hh) => {
      hh.hart.medeleg = 1 << CAUSE.ILLEGAL_INSTRUCTION;
    }).runToWfi();
    expect(h.hart.scause).toBe(2n);
    expect(h.hart.stval).toBe(0xffffffffn);
  });

  it('exceptions in M-mode are never delegated', () => {
    const h = at(PRIV_M, 'ebreak', (hh) => {
      hh.hart.medeleg = 1 << CAUSE.BREAKPOINT;
    }).runToWfi();
    expect(h.onlyTrap().toPriv).toBe(PRIV_M);
    expect(h.hart.scause).toBe(0n);
  });
});

describe('interrupts: vectored and direct trap vectors', () => {
  it.each([
    ['direct mtvec', 0n, 0n],
    ['vectored mtvec', 1n, 4n * 3n],
  ])('machine software interrupt (msip) with %s', (_what, mode, offset) => {
    const h = new HartHarness().load(`${VECTOR_TABLE}\nstart:\n nop`);
    h.hart.pc = Number(h.label('start'));
    h.hart.mtvec = h.label('vector') | mode;
    h.hart.mie = IRQ.MSI;
    h.hart.mstatus |= MSTATUS.MIE;
    h.hart.setPending(IRQ.MSI, true);
    h.run(1);
    expect(h.onlyTrap()).toMatchObject({ interrupt: true, cause: 3, epc: h.label('start'), toPriv: PRIV_M });
    expect(h.hart.mcause).toBe((1n << 63n) | 3n);
    expect(h.hart.getPc()).toBe(h.label('vector') + offset + 4n);
  });

  it('exceptions use the base address even with a vectored stvec', () => {
    const h = at(PRIV_U, `${VECTOR_TABLE}\nstart:\n ecall`, (hh) => {
      hh.hart.pc = Number(hh.label('start'));
      hh.hart.medeleg = 1 << CAUSE.ECALL_FROM_U;
      hh.hart.stvec = hh.label('vector') | 1n;
    });
    h.run(1);
    expect(h.hart.getPc()).toBe(h.label('vector') + 4n);
  });

  it('supervisor software interrupt via mip.SSIP, delegated, vectored stvec', () => {
    const h = at(PRIV_S, `${VECTOR_TABLE}\nstart:\n csrsi sip, 2\n nop`, (hh) => {
      hh.hart.pc = Number(hh.label('start'));
      hh.hart.mideleg = IRQ.SSI;
      hh.hart.mie = IRQ.SSI;
      hh.hart.mstatus |= MSTATUS.SIE;
      hh.hart.stvec = hh.label('vector') | 1n;
    });
    h.run(1);
    expect(h.onlyTrap()).toMatchObject({ interrupt: true, cause: 1, toPriv: PRIV_S, epc: h.label('start') + 4n });
    expect(h.hart.scause).toBe((1n << 63n) | 1n);
    expect(h.hart.sepc).toBe(h.label('start') + 4n);
    expect(h.hart.getPc()).toBe(h.label('vector') + 4n);
    expect(h.hart.mstatus & (MSTATUS.SPP | MSTATUS.SPIE | MSTATUS.SIE)).toBe(MSTATUS.SPP | MSTATUS.SPIE);
  });
});

/**
 * [name, device pending bits, software pending bits (mip writes), mideleg, privilege, expected cause].
 * QEMU 7.2 (no AIA) takes the lowest cause number among M-level interrupts,
 * then among S-level ones; checked on qemu-system-riscv64.
 */
const PRIORITY_CASES: ReadonlyArray<readonly [string, number, number, number, number, number]> = [
  ['MSI before MTI and MEI', IRQ.MEI | IRQ.MSI | IRQ.MTI, 0, 0, PRIV_M, 3],
  ['MTI before MEI', IRQ.MEI | IRQ.MTI, 0, 0, PRIV_M, 7],
  ['MEI alone', IRQ.MEI, 0, 0, PRIV_M, 11],
  ['SSI (not delegated) before MTI', IRQ.MTI, IRQ.SSI, 0, PRIV_M, 1],
  ['STI (not delegated) before MTI', IRQ.MTI, IRQ.STI, 0, PRIV_M, 5],
  ['MTI before SEI (not delegated)', IRQ.MTI, IRQ.SEI, 0, PRIV_M, 7],
  ['M-level MEI before delegated SSI, from S', IRQ.MEI, IRQ.SSI, IRQ.SSI, PRIV_S, 11],
  ['delegated SSI before delegated STI and SEI, from U', 0, IRQ.SEI | IRQ.SSI | IRQ.STI, DELEGABLE_IRQS, PRIV_U, 1],
  ['delegated STI before delegated SEI, from U', 0, IRQ.SEI | IRQ.STI, DELEGABLE_IRQS, PRIV_U, 5],
  ['VSSI (cause 2, settable without H) before MSI', IRQ.MSI, IRQ.VSSI, 0, PRIV_M, 2],
  ['VSEI before MEI', IRQ.MEI, IRQ.VSEI, 0, PRIV_M, 10],
  ['delegated LCOFI goes to S, from U', 0, IRQ.LCOFI, IRQ.LCOFI, PRIV_U, 13],
];

describe('interrupt priority', () => {
  it.each(PRIORITY_CASES)('%s', (_what, devicePending, softwarePending, mideleg, priv, cause) => {
    const h = at(priv, 'nop');
    h.hart.mideleg = mideleg;
    h.hart.mie = ALL_IRQS;
    h.hart.mstatus |= MSTATUS.MIE;
    h.hart.mipSoftware = softwarePending;
    h.hart.setPending(devicePending, true);
    h.run(1);
    expect(h.onlyTrap()).toMatchObject({ interrupt: true, cause });
  });

  it('M-level interrupts preempt S-mode even with MIE clear; S-level ones wait in M', () => {
    const sTaken = at(PRIV_S, 'nop', (hh) => {
      hh.hart.mie = IRQ.MSI;
      hh.hart.setPending(IRQ.MSI, true);
    });
    sTaken.run(1);
    expect(sTaken.onlyTrap()).toMatchObject({ cause: 3, toPriv: PRIV_M, fromPriv: PRIV_S });

    const mWaits = at(PRIV_M, 'nop\n nop', (hh) => {
      hh.hart.mideleg = IRQ.SSI;
      hh.hart.mie = IRQ.SSI;
      hh.hart.mstatus |= MSTATUS.MIE | MSTATUS.SIE;
      hh.hart.mipSoftware = IRQ.SSI;
    });
    mWaits.run(2);
    expect(mWaits.traps).toEqual([]);
  });

  it.each([
    [PRIV_S, 0, false],
    [PRIV_S, MSTATUS.SIE, true],
    [PRIV_U, 0, true],
  ])('a delegated SSI at privilege %s with sstatus=%s taken=%s', (priv, sie, taken) => {
    const h = at(priv, 'nop\n nop', (hh) => {
      hh.hart.mideleg = IRQ.SSI;
      hh.hart.mie = IRQ.SSI;
      hh.hart.mstatus |= sie;
      hh.hart.mipSoftware = IRQ.SSI;
    });
    h.run(1);
    expect(h.traps.length).toBe(taken ? 1 : 0);
  });
});

describe('MRET and SRET', () => {
  it.each([
    [PRIV_S, MPP_S],
    [PRIV_U, 0],
    [PRIV_M, MPP_M],
  ])('MRET to privilege %s restores MIE from MPIE and sets MPIE, MPP = U', (priv, mpp) => {
    const h = runAsm('la t0, target\n csrw mepc, t0\n mret\n nop\ntarget:\n ebreak', (hh) => {
      hh.hart.mstatus = (hh.hart.mstatus & ~MSTATUS.MPP) | mpp | MSTATUS.MPIE | MSTATUS.MPRV;
    });
    const trap = h.onlyTrap();
    expect(trap.fromPriv).toBe(priv);
    expect(trap.epc).toBe(h.label('target'));
    const afterMret = trap.fromPriv;
    expect(afterMret).toBe(priv);
  });

  it('MRET leaves the stacks as the spec says (checked before the next trap)', () => {
    const h = new HartHarness().load('la t0, target\n csrw mepc, t0\n mret\ntarget:\n nop');
    h.hart.mstatus = MPP_S | MSTATUS.MPIE | MSTATUS.MPRV;
    h.run(5);
    expect(h.hart.priv).toBe(PRIV_S);
    expect(h.hart.mstatus & (MSTATUS.MIE | MSTATUS.MPIE | MSTATUS.MPP | MSTATUS.MPRV)).toBe(MSTATUS.MIE | MSTATUS.MPIE);
    expect(h.hart.getPc()).toBe(h.label('target') + 4n);
  });

  it('MRET to M keeps MPRV', () => {
    const h = new HartHarness().load('la t0, target\n csrw mepc, t0\n mret\ntarget:\n nop');
    h.hart.mstatus = MPP_M | MSTATUS.MPRV;
    h.run(4);
    expect(h.hart.priv).toBe(PRIV_M);
    expect(h.hart.mstatus & MSTATUS.MPRV).toBe(MSTATUS.MPRV);
    expect(h.hart.mstatus & MSTATUS.MIE).toBe(0);
  });

  it.each([
    [MSTATUS.SPP | MSTATUS.SPIE, PRIV_S, MSTATUS.SIE | MSTATUS.SPIE],
    [MSTATUS.SPIE, PRIV_U, MSTATUS.SIE | MSTATUS.SPIE],
    [MSTATUS.SPP | MSTATUS.SIE, PRIV_S, MSTATUS.SPIE],
  ])('SRET from S with sstatus bits 0x%s goes to privilege %s', (bits, priv, after) => {
    const h = at(PRIV_S, 'la t0, target\n csrw sepc, t0\n sret\ntarget:\n nop', (hh) => {
      hh.hart.mstatus |= bits | MSTATUS.MPRV;
    });
    h.run(4);
    expect(h.traps).toEqual([]);
    expect(h.hart.priv).toBe(priv);
    expect(h.hart.mstatus & (MSTATUS.SIE | MSTATUS.SPIE | MSTATUS.SPP | MSTATUS.MPRV)).toBe(after);
    expect(h.hart.getPc()).toBe(h.label('target'));
  });
});

/** [instruction, privilege, mstatus bits, illegal] */
const TRAP_VIRTUALIZATION_CASES: ReadonlyArray<readonly [string, number, number, boolean]> = [
  ['mret', PRIV_S, 0, true],
  ['mret', PRIV_U, 0, true],
  ['sret', PRIV_U, 0, true],
  ['sret', PRIV_S, MSTATUS.TSR, true],
  ['sret', PRIV_M, MSTATUS.TSR, false],
  ['wfi', PRIV_U, 0, true],
  ['wfi', PRIV_S, MSTATUS.TW, true],
  ['wfi', PRIV_S, 0, false],
  ['wfi', PRIV_M, MSTATUS.TW, false],
  ['sfence.vma', PRIV_U, 0, true],
  ['sfence.vma', PRIV_S, MSTATUS.TVM, true],
  ['sfence.vma', PRIV_S, 0, false],
  ['csrr a0, satp', PRIV_S, MSTATUS.TVM, true],
  ['csrw satp, zero', PRIV_S, MSTATUS.TVM, true],
  ['csrr a0, satp', PRIV_M, MSTATUS.TVM, false],
  ['csrr a0, satp', PRIV_S, MSTATUS.TW | MSTATUS.TSR, false],
];

describe('TVM, TW, TSR and privileged instructions at low privilege', () => {
  it.each(TRAP_VIRTUALIZATION_CASES)('%s at privilege %s with mstatus 0x%s illegal=%s', (insn, priv, bits, illegal) => {
    const h = at(priv, insn, (hh) => {
      hh.hart.mstatus |= bits;
      hh.hart.sepc = BASE + 0x100n;
    });
    h.run(1);
    if (illegal) {
      expect(h.onlyTrap()).toMatchObject({ cause: CAUSE.ILLEGAL_INSTRUCTION, tval: h.read(RAM_BASE, 4), toPriv: PRIV_M });
    } else {
      expect(h.traps).toEqual([]);
    }
  });
});

describe('WFI', () => {
  it('exits with reason WFI when nothing is pending; it retires and the pc advances', () => {
    const h = new HartHarness().load('nop\n wfi\n nop');
    expect(h.run(10)).toBe(ExitReason.WFI);
    expect(h.hart.icount).toBe(2);
    expect(h.hart.getPc()).toBe(BASE + 8n);
    expect(h.hart.waiting).toBe(true);
  });

  it('does not wait when an interrupt is pending and enabled in mie, even with MIE clear', () => {
    const h = new HartHarness().load('wfi\n nop\n nop');
    h.hart.mie = IRQ.MSI;
    h.hart.setPending(IRQ.MSI, true);
    expect(h.run(3)).toBe(ExitReason.BUDGET);
    expect(h.hart.icount).toBe(3);
    expect(h.traps).toEqual([]);
  });

  it('an interrupt arriving while waiting is taken with epc after the WFI', () => {
    const h = new HartHarness().load('wfi\n nop');
    h.hart.mie = IRQ.MTI;
    h.hart.mstatus |= MSTATUS.MIE;
    expect(h.run(5)).toBe(ExitReason.WFI);
    h.hart.setPending(IRQ.MTI, true);
    h.run(1);
    expect(h.hart.waiting).toBe(false);
    expect(h.onlyTrap()).toMatchObject({ interrupt: true, cause: 7, epc: BASE + 4n });
  });
});
