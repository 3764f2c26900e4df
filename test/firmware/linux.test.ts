import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/analysis/summary.js';
import { TraceReader } from '../../src/trace/reader.js';
import { LINUX_IMAGE, LINUX_INITRD } from '../support/linux-guest.js';

const FW_JUMP = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';
const DEJA = join(import.meta.dirname, '..', '..', 'bin', 'deja.js');


/** Built here (or in CI, where .ci/run builds it first and a missing guest must fail). */
const available = process.env.CI !== undefined || (existsSync(LINUX_IMAGE) && existsSync(LINUX_INITRD) && existsSync(FW_JUMP));
const note = available ? '' : ' (skipped: run `npm run guest:linux` first)';

/**
 * Boot through the real CLI (the compiled build `npm test` makes first): the
 * same path users take, and several times faster than the test transform.
 */
function bootLinux(bios: 'builtin' | 'opensbi'): { console: string; reason: string; instructions: number } {
  const result = spawnSync(process.execPath, [
    DEJA, 'run', '--bios', bios === 'builtin' ? 'builtin' : FW_JUMP, '--kernel', LINUX_IMAGE, '--initrd', LINUX_INITRD,
    '--append', 'console=ttyS0 earlycon=sbi', '--max-insns', '1000000000', '--stats',
  ], { encoding: 'latin1', timeout: 120_000 });
  const instructions = Number(/^instructions: (\d+)$/m.exec(result.stderr)?.[1] ?? NaN);
  return { console: result.stdout, reason: result.status === 0 ? 'pass' : `exit ${result.status}: ${result.stderr}`, instructions };
}

/** Lines the project's /init prints on a correct machine (test/guests/src/linux-init/init.c). */
function expectInitRan(console: string): void {
  expect(console).toContain('Linux version 6.1');
  expect(console).toContain('Run /init as init process');
  expect(console).toMatch(/dejavm-init: done/);
  expect(console).not.toMatch(/dejavm-init: FAIL/);
  expect(console).toContain('reboot: Power down');
}

describe(`the Linux guest${note}`, () => {
  it.runIf(available)('boots with OpenSBI to its /init, which runs its checks and powers off', () => {
    const run = bootLinux('opensbi');
    expectInitRan(run.console);
    expect(run.console).toContain('OpenSBI v1.1');
    expect(run.reason).toBe('pass');
  });

  it.runIf(available)('boots on the built-in SBI firmware to its /init and powers off', () => {
    const run = bootLinux('builtin');
    expectInitRan(run.console);
    expect(run.console).not.toContain('OpenSBI');
    expect(run.reason).toBe('pass');
  });

  it.runIf(available)('records its boot: system calls from /init, UART output, the SBI shutdown at the end', () => {
    const trace = join(mkdtempSync(join(tmpdir(), 'deja-linux-')), 'linux.deja');
    const result = spawnSync(process.execPath, [
      DEJA, 'record', '-o', trace, '--bios', 'builtin', '--kernel', LINUX_IMAGE, '--initrd', LINUX_INITRD,
      '--append', 'console=ttyS0 earlycon=sbi', '--max-insns', '1000000000',
    ], { encoding: 'latin1', timeout: 120_000 });
    expect(result.status, result.stderr).toBe(0);
    const reader = TraceReader.open(trace);
    try {
      const summary = summarize(reader.events(), reader.header.devices.map((d) => d.name));
      expect(summary.traps.get('environment call from U-mode')).toBeGreaterThan(10);
      expect(summary.traps.get('supervisor timer interrupt')).toBeGreaterThan(0);
      expect(summary.io.get('uart0')?.writes).toBeGreaterThan(500);
      expect(summary.end).toMatchObject({ reason: 'pass', exitCode: 0 });
    } finally {
      reader.close();
    }
  });

  it.runIf(available)('boots the same way twice: same instruction count, same console', () => {
    const first = bootLinux('builtin');
    const second = bootLinux('builtin');
    expect(second.instructions).toBe(first.instructions);
    expect(second.console).toBe(first.console);
  });
});
