/**
 * Design rule 4: the backends are bit-exact. Each guest is recorded under
 * `interp` and under `dbt` through the built CLI (`npm test` builds it first;
 * the CLI runs the compiled code, where the interpreter's operation numbers
 * are inlined), with state digests along the way, and the two traces must be
 * identical event for event, header included, apart from the backend name,
 * the command line and the start time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/trace/events.js';
import { TraceReader } from '../../src/trace/reader.js';
import type { TraceHeader } from '../../src/trace/schema.js';
import { GUEST_BIN_DIR } from '../guests/guests.js';
import { LINUX_IMAGE, LINUX_INITRD } from '../support/linux-guest.js';

const DEJA = join(import.meta.dirname, '..', '..', 'bin', 'deja.js');
const FW_JUMP = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';
const UBOOT = '/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin';
const scratch = mkdtempSync(join(tmpdir(), 'deja-backends-'));

interface Recording {
  header: TraceHeader;
  events: TraceEvent[];
}

/** Record with `backend` through the CLI; the trace read back whole. */
function record(name: string, backend: 'interp' | 'dbt', flags: readonly string[], timeout: number): Recording {
  const path = join(scratch, `${name}-${backend}.deja`);
  const result = spawnSync(process.execPath, [DEJA, 'record', '-o', path, '--force', '--backend', backend, ...flags], {
    encoding: 'latin1', timeout,
  });
  expect(result.error, `${name} under ${backend}`).toBeUndefined();
  expect(existsSync(path), `${name} under ${backend}: ${result.stderr}`).toBe(true);
  const reader = TraceReader.open(path);
  try {
    return { header: reader.header, events: [...reader.events()] };
  } finally {
    reader.close();
  }
}

/** The header with what may legitimately differ between the two recordings blanked out. */
function comparable(header: TraceHeader): TraceHeader {
  return { ...header, argv: [], startTime: '', machine: { ...header.machine, backend: '' } };
}

function expectBitExact(name: string, flags: readonly string[], timeout = 60_000): void {
  const interp = record(name, 'interp', flags, timeout);
  const dbt = record(name, 'dbt', flags, timeout);
  expect(interp.header.machine.backend).toBe('interp');
  expect(dbt.header.machine.backend).toBe('dbt');
  expect(comparable(dbt.header)).toEqual(comparable(interp.header));
  expect(dbt.events.length).toBe(interp.events.length);
  const firstDifference = dbt.events.findIndex((event, index) => JSON.stringify(event, bigints) !== JSON.stringify(interp.events[index], bigints));
  expect(firstDifference, `first differing event: ${JSON.stringify(dbt.events[firstDifference], bigints)}`).toBe(-1);
}

function bigints(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `0x${value.toString(16)}` : value;
}

const guests = readdirSync(GUEST_BIN_DIR).filter((file) => file.endsWith('.elf')).sort();

/** In CI a missing firmware or Linux guest must fail the test, not skip it. */
const inCi = process.env.CI !== undefined;

describe('interp and dbt record identical traces', () => {
  it.each(guests)('%s', (file) => {
    // A digest hashes all of RAM: every 2,000 instructions for the small
    // guests, every 10 million for the bench guest, cut at 50 million.
    const digestEvery = file === 'bench.elf' ? '10000000' : '2000';
    expectBitExact(file, ['--kernel', join(GUEST_BIN_DIR, file), '--digest-every', digestEvery, '--max-insns', '50000000'], 120_000);
  }, 300_000);

  it.runIf(inCi || (existsSync(FW_JUMP) && existsSync(UBOOT)))('OpenSBI and U-Boot: boot, a command at the prompt, power-off', () => {
    const input = join(scratch, 'u-boot-input.txt');
    writeFileSync(input, 'xxxxxxxxxx\nversion\npoweroff\n');
    expectBitExact('u-boot', ['--bios', FW_JUMP, '--kernel', UBOOT, '--input', input, '--digest-every', '1000000'], 180_000);
  }, 400_000);

  it.runIf(inCi || (existsSync(LINUX_IMAGE) && existsSync(LINUX_INITRD)))('the Linux boot to /init and power-off', () => {
    expectBitExact('linux', [
      '--bios', 'builtin', '--kernel', LINUX_IMAGE, '--initrd', LINUX_INITRD, '--append', 'console=ttyS0 earlycon=sbi',
      '--max-insns', '1000000000', '--digest-every', '10000000',
    ], 600_000);
  }, 1_300_000);

  it.runIf(inCi || (existsSync(FW_JUMP) && existsSync(LINUX_IMAGE) && existsSync(LINUX_INITRD)))('OpenSBI and Linux: the boot to /init and power-off', () => {
    // The real SBI (fw_jump, as test/firmware/linux.test.ts boots it) instead
    // of the built-in one: M-mode firmware code and its trap handling run too.
    expectBitExact('linux-opensbi', [
      '--bios', FW_JUMP, '--kernel', LINUX_IMAGE, '--initrd', LINUX_INITRD, '--append', 'console=ttyS0 earlycon=sbi',
      '--max-insns', '1000000000', '--digest-every', '10000000',
    ], 600_000);
  }, 1_300_000);
});
