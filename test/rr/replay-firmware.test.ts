import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TraceReader } from '../../src/trace/reader.js';
import { EventKind } from '../../src/trace/events.js';
import { LINUX_IMAGE, LINUX_INITRD } from '../support/linux-guest.js';
import { deja, equivalence, ROOT } from '../support/deja-cli.js';

const FW_JUMP = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';
const UBOOT_SMODE = '/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin';
const scratch = mkdtempSync(join(tmpdir(), 'deja-replay-firmware-'));

/** In CI every package must be there (a missing one fails); elsewhere the tests need them installed. */
const ubootAvailable = process.env.CI !== undefined || (existsSync(FW_JUMP) && existsSync(UBOOT_SMODE));
const linuxAvailable = process.env.CI !== undefined || (existsSync(LINUX_IMAGE) && existsSync(LINUX_INITRD) && existsSync(FW_JUMP));

/**
 * Record OpenSBI + U-Boot in host-clock mode with input typed while it runs:
 * a key once the autoboot countdown shows, the session once the prompt
 * shows, as a person at the console would.
 */
function recordTypedSession(trace: string, session: string): Promise<{ stdout: string; status: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      join(ROOT, 'bin', 'deja.js'), 'record', '-o', trace, '--clock', 'host', '--live-input', '--bios', FW_JUMP, '--kernel', UBOOT_SMODE,
    ], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stage = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (text: string) => {
      stdout += text;
      if (stage === 0 && stdout.includes('Hit any key to stop autoboot')) {
        stage = 1;
        child.stdin.write(' ');
      }
      if (stage === 1 && stdout.endsWith('=> ')) {
        stage = 2;
        child.stdin.end(session);
      }
    });
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ stdout, status });
    });
  });
}

describe('replaying firmware and kernels', () => {
  it.runIf(ubootAvailable)('an interactive U-Boot session typed in host-clock mode replays with the same console', async () => {
    const trace = join(scratch, 'u-boot-typed.deja');
    const recorded = await recordTypedSession(trace, 'version\nfdt addr $fdtcontroladdr\npoweroff\n');
    expect(recorded.stdout).toContain('U-Boot 2023.01');
    expect(recorded.stdout).toContain('=> poweroff');
    expect(recorded.status).toBe(0);
    const reader = TraceReader.open(trace);
    const kinds = new Set([...reader.events()].map((event) => event.kind));
    const inputs = [...reader.events()].filter((event) => event.kind === EventKind.CONSOLE_INPUT);
    reader.close();
    expect(kinds).toContain(EventKind.CLOCK);
    expect(inputs.length).toBeGreaterThanOrEqual(2);
    expect(inputs.every((event) => event.icount > 0)).toBe(true);
    for (const mode of [[], ['--feed']]) {
      const replayed = deja(['replay', trace, ...mode]);
      expect(replayed.stderr).toMatch(/^deja replay: equivalent: /m);
      expect(replayed.status).toBe(0);
      expect(replayed.stdout).toBe(recorded.stdout);
    }
  }, 300_000);

  it.runIf(linuxAvailable)('the Linux boot replays, from the start, from a snapshot in the middle, and fed from the trace', () => {
    const trace = join(scratch, 'linux.deja');
    const recorded = deja([
      'record', '-o', trace, '--bios', 'builtin', '--kernel', LINUX_IMAGE, '--initrd', LINUX_INITRD, '--append', 'console=ttyS0 earlycon=sbi',
      '--max-insns', '1000000000', '--snapshot-every', '10000000', '--digest-every', '20000000',
    ], { timeoutMs: 240_000 });
    expect(recorded.stdout).toContain('dejavm-init: done');
    expect(recorded.status).toBe(0);
    const whole = deja(['replay', trace], { timeoutMs: 240_000 });
    expect(whole.stdout).toBe(recorded.stdout);
    expect(whole.status).toBe(0);
    const verdict = equivalence(whole.stderr);
    expect(verdict).toBeDefined();
    const fed = deja(['replay', trace, '--feed'], { timeoutMs: 240_000 });
    expect(equivalence(fed.stderr)).toEqual(verdict);
    expect(fed.stdout).toBe(recorded.stdout);
    const fromMiddle = deja(['replay', trace, '--from', '35000000'], { timeoutMs: 240_000 });
    expect(fromMiddle.status).toBe(0);
    expect(equivalence(fromMiddle.stderr)?.digest).toBe(verdict!.digest);
    expect(recorded.stdout.endsWith(fromMiddle.stdout)).toBe(true);
  }, 600_000);

  it.runIf(linuxAvailable)('OpenSBI + Linux replays with the same console, and so does U-Boot as M-mode firmware', () => {
    const cases: Array<[string, string[]]> = [
      ['opensbi-linux', ['--bios', FW_JUMP, '--kernel', LINUX_IMAGE, '--initrd', LINUX_INITRD, '--append', 'console=ttyS0 earlycon=sbi', '--snapshot-every', '20000000']],
      ['u-boot-mmode', ['--bios', '/usr/lib/u-boot/qemu-riscv64/u-boot.bin', '--input', '/dev/null', '--max-insns', '30000000']],
    ];
    for (const [name, machine] of cases) {
      const trace = join(scratch, `${name}.deja`);
      const recorded = deja(['record', '-o', trace, ...machine], { timeoutMs: 240_000 });
      expect([0, 124]).toContain(recorded.status);
      const replayed = deja(['replay', trace], { timeoutMs: 240_000 });
      expect(replayed.stderr).toMatch(/^deja replay: equivalent: /m);
      expect(replayed.stdout).toBe(recorded.stdout);
      expect(replayed.status).toBe(0);
    }
  }, 600_000);
});
