import { closeSync } from 'node:fs';
import type { Argv } from 'yargs';
import { renderReport } from '../src/analysis/report/html.js';
import { reportOfTrace } from '../src/analysis/report/report-data.js';
import { loadRecordedElfImages, symbolizerFor } from '../src/analysis/stats-symbols.js';
import { TraceReader } from '../src/trace/reader.js';
import { createOutput, writeAll } from './export.js';
import { progress } from './progress.js';
import { noteTruncation } from './stats.js';

interface ReportArgs {
  trace: string;
  output: string;
  force: boolean;
}

/** `deja report`: one self-contained HTML page with the run's charts. */
export function registerReport(cli: Argv): Argv {
  return cli.command<ReportArgs>(
    'report <trace>',
    'Write a self-contained HTML report with charts of a recorded run',
    (y) => y
      .positional('trace', { type: 'string', demandOption: true, describe: 'the trace file' })
      .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'the HTML file to write' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite an existing output file' }) as unknown as Argv<ReportArgs>,
    (args) => {
      const reader = TraceReader.open(args.trace);
      try {
        const bar = progress('report', reader.eventCount);
        const data = reportOfTrace(reader, { symbolize: symbolizerFor(loadRecordedElfImages(reader.header)) }, (done) => bar.update(done));
        bar.done();
        const fd = createOutput(args.output, args.force);
        try {
          writeAll(fd, args.output, new TextEncoder().encode(renderReport(data)));
        } finally {
          closeSync(fd);
        }
        noteTruncation(reader, 'reported on');
      } finally {
        reader.close();
      }
    },
  );
}
