import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import type { Argv } from 'yargs';
import { EXPORT_FORMATS, exportTrace, type ExportFormat } from '../src/analysis/export/export-trace.js';
import { TraceReader } from '../src/trace/reader.js';
import { UsageError } from './errors.js';
import { progress } from './progress.js';
import { noteTruncation } from './stats.js';

interface ExportArgs {
  trace: string;
  format: string;
  output: string;
  force: boolean;
  interval?: number;
}

/** Opens `path` for writing, refusing an existing file unless `force`; a failure is a UsageError (bad input, one line). */
export function createOutput(path: string, force: boolean): number {
  try {
    return openSync(path, force ? 'w' : 'wx');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`${path} already exists (use --force to overwrite)`);
    throw new UsageError(`cannot create ${path}: ${code ?? (error as Error).message}`);
  }
}

/** Writes all of `bytes` to `fd`; a failure names the file. */
export function writeAll(fd: number, path: string, bytes: Uint8Array): void {
  let done = 0;
  try {
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
  } catch (error) {
    throw new UsageError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** `deja export`: the run as a Perfetto trace or Chrome Trace Event JSON. */
export function registerExport(cli: Argv): Argv {
  return cli.command<ExportArgs>(
    'export <trace>',
    'Export a trace for a timeline viewer: Perfetto (ui.perfetto.dev) or Chrome Trace Event JSON',
    (y) => y
      .positional('trace', { type: 'string', demandOption: true, describe: 'the trace file' })
      .option('format', { type: 'string', default: 'perfetto', describe: `output format: ${EXPORT_FORMATS.join(', ')}` })
      .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'the file to write' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite an existing output file' })
      .option('interval', { type: 'number', describe: 'instructions per exit-counter sample (default: about 100 to 1000 samples)' }) as unknown as Argv<ExportArgs>,
    (args) => {
      if (!(EXPORT_FORMATS as readonly string[]).includes(args.format)) throw new UsageError(`--format: unknown format '${args.format}' (formats: ${EXPORT_FORMATS.join(', ')})`);
      if (args.interval !== undefined && (!Number.isSafeInteger(args.interval) || args.interval <= 0)) throw new UsageError(`--interval: '${args.interval}' is not a positive instruction count`);
      const reader = TraceReader.open(args.trace);
      try {
        const fd = createOutput(args.output, args.force);
        let complete = false;
        try {
          const bar = progress('export', reader.eventCount);
          exportTrace(reader, args.format as ExportFormat, (bytes) => writeAll(fd, args.output, bytes), {
            exitInterval: args.interval,
            onChunk: (done) => bar.update(done),
          });
          bar.done();
          complete = true;
        } finally {
          closeSync(fd);
          // A half-written export (a corrupt chunk, a full disk) is not left behind to be mistaken for a whole one.
          if (!complete) rmSync(args.output, { force: true });
        }
        noteTruncation(reader, 'exported');
      } finally {
        reader.close();
      }
    },
  );
}
