/**
 * `npm run bench`: the macro benchmark (guests on QEMU and dejavm side by
 * side), the boot benchmark (OpenSBI + U-Boot on both), the recording
 * benchmark (`deja record` against `deja run`, trace sizes), the analysis
 * benchmark (events/s of stats, export and report over 10 M events), then the micro
 * benchmarks (test/bench/micro/*.bench.ts).
 *
 * Options: --reps N (macro repetitions, default 5), --guest NAME (repeatable;
 * default hello and bench), --micro-time MS (tinybench time per task, default
 * 500), --macro-only, --micro-only.
 */
import { parseArgs } from 'node:util';
import { runAnalysisBenchmark } from './analysis.js';
import { runBootBenchmark } from './boot.js';
import { runDbtBenchmark } from './dbt.js';
import { runGdbBenchmark } from './gdb.js';
import { formatMacroReport, runMacroBenchmark } from './macro.js';
import { runMicroBenchmarks } from './micro-runner.js';
import { runLocateBenchmark } from './locate.js';
import { runRecordBenchmark } from './record.js';
import { runReplayBenchmark } from './replay.js';

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    guest: { type: 'string', multiple: true, default: ['hello', 'bench'] },
    'micro-time': { type: 'string', default: '500' },
    'macro-only': { type: 'boolean', default: false },
    'micro-only': { type: 'boolean', default: false },
  },
});

const print = (text: string): void => console.log(text);

if (!values['micro-only']) {
  const rows = await runMacroBenchmark(values.guest, Number(values.reps), print);
  print(`\n${formatMacroReport(rows)}`);
  if (rows.some((row) => row.problems.size > 0)) process.exitCode = 1;
  const boot = await runBootBenchmark(Math.min(3, Number(values.reps)), print);
  print(`\n${boot}`);
  if (boot.includes('PROBLEM')) process.exitCode = 1;
  const recording = await runRecordBenchmark(Math.min(3, Number(values.reps)), print);
  print(`\n${recording}`);
  if (recording.includes('PROBLEM')) process.exitCode = 1;
  const translator = await runDbtBenchmark(Math.min(3, Number(values.reps)), print);
  print(`\n${translator}`);
  if (translator.includes('PROBLEM')) process.exitCode = 1;
  const locating = await runLocateBenchmark(print);
  print(`\n${locating}`);
  if (locating.includes('PROBLEM')) process.exitCode = 1;
  const analysis = await runAnalysisBenchmark(Math.min(3, Number(values.reps)), print);
  print(`\n${analysis}`);
  if (analysis.includes('PROBLEM')) process.exitCode = 1;
  const replaying = await runReplayBenchmark(Math.min(3, Number(values.reps)), print);
  print(`\n${replaying}`);
  if (replaying.includes('PROBLEM')) process.exitCode = 1;
  const debugging = await runGdbBenchmark(print);
  print(`\n${debugging}`);
  if (debugging.includes('PROBLEM')) process.exitCode = 1;
}
if (!values['macro-only']) {
  await runMicroBenchmarks(Number(values['micro-time']), print);
}
