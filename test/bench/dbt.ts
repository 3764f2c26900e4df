/**
 * The binary translator's benchmark: the CPU-bound bench guest on QEMU, on
 * dejavm's interpreter and on its translator (MIPS side by side); OpenSBI +
 * U-Boot and OpenSBI + the Linux guest booted on QEMU and on the translator
 * (time ratios); and what recording costs with the translator (`deja record
 * --backend dbt` against `deja run --backend dbt`). Engines alternate in
 * order from one repetition to the next; medians of whole-process wall times.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guestImage } from '../guests/guests.js';
import { QEMU, qemuArgs, runProcess, type ProcessRun } from '../guests/host-tools.js';
import { LINUX_IMAGE, LINUX_INITRD } from '../support/linux-guest.js';
import { QEMU_CPU } from '../support/qemu-cpu.js';
import { DEJA_CLI } from './dejavm.js';
import { formatTable, median, mips, parseInstructionCount } from './stats.js';

const FW_JUMP = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';
const UBOOT = '/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin';
const UBOOT_INPUT = 'xxxxxxxxxx\npoweroff\n';
const TIMEOUT_MS = 600_000;

/** One engine's command line for a scenario. */
interface Engine {
  name: string;
  command: string;
  args: string[];
}

/** Wall times of each engine, alternating order per repetition; failed runs are reported, not timed. */
async function measure(engines: readonly Engine[], expect: string, repetitions: number, inputPath: string | undefined, problems: string[]): Promise<Map<string, { ms: number[]; last?: ProcessRun }>> {
  const results = new Map(engines.map((engine) => [engine.name, { ms: [] as number[], last: undefined as ProcessRun | undefined }]));
  for (let repetition = 0; repetition < repetitions; repetition++) {
    const order = repetition % 2 === 0 ? engines : [...engines].reverse();
    for (const engine of order) {
      const run = await runProcess(engine.command, engine.args, TIMEOUT_MS, inputPath);
      const result = results.get(engine.name)!;
      if (run.exitCode !== 0 || !run.stdout.includes(expect)) {
        problems.push(`${engine.name}: exit ${run.exitCode}, output ends ${JSON.stringify(run.stdout.slice(-120))}`);
      } else {
        result.ms.push(run.wallMs);
        result.last = run;
      }
    }
  }
  return results;
}

const deja = (verb: string, backend: string, flags: readonly string[]): string[] => [DEJA_CLI, verb, '--backend', backend, ...flags];
const ms = (values: readonly number[]): string => (values.length === 0 ? 'n/a' : median(values).toFixed(0));
const ratio = (a: readonly number[], b: readonly number[]): string =>
  (a.length === 0 || b.length === 0 ? 'n/a' : `${(median(a) / median(b)).toFixed(3)}x`);

/** Runs the translator benchmark and returns its report. */
export async function runDbtBenchmark(repetitions: number, print: (text: string) => void): Promise<string> {
  const scratch = mkdtempSync(join(tmpdir(), 'deja-bench-dbt-'));
  const problems: string[] = [];
  const lines: string[] = [];
  try {
    const elf = guestImage('bench');
    const guestFlags = ['--kernel', elf, '--bios', 'none', '--stats'];
    print(`dbt: bench guest on QEMU, interp and dbt ×${repetitions}...`);
    const guest = await measure([
      { name: 'QEMU', command: QEMU, args: qemuArgs(elf, 'virt') },
      { name: 'interp', command: process.execPath, args: deja('run', 'interp', guestFlags) },
      { name: 'dbt', command: process.execPath, args: deja('run', 'dbt', guestFlags) },
    ], 'checksum', repetitions, undefined, problems);
    const instructions = parseInstructionCount(guest.get('dbt')!.last?.stderr ?? '') ?? NaN;
    const rate = (name: string): string => {
      const times = guest.get(name)!.ms;
      return times.length === 0 ? 'n/a' : mips(instructions, median(times)).toFixed(0);
    };
    const qemuMs = guest.get('QEMU')!.ms;
    lines.push(formatTable(['bench guest', 'median ms', 'MIPS', 'speed vs QEMU'], ['QEMU', 'interp', 'dbt'].map((name) => [
      name, ms(guest.get(name)!.ms), rate(name), name === 'QEMU' ? '1x' : ratio(qemuMs, guest.get(name)!.ms),
    ])));
    const statsLine = /^dbt: .*$/m.exec(guest.get('dbt')!.last?.stderr ?? '')?.[0];
    if (statsLine !== undefined) lines.push(statsLine);

    const inputPath = join(scratch, 'input.txt');
    writeFileSync(inputPath, UBOOT_INPUT);
    const boots: Array<{ name: string; images: string[]; expect: string }> = [
      { name: 'opensbi+u-boot', images: ['-bios', FW_JUMP, '-kernel', UBOOT], expect: 'poweroff' },
    ];
    if (existsSync(LINUX_IMAGE) && existsSync(LINUX_INITRD)) {
      boots.push({
        name: 'opensbi+linux', expect: 'reboot: Power down',
        images: ['-bios', FW_JUMP, '-kernel', LINUX_IMAGE, '-initrd', LINUX_INITRD, '-append', 'console=ttyS0 earlycon=sbi'],
      });
    }
    const bootRows: string[][] = [];
    for (const boot of boots) {
      print(`dbt: ${boot.name} on QEMU, interp and dbt ×${repetitions}...`);
      const flags = [...boot.images.map((arg) => (arg.startsWith('-') ? `-${arg}` : arg)), '--input', inputPath];
      const times = await measure([
        { name: 'QEMU', command: QEMU, args: ['-M', 'virt', '-cpu', QEMU_CPU, '-m', '128M', ...boot.images, '-nographic', '-monitor', 'none', '-serial', 'stdio'] },
        { name: 'interp', command: process.execPath, args: deja('run', 'interp', flags) },
        { name: 'dbt', command: process.execPath, args: deja('run', 'dbt', flags) },
      ], boot.expect, repetitions, inputPath, problems);
      const [q, i, d] = ['QEMU', 'interp', 'dbt'].map((name) => times.get(name)!.ms);
      bootRows.push([boot.name, ms(q!), ms(i!), ms(d!), ratio(q!, d!), ratio(i!, d!)]);
    }
    lines.push('', formatTable(['boot to power-off', 'QEMU ms', 'interp ms', 'dbt ms', 'speed dbt/QEMU', 'speed dbt/interp'], bootRows));

    print(`dbt: recording the bench guest with dbt ×${repetitions}...`);
    const trace = join(scratch, 'bench.deja');
    const recordFlags = ['--kernel', elf, '--bios', 'none'];
    const recording = await measure([
      { name: 'run', command: process.execPath, args: deja('run', 'dbt', recordFlags) },
      { name: 'record', command: process.execPath, args: [...deja('record', 'dbt', recordFlags), '-o', trace, '--force'] },
    ], 'checksum', repetitions, undefined, problems);
    const [run, record] = ['run', 'record'].map((name) => recording.get(name)!.ms);
    lines.push('', formatTable(['bench guest with dbt', 'run ms', 'record ms', 'record/run'], [[
      'record overhead', ms(run!), ms(record!), ratio(record!, run!),
    ]]));
    lines.push('', 'Whole-process wall times (medians), engines alternating; the target is dbt >= 0.5x QEMU and record/run <= 1.05.');
    return [...lines, ...problems.map((problem) => `PROBLEM ${problem}`)].join('\n');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
