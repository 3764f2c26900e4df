/**
 * Runs a guest on `qemu-system-riscv64` with the exec and interrupt log on,
 * one instruction per translation block, and imports the log with
 * `deja import qemu`. The exact QEMU 7.2 command line (README, "QEMU as a
 * backend"):
 *
 * ```
 * qemu-system-riscv64 -M virt -cpu <QEMU_CPU> -smp 1 -m 128 -bios ... -kernel ... \
 *   -nographic -monitor none -serial file:CONSOLE -d int,exec,nochain -singlestep -D LOG
 * ```
 *
 * QEMU 7.2 has no `-accel tcg,one-insn-per-tb=on` (added in 8.1): `-singlestep`
 * is its name there. QEMU cannot stop after N instructions, so the run is cut
 * by a timeout, and the log by a file-size limit (`ulimit -f`) so it can never
 * fill the disk; the log is deleted once imported.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { QEMU } from '../../guests/host-tools.js';
import { QEMU_CPU } from '../../support/qemu-cpu.js';

/** The largest log QEMU may write, in KiB (about 1.9 GB, some 24 million instructions). */
const LOG_LIMIT_KIB = 1_900_000;

/** What to boot, with QEMU's option names. */
export interface QemuGuest {
  readonly bios: string;
  readonly kernel: string;
  readonly initrd?: string;
  readonly append?: string;
}

/** The QEMU arguments for `guest`, logging to `log` and writing the console to `consolePath`. */
export function qemuLogArgs(guest: QemuGuest, log: string, consolePath: string): string[] {
  return [
    '-M', 'virt', '-cpu', QEMU_CPU, '-smp', '1', '-m', '128', '-bios', guest.bios, '-kernel', guest.kernel,
    ...(guest.initrd === undefined ? [] : ['-initrd', guest.initrd]), ...(guest.append === undefined ? [] : ['-append', guest.append]),
    '-nographic', '-monitor', 'none', '-serial', `file:${consolePath}`, '-d', 'int,exec,nochain', '-singlestep', '-D', log,
  ];
}

/**
 * Runs `guest` on QEMU for at most `seconds`, imports the log into
 * `dir/qemu.deja` with `deja` (the built CLI at `dejaPath`) and deletes the log.
 * Returns the trace's path.
 */
export function qemuTrace(guest: QemuGuest, seconds: number, dir: string, dejaPath: string): string {
  const log = join(dir, 'qemu.log');
  const args = qemuLogArgs(guest, log, join(dir, 'qemu-console.txt')).map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  spawnSync('sh', ['-c', `ulimit -f ${LOG_LIMIT_KIB}; exec timeout ${seconds} ${QEMU} ${args} < /dev/null`], { stdio: 'ignore' });
  const trace = join(dir, 'qemu.deja');
  try {
    const images = ['--bios', guest.bios, '--kernel', guest.kernel, ...(guest.initrd === undefined ? [] : ['--initrd', guest.initrd]),
      ...(guest.append === undefined ? [] : ['--append', guest.append])];
    const result = spawnSync(process.execPath, [dejaPath, 'import', 'qemu', log, '-o', trace, '--force', ...images], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`deja import qemu failed: ${result.stderr}`);
  } finally {
    rmSync(log, { force: true });
  }
  return trace;
}
