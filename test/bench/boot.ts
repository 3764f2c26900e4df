/**
 * Boot benchmarks: real firmware booted on QEMU and on dejavm in the same
 * run, alternating, timed from process start to power-off. The guest is
 * Debian's OpenSBI + U-Boot: it boots to the prompt, takes the typed line
 * that stops autoboot, then `poweroff` (boot-to-prompt plus one command).
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QEMU } from '../guests/host-tools.js';
import { QEMU_CPU } from '../support/qemu-cpu.js';
import { DEJA_CLI } from './dejavm.js';
import { formatTable, median, parseInstructionCount } from './stats.js';

const FW_JUMP = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';
const UBOOT = '/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin';
/**
 * The console input: the first characters are eaten while stopping autoboot
 * (how many depends on timing), the rest of the first line is an unknown
 * command, then `poweroff`.
 */
const INPUT = 'xxxxxxxxxx\npoweroff\n';

interface TimedRun {
  ms: number;
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

function timedRun(command: string, args: string[], inputPath: string): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const input = openSync(inputPath, 'r');
    const started = performance.now();
    const child = spawn(command, args, { stdio: [input, 'pipe', 'pipe'], timeout: 600_000 });
    closeSync(input);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('latin1'); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('latin1'); });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ ms: performance.now() - started, stdout, stderr, exitCode }));
  });
}

/** Runs the OpenSBI + U-Boot boot on both machines `repetitions` times and returns the report. */
export async function runBootBenchmark(repetitions: number, print: (text: string) => void): Promise<string> {
  const scratch = mkdtempSync(join(tmpdir(), 'deja-bench-boot-'));
  try {
    const inputPath = join(scratch, 'input.txt');
    writeFileSync(inputPath, INPUT);
    const qemuArgs = ['-M', 'virt', '-cpu', QEMU_CPU, '-m', '128M', '-bios', FW_JUMP, '-kernel', UBOOT, '-nographic', '-monitor', 'none', '-serial', 'stdio'];
    const dejaArgs = [DEJA_CLI, 'run', '--bios', FW_JUMP, '--kernel', UBOOT, '--input', inputPath, '--stats'];
    const qemuMs: number[] = [];
    const dejavmMs: number[] = [];
    const problems: string[] = [];
    let instructions: number | undefined;
    print(`running opensbi+u-boot ×${repetitions}...`);
    for (let repetition = 0; repetition < repetitions; repetition++) {
      for (const engine of repetition % 2 === 0 ? ['qemu', 'dejavm'] : ['dejavm', 'qemu']) {
        const run = engine === 'qemu' ? await timedRun(QEMU, qemuArgs, inputPath) : await timedRun(process.execPath, dejaArgs, inputPath);
        const ok = run.exitCode === 0 && run.stdout.includes('=> ') && run.stdout.includes('poweroff');
        if (!ok) problems.push(`${engine}: exit ${run.exitCode}, output ends ${JSON.stringify(run.stdout.slice(-120))}`);
        else if (engine === 'qemu') qemuMs.push(run.ms);
        else {
          dejavmMs.push(run.ms);
          instructions = parseInstructionCount(run.stderr);
        }
      }
    }
    const row = [
      'opensbi+u-boot: prompt, poweroff',
      qemuMs.length === 0 ? 'n/a' : median(qemuMs).toFixed(1),
      dejavmMs.length === 0 ? 'n/a' : median(dejavmMs).toFixed(1),
      instructions === undefined ? 'n/a' : String(instructions),
      qemuMs.length === 0 || dejavmMs.length === 0 ? 'n/a' : `${(median(qemuMs) / median(dejavmMs)).toFixed(3)}x`,
    ];
    return [
      formatTable(['boot', 'QEMU ms', 'dejavm ms', 'dejavm instructions', 'speed dejavm/QEMU'], [row]),
      '',
      'Whole-process wall times (median), from start to power-off, QEMU and dejavm alternating.',
      ...problems.map((problem) => `PROBLEM ${problem}`),
    ].join('\n');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
