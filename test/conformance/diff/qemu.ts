import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QEMU_CPU } from '../../support/qemu-cpu.js';

/**
 * The full argument list for one run of `elfPath`. The UART goes to a file,
 * not a pipe: the dejavm run in the same process is synchronous, and QEMU
 * would block on a full pipe that nobody drains meanwhile.
 */
export function qemuArgs(elfPath: string, consolePath: string): string[] {
  return [
    '-M', 'virt', '-cpu', QEMU_CPU, '-smp', '1', '-m', '128M', '-bios', 'none', '-kernel', elfPath,
    '-nographic', '-monitor', 'none', '-serial', `file:${consolePath}`, '-nodefaults', '-no-reboot',
  ];
}

/** `true` when `qemu-system-riscv64` can be started. */
export function qemuAvailable(): boolean {
  try {
    execFileSync('qemu-system-riscv64', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Run an ELF image in QEMU and resolve to everything it printed on the UART. */
export async function runQemu(elf: Uint8Array, timeoutMs = 60_000): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'deja-qemu-'));
  const elfPath = join(dir, 'prog.elf');
  const consolePath = join(dir, 'console.txt');
  writeFileSync(elfPath, elf);
  try {
    await new Promise<void>((resolve, reject) => {
      execFile('qemu-system-riscv64', qemuArgs(elfPath, consolePath), { timeout: timeoutMs }, (error, _stdout, stderr) => {
        if (error) reject(new Error(`qemu failed: ${error.message}\n${String(stderr).slice(-2000)}`));
        else resolve();
      });
    });
    return readFileSync(consolePath, 'latin1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
