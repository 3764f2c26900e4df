import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Argv } from 'yargs';
import { formatSummary, summarize } from '../src/analysis/summary.js';
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

/** `deja demo`: record the embedded demo guest and summarise the recording. */
export function registerDemo(cli: Argv): Argv {
  return cli.command<DemoArgs>(
    'demo',
    'Record the built-in demo guest and summarise what it did (the quick start)',
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
        output,
      });
      const reader = TraceReader.open(path);
      try {
        const summary = summarize(reader.events(), reader.header.devices.map((d) => d.name));
        const bytes = statSync(path).size;
        const lines = [
          '',
          `trace: ${path} (${bytes} bytes, ${(bytes / summary.events).toFixed(1)} bytes per event)`,
          ...formatSummary(summary),
          `see every event: deja dump ${path}`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        reader.close();
      }
      finishRun(outcome);
    },
  );
}
