import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assemble } from '../../src/isa/asm.js';
import { Vmm } from '../../src/vmm/vmm.js';
import { QEMU, runProcess, shouldRunWith, skipNote } from '../guests/host-tools.js';
import { QEMU_CPU } from '../support/qemu-cpu.js';

const FW_JUMP = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';

/**
 * A tiny S-mode kernel: prints through the SBI legacy console, then asks the
 * firmware to shut down (SRST). OpenSBI's fw_jump starts it at 0x80200000.
 */
const KERNEL = assemble(`
    mv s1, a0              # hart id from the firmware
    la s0, message
  1: lbu a0, 0(s0)
    beqz a0, 2f
    li a7, 1               # legacy console_putchar
    ecall
    addi s0, s0, 1
    j 1b
  2: addi a0, s1, '0'
    li a7, 1
    ecall
    li a0, '\\n'
    ecall
    li a7, 0x53525354      # SRST: shutdown, no reason
    li a6, 0
    li a0, 0
    li a1, 0
    ecall
  3: j 3b
  message: .string "hello from S-mode on hart "
`, { origin: 0x80200000n }).bytes;

const scratch = mkdtempSync(join(tmpdir(), 'deja-opensbi-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs where QEMU and OpenSBI are installed, and always in CI (so a missing package fails there). */
const available = process.env.CI !== undefined || (shouldRunWith(QEMU) && existsSync(FW_JUMP));

describe(`Debian's OpenSBI fw_jump.bin boots an S-mode kernel${skipNote(QEMU, 'qemu-system-misc')}`, () => {
  it.runIf(available)('prints the same console text as QEMU and powers off through SBI SRST', async () => {
    const firmware = new Uint8Array(readFileSync(FW_JUMP));
    const console: number[] = [];
    const vmm = new Vmm({ bios: { name: 'fw_jump.bin', bytes: firmware }, kernel: { name: 'kernel', bytes: KERNEL }, console: (b) => console.push(b) });
    const outcome = vmm.run(50_000_000);
    const ours = Buffer.from(console).toString('latin1');
    expect(outcome.reason).toBe('pass');
    expect(ours).toContain('OpenSBI v');
    expect(ours).toMatch(/hello from S-mode on hart 0\r?\n$/);

    const kernelPath = join(scratch, 'kernel.bin');
    writeFileSync(kernelPath, KERNEL);
    const qemu = await runProcess(QEMU, [
      '-M', 'virt', '-cpu', QEMU_CPU, '-smp', '1', '-m', '128M', '-bios', FW_JUMP, '-kernel', kernelPath,
      '-nographic', '-monitor', 'none', '-serial', 'stdio',
    ], 60_000);
    expect(qemu.exitCode).toBe(0);
    expect(ours).toBe(qemu.stdout);
  });
});
