import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import type { Argv } from 'yargs';
import { QEMU_BACKEND } from '../src/analysis/diff-events.js';
import { QemuLogError } from '../src/analysis/import/qemu-log.js';
import { readQemuLog } from '../src/analysis/import/qemu-log-file.js';
import type { TraceHeader, TraceImage } from '../src/trace/schema.js';
import { TraceWriter } from '../src/trace/writer.js';
import { UsageError } from './errors.js';
import { parseMemoryMiB, readImage } from './machine-args.js';
import { progress } from './progress.js';

interface ImportArgs {
  format: string;
  log: string;
  output: string;
  force: boolean;
  bios: string;
  kernel?: string;
  initrd?: string;
  append?: string;
  smp: number;
  memory: string;
}

/** The images named on the command line, hashed, as the header lists them. */
function hashedImages(args: ImportArgs): TraceImage[] {
  const images: TraceImage[] = [];
  for (const [role, path] of [['bios', args.bios === 'none' ? undefined : args.bios], ['kernel', args.kernel], ['initrd', args.initrd]] as const) {
    if (path === undefined) continue;
    images.push({ role, name: path, sha256: new Uint8Array(createHash('sha256').update(readImage(path, `--${role}`)).digest()) });
  }
  return images;
}

/**
 * `deja import qemu LOG -o OUT`: convert a QEMU log into a trace of its traps
 * and pc stream. The guest's images are given as to QEMU, so the trace header
 * holds their hashes and `deja diff` can check both runs are of the same guest.
 */
export function registerImport(cli: Argv): Argv {
  return cli.command<ImportArgs>(
    'import <format> <log>',
    'Convert another VMM\'s log into a trace: qemu (a qemu-system-riscv64 log made with -d int,exec,nochain -singlestep -D LOG)',
    (y) => y
      .positional('format', { type: 'string', choices: ['qemu'], demandOption: true, describe: 'the log format' })
      .positional('log', { type: 'string', demandOption: true, describe: 'the log file' })
      .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'the trace file to write' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite an existing trace file' })
      .option('bios', { type: 'string', default: 'none', describe: 'the firmware QEMU ran (-bios), none when absent' })
      .option('kernel', { type: 'string', describe: 'the kernel QEMU ran (-kernel)' })
      .option('initrd', { type: 'string', describe: 'the initial ramdisk QEMU ran (-initrd)' })
      .option('append', { type: 'string', describe: 'the kernel command line QEMU was given (-append)' })
      .option('smp', { type: 'number', default: 1, describe: 'number of harts (-smp)' })
      .option('memory', { alias: 'm', type: 'string', default: '128', describe: 'RAM size (-m)' }) as unknown as Argv<ImportArgs>,
    (args) => {
      if (!existsSync(args.log) || !statSync(args.log).isFile()) throw new UsageError(`${args.log}: no such log file`);
      if (!Number.isSafeInteger(args.smp) || args.smp < 1) throw new UsageError(`--smp: '${args.smp}' is not a number of harts`);
      const header: TraceHeader = {
        toolVersion: `dejavm ${process.env.npm_package_version ?? '0.1.0'} (import qemu)`,
        machine: {
          memoryMib: parseMemoryMiB(args.memory), harts: args.smp, bios: args.bios, kernel: args.kernel ?? '', initrd: args.initrd ?? '',
          append: args.append ?? '', backend: QEMU_BACKEND, clock: 'host',
        },
        images: hashedImages(args),
        argv: process.argv.slice(2),
        startTime: statSync(args.log).mtime.toISOString(),
        digestInterval: 0,
        sliceInstructions: 0,
        snapshotInterval: 0,
        devices: [],
      };
      const writer = TraceWriter.create(args.output, header, { force: args.force });
      const bar = progress('import', statSync(args.log).size);
      try {
        const end = readQemuLog(args.log, (event) => writer.append(event), (bytes) => bar.update(bytes));
        bar.done();
        writer.close(end);
        process.stdout.write(`${args.output}: ${writer.eventCount} events, ${end.icounts.join('/')} instructions\n`);
      } catch (error) {
        bar.done();
        writer.abandon();
        if (error instanceof QemuLogError) throw new UsageError(`${args.log}: ${error.message}`);
        throw error;
      }
    },
  );
}
