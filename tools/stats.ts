import type { Argv } from 'yargs';
import { statsOfTrace } from '../src/analysis/stats.js';
import { loadRecordedElfImages, symbolizerFor } from '../src/analysis/stats-symbols.js';
import { formatStats, statsToJson } from '../src/analysis/stats-text.js';
import { TraceReader } from '../src/trace/reader.js';
import { UsageError } from './errors.js';
import { progress } from './progress.js';
import { writeStdout } from './machine-args.js';

interface StatsArgs {
  trace: string;
  json: boolean;
  top: number;
}

/**
 * Tells the user a trace was cut (its complete chunks were used) and sets
 * exit status 2, as `deja dump` does: the output is real but the input is bad.
 */
export function noteTruncation(reader: TraceReader, used: string): void {
  if (reader.truncated === undefined) return;
  process.stderr.write(`deja: ${reader.path}: the recording ends without a footer; ${used} the ${reader.chunks.length} complete chunks, up to byte ${reader.truncated.atOffset}\n`);
  process.exitCode = 2;
}

/** `deja stats`: totals, traps, exits, interrupts, I/O, hot pcs, console and digests of a trace. */
export function registerStats(cli: Argv): Argv {
  return cli.command<StatsArgs>(
    'stats <trace>',
    'Statistics of a recorded run: instructions, traps, VM exits, interrupt latency, I/O, hot pcs',
    (y) => y
      .positional('trace', { type: 'string', demandOption: true, describe: 'the trace file' })
      .option('json', { type: 'boolean', default: false, describe: 'one JSON object instead of text' })
      .option('top', { type: 'number', default: 10, describe: 'how many hot pcs to list' }) as unknown as Argv<StatsArgs>,
    (args) => {
      if (!Number.isSafeInteger(args.top) || args.top < 0) throw new UsageError(`--top: '${args.top}' is not a count`);
      const reader = TraceReader.open(args.trace);
      try {
        const bar = progress('stats', reader.eventCount);
        const stats = statsOfTrace(reader, { hotPcCount: args.top, symbolize: symbolizerFor(loadRecordedElfImages(reader.header)) }, (done) => bar.update(done));
        bar.done();
        writeStdout(Buffer.from(args.json ? `${JSON.stringify(statsToJson(stats), null, 2)}\n` : `${formatStats(stats).join('\n')}\n`));
        noteTruncation(reader, 'counted');
      } finally {
        reader.close();
      }
    },
  );
}
