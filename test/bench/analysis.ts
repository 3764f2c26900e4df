/**
 * Analysis benchmark: events per second of `deja stats`, `deja export`
 * (both formats) and `deja report` over a trace of 10,001,002 events,
 * synthesised with the real TraceWriter in the pattern of a timer-driven
 * guest (test/unit/analysis/synthetic-trace.ts: a timer interrupt, an ECALL,
 * UART and RTC I/O every 1000 instructions; 1e9 instructions). Each command
 * runs as a whole process (the built CLI, as users run it: startup, reading,
 * decoding and writing the output file included), under GNU time for its
 * CPU time (user + system), which programs sharing the machine disturb less
 * than wall time; each figure is the median of the repetitions. The same
 * command over a one-period trace measures the CLI's start-up (loading
 * every command's modules, about half a second), which the throughput
 * column leaves out. Target: 5 million events per second.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from '../guests/host-tools.js';
import { writeSyntheticTrace } from '../unit/analysis/synthetic-trace.js';
import { DEJA_CLI } from './dejavm.js';
import { formatTable, median } from './stats.js';

/** Events per second the analysis commands aim at. */
const TARGET_EVENTS_PER_SECOND = 5_000_000;
/** Timer periods of 10 events each: 10,001,002 events with the input, the digests and the end. */
const PERIODS = 1_000_000;
const TIMEOUT_MS = 600_000;
const GNU_TIME = '/usr/bin/time';

/** Median wall and CPU seconds of `deja args` over `repetitions` runs, or what went wrong. */
async function timeCommand(args: string[], repetitions: number): Promise<{ wall: number; cpu: number } | string> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let repetition = 0; repetition < repetitions; repetition++) {
    const run = await runProcess(GNU_TIME, ['-f', '%U %S', process.execPath, DEJA_CLI, ...args], TIMEOUT_MS);
    const [user, system] = (run.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
    if (run.exitCode !== 0 || !Number.isFinite(user) || !Number.isFinite(system)) return `exited with ${run.exitCode}: ${run.stderr.trim().split('\n')[0] ?? ''}`;
    wall.push(run.wallMs / 1000);
    cpu.push(user! + system!);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

/** Runs the analysis benchmark `repetitions` times per command and returns its report. */
export async function runAnalysisBenchmark(repetitions: number, print: (line: string) => void): Promise<string> {
  const scratch = mkdtempSync(join(tmpdir(), 'deja-bench-analysis-'));
  try {
    const trace = join(scratch, 'timer.deja');
    print(`analysis: writing a synthetic trace of ${PERIODS} timer periods...`);
    const events = writeSyntheticTrace(trace, PERIODS);
    const tiny = join(scratch, 'tiny.deja');
    writeSyntheticTrace(tiny, 1);
    const commands: Array<{ name: string; args: (input: string) => string[]; output?: string }> = [
      { name: 'stats', args: (input) => ['stats', input] },
      { name: 'export perfetto', args: (input) => ['export', input, '--format', 'perfetto', '--force', '-o', join(scratch, 'out.pftrace')], output: join(scratch, 'out.pftrace') },
      { name: 'export chrome-json', args: (input) => ['export', input, '--format', 'chrome-json', '--force', '-o', join(scratch, 'out.json')], output: join(scratch, 'out.json') },
      { name: 'report', args: (input) => ['report', input, '--force', '-o', join(scratch, 'out.html')], output: join(scratch, 'out.html') },
    ];
    const rows: string[][] = [];
    const problems: string[] = [];
    for (const command of commands) {
      print(`analysis: deja ${command.name} ×${repetitions}...`);
      const startup = await timeCommand(command.args(tiny), repetitions);
      const full = await timeCommand(command.args(trace), repetitions);
      if (typeof startup === 'string' || typeof full === 'string') {
        problems.push(`deja ${command.name}: ${typeof full === 'string' ? full : startup}`);
        continue;
      }
      const outputBytes = command.output === undefined ? undefined : statSync(command.output).size;
      const wallRate = events / (full.wall - startup.wall);
      const cpuRate = events / (full.cpu - startup.cpu);
      rows.push([
        command.name,
        full.wall.toFixed(2),
        full.cpu.toFixed(2),
        `${startup.wall.toFixed(2)} / ${startup.cpu.toFixed(2)}`,
        (wallRate / 1e6).toFixed(2),
        (cpuRate / 1e6).toFixed(2),
        wallRate >= TARGET_EVENTS_PER_SECOND ? 'yes' : cpuRate >= TARGET_EVENTS_PER_SECOND ? 'CPU time only' : 'no',
        outputBytes === undefined ? '-' : (outputBytes / events).toFixed(1),
      ]);
    }
    return [
      `Analysis over a synthetic trace of ${events} events (${(statSync(trace).size / 1e6).toFixed(1)} MB), whole process (median of ${repetitions}); throughput leaves out the start-up.`,
      formatTable(['command', 'wall s', 'CPU s', 'start-up wall / CPU s', 'M events/s (wall)', 'M events/s (CPU)', `>= ${TARGET_EVENTS_PER_SECOND / 1e6}M/s`, 'output bytes/event'], rows),
      ...problems.map((problem) => `PROBLEM ${problem}`),
    ].join('\n');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
