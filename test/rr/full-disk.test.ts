import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceReader } from '../../src/trace/reader.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DEJA = join(ROOT, 'bin', 'deja.js');
const FW_JUMP = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';
const UBOOT = '/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin';

/** A 12 KiB tmpfs: the U-Boot session's trace (about 35 KiB) cannot fit. Needs root, as CI has. */
const isRoot = process.getuid?.() === 0;
const scratch = mkdtempSync(join(tmpdir(), 'deja-full-'));
const mountPoint = join(scratch, 'disk');

describe.runIf(isRoot || process.env.CI !== undefined)('recording onto a full file system', () => {
  beforeAll(() => {
    execFileSync('mkdir', ['-p', mountPoint]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=12k', 'tmpfs', mountPoint]);
  });
  afterAll(() => {
    spawnSync('umount', [mountPoint]);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('fails with one line naming the file, and leaves a trace whose complete chunks read', () => {
    const input = join(scratch, 'input.txt');
    writeFileSync(input, 'xxxxxxxxxx\nversion\npoweroff\n');
    const trace = join(mountPoint, 'u-boot.deja');
    const result = spawnSync(process.execPath, [DEJA, 'record', '-o', trace, '--bios', FW_JUMP, '--kernel', UBOOT, '--input', input], { encoding: 'latin1', timeout: 120_000 });
    expect(result.stderr).toMatch(new RegExp(`^deja: cannot write trace file ${trace}: ENOSPC \\(at byte offset \\d+\\)\n$`));
    expect(result.status).toBe(2);
    const reader = TraceReader.open(trace);
    try {
      expect(reader.truncated).toBeDefined();
      expect(reader.header.machine.kernel).toBe(UBOOT);
      let events = 0;
      for (const event of reader.events()) {
        expect(event.icount).toBeGreaterThanOrEqual(0);
        events++;
      }
      expect(events).toBe(reader.eventCount);
    } finally {
      reader.close();
    }
  });
});
