import type { Argv } from 'yargs';
import { diffTraces, imageMismatch } from '../src/analysis/diff.js';
import { diffReport } from '../src/analysis/diff-report.js';
import { locate } from '../src/analysis/locate.js';
import { locateAgainstQemu } from '../src/analysis/locate-qemu.js';
import { locateReport, qemuLocateReport } from '../src/analysis/locate-report.js';
import { QEMU_BACKEND } from '../src/analysis/diff-events.js';
import { EventKind } from '../src/trace/events.js';
import { TraceReader } from '../src/trace/reader.js';
import { UsageError } from './errors.js';
import { progress } from './progress.js';

interface DiffArgs {
  a: string;
  b: string;
  force: boolean;
  ignore?: string | string[];
  all: boolean;
  max: number;
  context: number;
  locate: boolean;
  bios?: string;
  kernel?: string;
  initrd?: string;
}

/** The kinds `--ignore` accepts, by the names `deja dump` shows. */
const KIND_BY_NAME: Record<string, EventKind[]> = {
  trap: [EventKind.TRAP], irq: [EventKind.IRQ], io: [EventKind.MMIO_READ, EventKind.MMIO_WRITE], dma: [EventKind.DMA],
  input: [EventKind.CONSOLE_INPUT], clock: [EventKind.CLOCK], digest: [EventKind.DIGEST], end: [EventKind.END], exec: [EventKind.EXEC],
};

/** Opens a trace for diffing: a trace cut short (no footer) is refused as bad input. */
function openComplete(path: string): TraceReader {
  const reader = TraceReader.open(path);
  if (reader.truncated !== undefined) {
    reader.close();
    throw new UsageError(`${path}: the recording ends without a footer (cut at byte ${reader.truncated.atOffset}); cannot tell where it stops`);
  }
  return reader;
}

/** `deja diff`: compare two traces event by event. Exit status 0 equivalent, 1 divergent, 2 bad input. */
export function registerDiff(cli: Argv): Argv {
  return cli.command<DiffArgs>(
    'diff <a> <b>',
    'Compare two traces of the same guest and show where they part (exit 0 equivalent, 1 divergent, 2 bad input)',
    (y) => y
      .positional('a', { type: 'string', demandOption: true, describe: 'the first trace' })
      .positional('b', { type: 'string', demandOption: true, describe: 'the second trace' })
      .option('force', { type: 'boolean', default: false, describe: 'compare even when the images differ' })
      .option('ignore', { type: 'string', describe: `leave out kinds (repeat or comma-separate): ${Object.keys(KIND_BY_NAME).join(',')}` })
      .option('all', { type: 'boolean', default: false, describe: 'resynchronise after a divergence (on the next matching trap or digest) and list up to --max' })
      .option('max', { type: 'number', default: 10, describe: 'with --all, stop after this many divergences' })
      .option('context', { type: 'number', default: 5, describe: 'events shown before each divergence' })
      .option('locate', { type: 'boolean', default: false, describe: 'replay both recordings in lockstep to the first instruction where their state differs (A a QEMU import: replay B against its pc stream; with --all, after each resynchronisation too)' })
      .option('bios', { type: 'string', describe: 'with --locate: the firmware image, when it is no longer where the traces say' })
      .option('kernel', { type: 'string', describe: 'with --locate: the kernel image, when it is no longer where the traces say' })
      .option('initrd', { type: 'string', describe: 'with --locate: the initrd, when it is no longer where the traces say' }) as unknown as Argv<DiffArgs>,
    (args) => {
      const ignore = new Set<EventKind>();
      for (const name of [args.ignore ?? []].flat().flatMap((text) => text.split(',')).map((text) => text.trim()).filter((text) => text !== '')) {
        const kinds = KIND_BY_NAME[name];
        if (kinds === undefined) throw new UsageError(`--ignore: unknown kind '${name}' (kinds: ${Object.keys(KIND_BY_NAME).join(', ')})`);
        for (const kind of kinds) ignore.add(kind);
      }
      for (const [flag, value, least] of [['--max', args.max, 1], ['--context', args.context, 0]] as const) {
        if (!Number.isSafeInteger(value) || value < least) throw new UsageError(`${flag}: '${value}' is not a whole number of at least ${least}`);
      }
      const a = openComplete(args.a);
      let b: TraceReader;
      try {
        b = openComplete(args.b);
      } catch (error) {
        a.close();
        throw error;
      }
      try {
        const mismatch = imageMismatch(a.header, b.header);
        if (mismatch !== undefined && !args.force) throw new UsageError(`${mismatch}; use --force to compare anyway`);
        if (args.locate) {
          const images = { bios: args.bios, kernel: args.kernel, initrd: args.initrd };
          const context = { devices: b.header.devices.map((device) => device.name) };
          const qemuA = a.header.machine.backend === QEMU_BACKEND;
          if (b.header.machine.backend === QEMU_BACKEND) {
            throw new UsageError(`--locate: ${args.b} is an imported QEMU log; give it first (A), with a dejavm recording as B`);
          }
          const bar = progress('locate', 0);
          if (qemuA) {
            const located = locateAgainstQemu(a, args.b, b, { images, limit: args.all ? args.max : 1, onProgress: (icount) => bar.update(icount) });
            bar.done();
            process.stdout.write(`${qemuLocateReport(located, { qemu: args.a, ours: args.b }, context)}\n`);
            process.exitCode = located.firstEvents === undefined && located.divergences.length === 0 ? 0 : 1;
            return;
          }
          const located = locate(args.a, args.b, a, b, images, (icount) => bar.update(icount));
          bar.done();
          process.stdout.write(`${locateReport(located, { a: args.a, b: args.b }, context)}\n`);
          process.exitCode = located.firstEvents === undefined && located.icount === undefined ? 0 : 1;
          return;
        }
        const bar = progress('diff', a.eventCount + b.eventCount);
        const result = diffTraces(a, b, { context: args.context, ignore, all: args.all, limit: args.max, onProgress: (read) => bar.update(read) });
        bar.done();
        const side = (reader: TraceReader, path: string): string => `${path} (${reader.header.machine.backend})`;
        const devices = (reader: TraceReader): { devices: string[] } => ({ devices: reader.header.devices.map((device) => device.name) });
        process.stdout.write(`${diffReport(result, { nameA: side(a, args.a), nameB: side(b, args.b), contextA: devices(a), contextB: devices(b) })}\n`);
        process.exitCode = result.divergences.length === 0 ? 0 : 1;
      } finally {
        a.close();
        b.close();
      }
    },
  );
}
