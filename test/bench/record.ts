/**
 * Recording benchmark: what `deja record` costs over `deja run` and how big
 * its traces are, side by side in one run. Each guest is run and recorded
 * with the same machine flags, alternating, timed from process start to
 * power-off; the trace is then read back with TraceReader to count its
 * events. Guests: the bench guest bare, Debian's OpenSBI + U-Boot (the
 * typed line that stops autoboot, then `poweroff`) and, once built, the
 * project's Linux guest on the built-in SBI firmware.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventKind } from '../../src/trace/events.js';
import { TraceReader } from '../../src/trace/reader.js';
import { GUEST_BIN_DIR } from '../guests/guests.js';
import { runProcess, type ProcessRun } from '../guests/host-tools.js';
import { DEJA_CLI } from './dejavm.js';
import { formatTable, median, parseInstructionCount } from './stats.js';
import { LINUX_IMAGE, LINUX_INITRD } from '../support/linux-guest.js';

const FW_JUMP = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';
const UBOOT = '/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin';
/** Console input for U-Boot: stops autoboot (the rest of the line is an unknown command), then powers off. */
const UBOOT_INPUT = 'xxxxxxxxxx\npoweroff\n';
/** The record/run time ratio the recorder aims at. */
const TARGET_RATIO = 1.05;
const TIMEOUT_MS = 600_000;

/** One guest, run and recorded with the same flags. */
interface RecordScenario {
  name: string;
  /** Machine flags given to both `deja run` and `deja record`. */
  flags: string[];
  /** The console shows these when the guest ran right. */
  expect: string[];
}

function scenarios(inputPath: string): RecordScenario[] {
  const list: RecordScenario[] = [
    { name: 'bench guest', flags: ['--bios', 'none', '--kernel', join(GUEST_BIN_DIR, 'bench.elf')], expect: ['checksum'] },
    {
      name: 'opensbi+u-boot',
      flags: ['--bios', FW_JUMP, '--kernel', UBOOT, '--input', inputPath],
      expect: ['=> ', 'poweroff'],
    },
  ];
  if (existsSync(LINUX_IMAGE) && existsSync(LINUX_INITRD)) {
    list.push({
      name: 'linux (builtin SBI)',
      flags: ['--bios', 'builtin', '--kernel', LINUX_IMAGE, '--initrd', LINUX_INITRD, '--append', 'console=ttyS0 earlycon=sbi'],
      expect: ['dejavm-init: done', 'reboot: Power down'],
    });
  }
  return list;
}

/** What one recorded trace holds. */
interface TraceSize {
  bytes: number;
  events: number;
  /** Retired instructions of all harts, from the END event. */
  instructions: number | undefined;
}

function measureTrace(path: string): TraceSize {
  const reader = TraceReader.open(path);
  try {
    let instructions: number | undefined;
    for (const event of reader.events()) {
      if (event.kind === EventKind.END) instructions = event.icounts.reduce((sum, count) => sum + count, 0);
    }
    return { bytes: statSync(path).size, events: reader.eventCount, instructions };
  } finally {
    reader.close();
  }
}

function describeFailure(run: ProcessRun): string {
  return `exit ${run.exitCode}, output ends ${JSON.stringify(run.stdout.slice(-120))}, stderr ${JSON.stringify(run.stderr.slice(-200))}`;
}

/**
 * Runs and records each guest `repetitions` times, alternating which goes
 * first, and returns the report: median wall times, their ratio, and the
 * size of the trace per event and per million instructions.
 */
export async function runRecordBenchmark(repetitions: number, print: (text: string) => void): Promise<string> {
  const scratch = mkdtempSync(join(tmpdir(), 'deja-bench-record-'));
  try {
    const inputPath = join(scratch, 'input.txt');
    writeFileSync(inputPath, UBOOT_INPUT);
    const tracePath = join(scratch, 'bench.trace');
    const rows: string[][] = [];
    const problems: string[] = [];
    for (const scenario of scenarios(inputPath)) {
      const runMs: number[] = [];
      const recordMs: number[] = [];
      let instructions: number | undefined;
      let trace: TraceSize | undefined;
      print(`running and recording ${scenario.name} ×${repetitions}...`);
      for (let repetition = 0; repetition < repetitions; repetition++) {
        for (const mode of repetition % 2 === 0 ? ['run', 'record'] : ['record', 'run']) {
          const args = mode === 'run'
            ? [DEJA_CLI, 'run', ...scenario.flags, '--stats']
            : [DEJA_CLI, 'record', '-o', tracePath, '--force', ...scenario.flags];
          const run = await runProcess(process.execPath, args, TIMEOUT_MS);
          if (run.exitCode !== 0 || !scenario.expect.every((text) => run.stdout.includes(text))) {
            problems.push(`${scenario.name}, ${mode}: ${describeFailure(run)}`);
          } else if (mode === 'run') {
            runMs.push(run.wallMs);
            instructions = parseInstructionCount(run.stderr);
          } else {
            recordMs.push(run.wallMs);
            trace = measureTrace(tracePath);
          }
        }
      }
      if (trace !== undefined && instructions !== undefined && trace.instructions !== instructions) {
        problems.push(`${scenario.name}: the run retired ${instructions} instructions, the recording ${trace.instructions}`);
      }
      const ratio = runMs.length === 0 || recordMs.length === 0 ? undefined : median(recordMs) / median(runMs);
      rows.push([
        scenario.name,
        runMs.length === 0 ? 'n/a' : median(runMs).toFixed(1),
        recordMs.length === 0 ? 'n/a' : median(recordMs).toFixed(1),
        ratio === undefined ? 'n/a' : `${ratio.toFixed(3)}${ratio > TARGET_RATIO ? ' (over target)' : ''}`,
        instructions === undefined ? 'n/a' : String(instructions),
        trace === undefined ? 'n/a' : String(trace.bytes),
        trace === undefined ? 'n/a' : String(trace.events),
        trace === undefined || trace.events === 0 ? 'n/a' : (trace.bytes / trace.events).toFixed(2),
        trace === undefined || instructions === undefined ? 'n/a' : (trace.bytes / (instructions / 1e6)).toFixed(1),
      ]);
    }
    return [
      formatTable(['guest', 'run ms', 'record ms', 'record/run', 'instructions', 'trace bytes', 'events', 'bytes/event', 'bytes/M insns'], rows),
      '',
      `Whole-process wall times (median), run and record alternating; target record/run <= ${TARGET_RATIO}.`,
      'Trace bytes are the whole file (header, chunks, footer index); events counted with TraceReader.',
      ...problems.map((problem) => `PROBLEM ${problem}`),
    ].join('\n');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
