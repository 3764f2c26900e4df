/**
 * dejavm against QEMU 7.2 on the same guests: QEMU's exec and interrupt log
 * imported with `deja import qemu`, compared with a dejavm recording by
 * `deja diff`. Every difference found is either fixed or in the README's
 * table of known board differences; these tests pin each one down, so a new
 * difference (or a fixed one) shows up here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { QEMU, shouldRunWith } from '../../guests/host-tools.js';
import { LINUX_IMAGE, LINUX_INITRD } from '../../support/linux-guest.js';
import { qemuTrace, type QemuGuest } from './qemu-trace.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const DEJA = join(ROOT, 'bin', 'deja.js');
const FW_JUMP = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';
const UBOOT_SMODE = '/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin';
const scratch = mkdtempSync(join(tmpdir(), 'deja-qemu-board-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function deja(...args: string[]): { status: number | null; stdout: string } {
  // --locate steps through millions of instructions one at a time: minutes on a loaded machine.
  const result = spawnSync(process.execPath, [DEJA, ...args], { encoding: 'utf8', timeout: 400_000 });
  return { status: result.status, stdout: result.stdout };
}

/**
 * Records `guest` on dejavm for `maxInsns` instructions (no console input) and
 * diffs QEMU's trace against it; returns the diff's output and both traces.
 */
function compare(name: string, guest: QemuGuest, qemuSeconds: number, maxInsns: number, ...diffArgs: string[]): {
  status: number | null; stdout: string; qemu: string; ours: string;
} {
  const dir = mkdtempSync(join(scratch, `${name}-`));
  const qemu = qemuTrace(guest, qemuSeconds, dir, DEJA);
  const ours = join(dir, 'dejavm.deja');
  const images = ['--bios', guest.bios, '--kernel', guest.kernel, ...(guest.initrd === undefined ? [] : ['--initrd', guest.initrd]),
    ...(guest.append === undefined ? [] : ['--append', guest.append])];
  deja('record', '-o', ours, '--input', '/dev/null', '--max-insns', String(maxInsns), ...images);
  return { ...deja('diff', qemu, ours, ...diffArgs), qemu, ours };
}

/** The icounts on the line marked `!` (QEMU's side first). */
function divergentIcounts(stdout: string): number[] {
  const line = stdout.split('\n').find((text) => text.startsWith('! '))!;
  return [...line.matchAll(/(?:^! |\| )0:(\d+)/g)].map((match) => Number(match[1]));
}

const qemuPresent = shouldRunWith(QEMU);
/** In CI a missing firmware or Linux guest must fail the test, not skip it. */
const inCi = process.env.CI !== undefined;

describe.skipIf(!qemuPresent)('dejavm against QEMU', () => {
  it('the demo guest: the same ECALLs at the same icounts; only timer interrupts fall elsewhere (QEMU runs on host time)', () => {
    const result = compare('demo', { bios: 'none', kernel: join(ROOT, 'test', 'guests', 'bin', 'demo.elf') }, 20, 100_000, '--all', '--max', '50');
    const ecalls = (trace: string): string[] => deja('dump', trace, '--kind', 'trap').stdout.split('\n')
      .filter((line) => line.includes('environment call')).map((line) => line.replace(/ (\?->\?|U->M) /, ' '));
    expect(ecalls(result.qemu)).toEqual(ecalls(result.ours));
    expect(ecalls(result.ours)).toHaveLength(4);
    for (const line of result.stdout.split('\n').filter((text) => text.startsWith('! '))) expect(line).toMatch(/timer interrupt|no more events/);
  }, 120_000);

  it.skipIf(!inCi && (!existsSync(FW_JUMP) || !existsSync(UBOOT_SMODE)))('OpenSBI + U-Boot: the same traps at the same icounts and the same pc at every instruction, as far as QEMU got', () => {
    const result = compare('u-boot', { bios: FW_JUMP, kernel: UBOOT_SMODE }, 12, 30_000_000);
    expect(result.stdout).toMatch(/^equivalent: \d+ events match \(trap 6\)\ncompared: trap; up to icount \d+, where A stops there \(log-end\)\n$/);
    expect(Number(/up to icount (\d+)/.exec(result.stdout)![1])).toBeGreaterThan(2_755_356);
    expect(result.status).toBe(0);
    const located = deja('diff', '--locate', result.qemu, result.ours);
    expect(located.stdout).toMatch(/^the event streams are equivalent\ncompared the pcs of \d+ instructions from icount 0\nno pc differs/);
    expect(located.status).toBe(0);
  }, 240_000);

  it.skipIf(!inCi && (!existsSync(FW_JUMP) || !existsSync(LINUX_IMAGE) || !existsSync(LINUX_INITRD)))(
    'Linux: the first difference is the satp mode probe (QEMU 7.2 accepts Sv57, dejavm stops at Sv48): 91 instructions fewer before the MMU comes on',
    () => {
      const result = compare('linux', { bios: FW_JUMP, kernel: LINUX_IMAGE, initrd: LINUX_INITRD, append: 'console=ttyS0 earlycon=sbi' }, 80, 30_000_000);
      const marked = result.stdout.split('\n').find((text) => text.startsWith('! '))!;
      expect(marked).toMatch(/instruction page fault \(exception 12\) \?->\? epc=0x80201048 tval=0x80201048 .*\| .*instruction page fault \(exception 12\) S->S epc=0x80201048 tval=0x80201048/);
      const [qemuIcount, oursIcount] = divergentIcounts(result.stdout);
      expect(qemuIcount! - oursIcount!).toBe(91);
      expect(result.status).toBe(1);
      const located = deja('diff', '--locate', result.qemu, result.ours).stdout;
      expect(located).toContain('first control-flow difference at icount 12142865:');
      expect(located).toMatch(/^ +12142864: 0x802f329c -> 0x802f32d4$/m);
      expect(located).toMatch(/^dejavm .*: pc 0x802f32a0 {2}beq s10,s9,0x802f32c4$/m);
      // Every later control-flow difference is a test of pgtable_l4_enabled (at gp-2007): the kernel's four- and five-level paths.
      const later = deja('diff', '--locate', '--all', '--max', '4', result.qemu, result.ours).stdout;
      const ours = later.split('\n').filter((line) => line.startsWith('dejavm '));
      const reach = Number(/up to icount (\d+)/.exec(result.stdout)?.[1] ?? 0);
      // The second difference (in early_init_dt_add_memory_arch) is at icount 12446194: seen when QEMU's log got that far.
      expect(ours.length).toBeGreaterThanOrEqual(reach > 12_446_300 ? 2 : 1);
      for (const line of ours.slice(1)) expect(line).toMatch(/ {2}lbu a\d,-2007\(gp\)$/);
    }, 480_000);
});
