import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/isa/asm.js';
import { Vmm } from '../../../src/vmm/vmm.js';

/** Run an S-mode kernel (assembled for 0x80200000) under the built-in SBI firmware. */
function runBuiltin(source: string, maxInsns = 1_000_000): { vmm: Vmm; console: string; reason: string; message: string } {
  const { bytes } = assemble(source, { origin: 0x80200000n });
  const out: number[] = [];
  const vmm = new Vmm({ bios: 'builtin', kernel: { name: 'kernel', bytes }, console: (b) => out.push(b) });
  const outcome = vmm.run(maxInsns);
  return { vmm, console: Buffer.from(out).toString('latin1'), reason: outcome.reason, message: outcome.message };
}

const SHUTDOWN = `
  li a7, 0x53525354
  li a6, 0
  li a0, 0
  li a1, 0
  ecall
9: j 9b
`;

describe('built-in SBI firmware (--bios builtin)', () => {
  it('starts the kernel in S-mode at 0x80200000 with a0 = hart id and a1 = the device tree', () => {
    const { vmm, reason } = runBuiltin(`
      mv s2, a0
      mv s3, a1
      csrr s4, sstatus       # legal only in S-mode or above
      ${SHUTDOWN}
    `);
    expect(reason).toBe('pass');
    const hart = vmm.machine.harts[0]!;
    expect(hart.getX(18)).toBe(0n);
    expect(hart.getX(19)).toBe(BigInt(vmm.machine.fdtAddress));
    expect(hart.priv).toBe(1);
  });

  it('answers BASE queries: spec version 2.0, implementation, extension probes', () => {
    const { vmm } = runBuiltin(`
      li a7, 0x10
      li a6, 0
      ecall
      mv s2, a1              # spec version
      li a6, 3
      li a0, 0x54494d45      # probe TIME
      ecall
      mv s3, a1
      li a6, 3
      li a0, 0x12345678      # probe an unknown extension
      ecall
      mv s4, a1
      li a7, 0x99999         # unknown extension: SBI_ERR_NOT_SUPPORTED
      ecall
      mv s5, a0
      ${SHUTDOWN}
    `);
    const hart = vmm.machine.harts[0]!;
    expect([hart.getX(18), hart.getX(19), hart.getX(20), BigInt.asIntN(64, hart.getX(21))]).toEqual([2n << 24n, 1n, 0n, -2n]);
  });

  it('prints through DBCN and the legacy console', () => {
    const { console } = runBuiltin(`
      li a7, 0x4442434e
      li a6, 0
      li a0, 6
      la a1, text
      li a2, 0
      ecall
      li a7, 1               # legacy console_putchar
      li a0, '!'
      ecall
      ${SHUTDOWN}
    text: .string "dbcn: "
    `);
    expect(console).toBe('dbcn: !');
  });

  it('delivers set_timer as a supervisor timer interrupt at the deadline', () => {
    const { vmm, reason } = runBuiltin(`
      la t0, handler
      csrw stvec, t0
      li t0, 0x0200bff8      # mtime
      ld a0, 0(t0)
      addi a0, a0, 100
      li a7, 0x54494d45
      li a6, 0
      ecall
      li t0, 1 << 5
      csrs sie, t0           # STIE
      csrsi sstatus, 2       # SIE
    1: addi s2, s2, 1
      j 1b
    handler:
      csrr s3, scause
      ${SHUTDOWN}
    `);
    expect(reason).toBe('pass');
    const hart = vmm.machine.harts[0]!;
    expect(hart.getX(19)).toBe((1n << 63n) | 5n);
    expect(hart.getX(18)).toBeGreaterThan(450n); // 100 ticks = 1,000 instructions, two per iteration
  });

  it('reports HSM status and powers off through SRST', () => {
    const { vmm, reason, message } = runBuiltin(`
      li a7, 0x48534d
      li a6, 2
      li a0, 0
      ecall
      mv s2, a1              # hart 0 is started (0)
      ${SHUTDOWN}
    `);
    expect(vmm.machine.harts[0]!.getX(18)).toBe(0n);
    expect(reason).toBe('pass');
    expect(message).toBe('sbi: system shutdown');
  });

  it('boots the same S-mode kernel that OpenSBI runs', () => {
    const { console, reason } = runBuiltin(`
      la s0, message
    1: lbu a0, 0(s0)
      beqz a0, 2f
      li a7, 1
      ecall
      addi s0, s0, 1
      j 1b
    2: ${SHUTDOWN}
    message: .string "hello from S-mode\\n"
    `);
    expect(console).toBe('hello from S-mode\n');
    expect(reason).toBe('pass');
  });
});
