import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Vmm } from '../../src/vmm/vmm.js';
import { QEMU, shouldRunWith, skipNote } from '../guests/host-tools.js';
import { QEMU_CPU } from '../support/qemu-cpu.js';

const FW_JUMP = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';
const UBOOT_SMODE = '/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin';
const UBOOT_MMODE = '/usr/lib/u-boot/qemu-riscv64/u-boot.bin';

/** What the test types once U-Boot shows its prompt. */
const SESSION = 'version\nfdt addr $fdtcontroladdr\nfdt print /cpus\npoweroff\n';

/** Runs where the packages are installed, and always in CI (so a missing package fails there). */
const available = process.env.CI !== undefined ||
  (shouldRunWith(QEMU) && existsSync(FW_JUMP) && existsSync(UBOOT_SMODE) && existsSync(UBOOT_MMODE));

/**
 * Types like a person at U-Boot's console: a key when the autoboot countdown
 * starts, then the session once the prompt appears. Keys are sent only after
 * the text that asks for them, so both machines see the same input at the
 * same point of the boot and their consoles can be compared.
 */
class Typist {
  private output = '';
  private stage = 0;

  constructor(private readonly send: (text: string) => void, private readonly session: string) {}

  /** Feed console output; sends input when its cue has appeared. */
  observe(text: string): void {
    this.output += text;
    if (this.stage === 0 && this.output.includes('Hit any key to stop autoboot')) {
      this.stage = 1;
      this.send(' ');
    }
    if (this.stage === 1 && this.output.endsWith('=> ')) {
      this.stage = 2;
      this.send(this.session);
    }
  }

  /** Whether U-Boot's prompt was reached. */
  reachedPrompt(): boolean {
    return this.stage === 2;
  }
}

/** Boot on dejavm, typing as `Typist` does; the console text and how the run ended. */
function bootOnDejavm(options: { bios: 'builtin' | string; kernel?: string; session: string; maxInsns: number }): {
  console: string; reason: string; prompt: boolean;
} {
  const chunks: number[] = [];
  let vmm: Vmm | undefined;
  const typist = new Typist((text) => vmm!.machine.uart.pushInput(Buffer.from(text, 'latin1')), options.session);
  vmm = new Vmm({
    bios: options.bios === 'builtin' ? 'builtin' : { name: options.bios, bytes: new Uint8Array(readFileSync(options.bios)) },
    kernel: options.kernel === undefined ? undefined : { name: options.kernel, bytes: new Uint8Array(readFileSync(options.kernel)) },
    console: (byte) => {
      chunks.push(byte);
      typist.observe(String.fromCharCode(byte));
    },
  });
  const outcome = vmm.run(options.maxInsns);
  return { console: Buffer.from(chunks).toString('latin1'), reason: outcome.reason, prompt: typist.reachedPrompt() };
}

/** Boot the same images on QEMU with the same typing; resolves with its console text. */
function bootOnQemu(bios: string, kernel: string, session: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(QEMU, [
      '-M', 'virt', '-cpu', QEMU_CPU, '-smp', '1', '-m', '128M', '-bios', bios, '-kernel', kernel,
      '-nographic', '-monitor', 'none', '-serial', 'stdio',
    ], { stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000 });
    let console = '';
    const typist = new Typist((text) => child.stdin.write(text), session);
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      console += text;
      typist.observe(text);
    });
    child.on('error', reject);
    child.on('close', () => resolve(console));
  });
}

/** Lines that carry time (the autoboot countdown) differ between any two runs; drop them. */
function withoutTimedLines(text: string): string {
  return text.replaceAll('\r', '').split('\n').filter((line) => !line.includes('Hit any key to stop autoboot')).join('\n');
}

describe(`Debian's U-Boot on dejavm${skipNote(QEMU, 'qemu-system-misc u-boot-qemu opensbi')}`, () => {
  it.runIf(available)('OpenSBI + U-Boot (S-mode): prompt, version, fdt print /cpus, poweroff; console as QEMU\'s', async () => {
    const ours = bootOnDejavm({ bios: FW_JUMP, kernel: UBOOT_SMODE, session: SESSION, maxInsns: 2_000_000_000 });
    expect(ours.prompt).toBe(true);
    expect(ours.reason).toBe('pass');
    expect(ours.console).toContain('riscv,isa = "rv64imafdc_zicsr_zifencei";');
    const qemu = await bootOnQemu(FW_JUMP, UBOOT_SMODE, SESSION);
    expect(withoutTimedLines(ours.console)).toBe(withoutTimedLines(qemu));
  });

  it.runIf(available)('U-Boot as M-mode firmware (--bios) reaches its prompt and powers off', () => {
    const ours = bootOnDejavm({ bios: UBOOT_MMODE, session: 'poweroff\n', maxInsns: 2_000_000_000 });
    expect(ours.prompt).toBe(true);
    expect(ours.console).toContain('U-Boot 2023.01');
    expect(ours.reason).toBe('pass');
  });

  it.runIf(available)('U-Boot (S-mode) on the built-in SBI firmware reaches its prompt and powers off', () => {
    const ours = bootOnDejavm({ bios: 'builtin', kernel: UBOOT_SMODE, session: 'poweroff\n', maxInsns: 2_000_000_000 });
    expect(ours.prompt).toBe(true);
    expect(ours.console).toContain('U-Boot 2023.01');
    expect(ours.reason).toBe('pass');
  });
});
