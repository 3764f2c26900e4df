/**
 * Runs the micro benchmarks: every `micro/*.bench.ts` file (in name order)
 * default-exports a MicroSuite; each gets its own tinybench `Bench` and its
 * results are printed as a table.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import type { MicroSuite } from './micro/suite.js';

/** Directory of the micro benchmark files. */
export const MICRO_DIR = join(dirname(fileURLToPath(import.meta.url)), 'micro');

/** The micro benchmark files, sorted by name. */
export function microBenchmarkFiles(): string[] {
  return readdirSync(MICRO_DIR).filter((file) => file.endsWith('.bench.ts')).sort();
}

/** Loads, runs and prints every micro suite; `timeMs` is tinybench's time budget per task. */
export async function runMicroBenchmarks(timeMs: number, print: (text: string) => void): Promise<void> {
  for (const file of microBenchmarkFiles()) {
    const module = (await import(pathToFileURL(join(MICRO_DIR, file)).href)) as { default: MicroSuite };
    const suite = module.default;
    const bench = new Bench({ name: suite.name, time: timeMs });
    suite.register(bench);
    await bench.run();
    print(`\n${file}: ${suite.name}`);
    console.table(bench.table());
  }
}
