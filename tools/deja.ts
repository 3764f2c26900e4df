import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ImageError } from '../src/machine/elf.js';
import { ReplayError } from '../src/rr/replay-error.js';
import { TraceError } from '../src/trace/errors.js';
import { exitWithError, UsageError } from './errors.js';
import { registerDemo } from './demo.js';
import { registerDiff } from './diff.js';
import { registerDump } from './dump.js';
import { registerExport } from './export.js';
import { registerImport } from './import.js';
import { registerRecord } from './record.js';
import { registerReport } from './report.js';
import { registerReplay } from './replay.js';
import { registerRun } from './run.js';
import { registerStats } from './stats.js';

/**
 * yargs reads a lone `-` as a positional argument; `--input -` (standard
 * input, as QEMU users write it) is turned into `--input=-` first.
 */
function joinDashValues(args: string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--input' && args[i + 1] === '-') {
      joined.push('--input=-');
      i++;
    } else {
      joined.push(args[i]!);
    }
  }
  return joined;
}

/** The `deja` command line: one subcommand per verb, each in its own file. */
async function main(): Promise<void> {
  let cli = yargs(joinDashValues(hideBin(process.argv)))
    .scriptName('deja')
    .strict()
    .demandCommand(1, 'give a command (see deja --help)')
    .fail((message, error) => {
      throw error ?? new UsageError(message.split('\n')[0] ?? message);
    })
    .help()
    .version();
  cli = registerRun(cli);
  cli = registerRecord(cli);
  cli = registerReplay(cli);
  cli = registerDump(cli);
  cli = registerDemo(cli);
  cli = registerStats(cli);
  cli = registerExport(cli);
  cli = registerReport(cli);
  cli = registerDiff(cli);
  cli = registerImport(cli);
  await cli.parseAsync();
}

main().catch((error: unknown) => exitWithError(error, (e) => e instanceof UsageError || e instanceof ImageError || e instanceof TraceError || e instanceof ReplayError));
