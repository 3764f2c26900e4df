import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Argv } from 'yargs';
import { formatSummary, summarize } from '../src/analysis/summary.js';
import { ReplayError } from '../src/rr/replay-error.js';
import { ReplaySession } from '../src/rr/replay-session.js';
import { TraceReader } from '../src/trace/reader.js';
import { finishRun, readImage, stdoutConsole } from './machine-args.js';
import { recordToFile } from './record.js';

interface DemoArgs {
  output?: string;
}

/** The demo guest shipped with the package (test/guests/src/demo), found from here or from dist/. */
function demoImage(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    const candidate = join(dir, 'test', 'guests', 'bin', 'demo.elf');
    if (existsSync(candidate)) return candidate;
  }
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'guests', 'bin', 'demo.elf');
}

/**
 * Replay the recording at `path` without printing the console again, and say
 * whether it was equivalent.
 * @throws ReplayError when the replay diverges (the demo must replay exactly).
 */
function replayQuietly(path: string): string {
  const session = ReplaySession.open(path);
  try {
    const started = process.hrtime.bigint();
    const result = session.runToEnd();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.divergence !== undefined || !session.finished) {
      throw new ReplayError(`the demo's replay diverged at icount ${result.divergence?.icount ?? session.icount()}: run deja replay ${path} for the report`);
    }
    return `replay: equivalent (${session.eventsChecked} events checked, ${session.icount()} instructions, ${ms.toFixed(0)} ms)`;
  } finally {
    session.close();
  }
}

/** `deja demo`: record the embedded demo guest, replay it and summarise the recording. */
export function registerDemo(cli: Argv): Argv {
  return cli.command<DemoArgs>(
    'demo',
    'Record the built-in demo guest, replay it and summarise what it did (the quick start)',
    (y) => y.option('output', { alias: 'o', type: 'string', describe: 'where to keep the trace (default: a new temporary file)' }) as unknown as Argv<DemoArgs>,
    (args) => {
      const image = demoImage();
      const path = args.output ?? join(mkdtempSync(join(tmpdir(), 'dejavm-demo-')), 'demo.deja');
      process.stdout.write(`deja demo: recording ${image}\n\n`);
      const output = stdoutConsole();
      const outcome = recordToFile({
        config: { kernel: { name: image, bytes: readImage(image, 'demo guest') } },
        maxInstructions: 10_000_000,
        path,
        force: args.output !== undefined,
        digestEvery: 1000,
        snapshotEvery: 1000,
        output,
      });
      output.flush();
      const replay = replayQuietly(path);
      const reader = TraceReader.open(path);
      try {
        const summary = summarize(reader.events(), reader.header.devices.map((d) => d.name));
        const bytes = statSync(path).size;
        const lines = [
          '',
          `trace: ${path} (${bytes} bytes, ${(bytes / summary.events).toFixed(1)} bytes per event, ${reader.snapshots.length} snapshots)`,
          replay,
          ...formatSummary(summary),
          `see every event: deja dump ${path}`,
          `replay it, or from the middle: deja replay ${path} --from 2500`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        reader.close();
      }
      finishRun(outcome);
    },
  );
}
