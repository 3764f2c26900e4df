/**
 * Boot benchmarks: real firmware and kernels booted on QEMU and on dejavm in
 * the same run, alternating, timed from process start to power-off: Debian's
 * OpenSBI + U-Boot (boot to the prompt, the typed line that stops autoboot,
 * then `poweroff`) and, once built, OpenSBI + the project's Linux guest (boot
 * to /init, which powers off).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QEMU, runProcess } from '../guests/host-tools.js';
import { QEMU_CPU } from '../support/qemu-cpu.js';
import { DEJA_CLI } from './dejavm.js';
import { formatTable, median, parseInstructionCount } from './stats.js';
import { LINUX_IMAGE, LINUX_INITRD } from '../support/linux-guest.js';

const FW_JUMP = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';
const UBOOT = '/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin';
/**
 * The console input: the first characters are eaten while stopping autoboot
 * (how many depends on timing), the rest of the first line is an unknown
 * command, then `poweroff`.
 */
const INPUT = 'xxxxxxxxxx\npoweroff\n';

/** One boot measured on both machines. */
interface BootScenario {
  name: string;
  /** Firmware and kernel arguments shared by both command lines (QEMU spelling; dejavm takes the same). */
  images: string[];
  /** The console shows this when the boot went right. */
  expect: string[];
}

function scenarios(): BootScenario[] {
  const list: BootScenario[] = [{
    name: 'opensbi+u-boot: prompt, poweroff',
    images: ['-bios', FW_JUMP, '-kernel', UBOOT],
    expect: ['=> ', 'poweroff'],
  }];
  if (existsSync(LINUX_IMAGE) && existsSync(LINUX_INITRD)) {
    list.push({
      name: 'opensbi+linux: boot to /init, poweroff',
      images: ['-bios', FW_JUMP, '-kernel', LINUX_IMAGE, '-initrd', LINUX_INITRD, '-append', 'console=ttyS0 earlycon=sbi'],
      expect: ['dejavm-init: done', 'reboot: Power down'],
    });
  }
  return list;
}

/**
 * Runs each boot on both machines `repetitions` times, alternating, and
 * returns the report. The Linux row appears once `npm run guest:linux` built it.
 */
export async function runBootBenchmark(repetitions: number, print: (text: string) => void): Promise<string> {
  const scratch = mkdtempSync(join(tmpdir(), 'deja-bench-boot-'));
  try {
    const inputPath = join(scratch, 'input.txt');
    writeFileSync(inputPath, INPUT);
    const rows: string[][] = [];
    const problems: string[] = [];
    for (const scenario of scenarios()) {
      const qemuArgs = ['-M', 'virt', '-cpu', QEMU_CPU, '-m', '128M', ...scenario.images, '-nographic', '-monitor', 'none', '-serial', 'stdio'];
      const dejaArgs = [DEJA_CLI, 'run', ...scenario.images.map((arg) => (arg.startsWith('-') ? `-${arg}` : arg)), '--input', inputPath, '--stats'];
      const qemuMs: number[] = [];
      const dejavmMs: number[] = [];
      let instructions: number | undefined;
      print(`running ${scenario.name} ×${repetitions}...`);
      for (let repetition = 0; repetition < repetitions; repetition++) {
        for (const engine of repetition % 2 === 0 ? ['qemu', 'dejavm'] : ['dejavm', 'qemu']) {
          const run = engine === 'qemu'
            ? await runProcess(QEMU, qemuArgs, 600_000, inputPath)
            : await runProcess(process.execPath, dejaArgs, 600_000, inputPath);
          const ok = run.exitCode === 0 && scenario.expect.every((text) => run.stdout.includes(text));
          if (!ok) problems.push(`${scenario.name}, ${engine}: exit ${run.exitCode}, output ends ${JSON.stringify(run.stdout.slice(-120))}`);
          else if (engine === 'qemu') qemuMs.push(run.wallMs);
          else {
            dejavmMs.push(run.wallMs);
            instructions = parseInstructionCount(run.stderr);
          }
        }
      }
      rows.push([
        scenario.name,
        qemuMs.length === 0 ? 'n/a' : median(qemuMs).toFixed(1),
        dejavmMs.length === 0 ? 'n/a' : median(dejavmMs).toFixed(1),
        instructions === undefined ? 'n/a' : String(instructions),
        qemuMs.length === 0 || dejavmMs.length === 0 ? 'n/a' : `${(median(qemuMs) / median(dejavmMs)).toFixed(3)}x`,
      ]);
    }
    return [
      formatTable(['boot', 'QEMU ms', 'dejavm ms', 'dejavm instructions', 'speed dejavm/QEMU'], rows),
      '',
      'Whole-process wall times (median), from start to power-off, QEMU and dejavm alternating.',
      ...problems.map((problem) => `PROBLEM ${problem}`),
    ].join('\n');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
