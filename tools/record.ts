import { createHash } from 'node:crypto';
import type { Argv } from 'yargs';
import { Recorder } from '../src/rr/recorder.js';
import { EventKind, type TraceEvent } from '../src/trace/events.js';
import type { TraceHeader, TraceImage } from '../src/trace/schema.js';
import { TraceWriter } from '../src/trace/writer.js';
import type { GuestImage } from '../src/machine/virt.js';
import { Vmm, type RunOutcome } from '../src/vmm/vmm.js';
import { UsageError } from './errors.js';
import { finishRun, machineOptions, prepareMachine, stdoutConsole, type MachineArgs, type PreparedMachine } from './machine-args.js';

interface RecordArgs extends MachineArgs {
  output: string;
  force: boolean;
  'digest-every': number;
}

/** Instructions per slice between two looks at the host clock (to flush the trace). */
const SLICE = 5_000_000;
/** The recorder flushes a chunk at least this often, so a killed recorder loses at most about this much. */
const FLUSH_EVERY_MS = 1000;

function imageRecord(role: string, image: GuestImage | 'builtin' | undefined): TraceImage[] {
  if (image === undefined || image === 'builtin') return [];
  return [{ role, name: image.name, sha256: new Uint8Array(createHash('sha256').update(image.bytes).digest()) }];
}

/** `deja record`: run a guest like `deja run` and write every event to a trace file. */
export function registerRecord(cli: Argv): Argv {
  return cli.command<RecordArgs>(
    'record',
    'Run a guest like `deja run` and record its trace (traps, interrupts, I/O, input, digests)',
    (y) => machineOptions(y)
      .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'the trace file to write' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite an existing trace file' })
      .option('digest-every', { type: 'number', default: 0, describe: 'record a SHA-256 digest of the machine state every N instructions (0: only at the end)' }) as unknown as Argv<RecordArgs>,
    (args) => {
      const digestEvery = args['digest-every'];
      if (!Number.isSafeInteger(digestEvery) || digestEvery < 0) throw new UsageError(`--digest-every: '${digestEvery}' is not a whole number of instructions`);
      const { config, maxInstructions } = prepareMachine(args);
      const output = stdoutConsole();
      const outcome = recordToFile({ config, maxInstructions, path: args.output, force: args.force, digestEvery, output });
      finishRun(outcome);
    },
  );
}

/** What `recordToFile` records. */
export interface RecordingPlan {
  readonly config: PreparedMachine['config'];
  readonly maxInstructions: number;
  readonly path: string;
  readonly force: boolean;
  readonly digestEvery: number;
  readonly output: { console: (byte: number) => void; flush: () => void };
}

/**
 * Run the machine `plan` describes and write its trace to `plan.path`; on an
 * error the writer is abandoned, leaving the complete chunks readable.
 */
export function recordToFile(plan: RecordingPlan): RunOutcome {
  const { config, output } = plan;
  const vmm = new Vmm({ ...config, console: output.console });
  const header: TraceHeader = {
    toolVersion: `dejavm ${process.env.npm_package_version ?? '0.1.0'}`,
    machine: {
      memoryMib: config.memoryMiB ?? 128, harts: config.harts ?? 1,
      bios: config.bios === 'builtin' ? 'builtin' : config.bios?.name ?? 'none', kernel: config.kernel?.name ?? '',
      initrd: config.initrd?.name ?? '', append: config.append ?? '', backend: vmm.backend.name, clock: config.hostTime === undefined ? 'virtual' : 'host',
    },
    images: [...imageRecord('bios', config.bios), ...imageRecord('kernel', config.kernel), ...imageRecord('initrd', config.initrd)],
    argv: process.argv.slice(2),
    startTime: new Date().toISOString(),
    digestInterval: plan.digestEvery,
    devices: [],
  };
  let writer: TraceWriter | undefined;
  // Events from before the file exists (clock readings taken while the board was built) wait here.
  const early: TraceEvent[] = [];
  const recorder = new Recorder(vmm, (event) => {
    if (writer === undefined) early.push(event);
    else if (event.kind === EventKind.END) writer.close(event);
    else writer.append(event);
  });
  header.devices = recorder.devices.map((d) => ({ name: d.name, base: BigInt(d.base), size: BigInt(d.size) }));
  writer = TraceWriter.create(plan.path, header, { force: plan.force });
  for (const event of early) writer.append(event);
  try {
    if (config.input !== undefined) recorder.consoleInput(config.input);
    const outcome = recordRun(vmm, recorder, writer, plan.maxInstructions, plan.digestEvery);
    output.flush();
    recorder.end(outcome);
    return outcome;
  } catch (error) {
    writer.abandon();
    throw error;
  }
}

/** Run in slices that end at digest points, flushing the trace at least once a second of host time. */
function recordRun(vmm: Vmm, recorder: Recorder, writer: TraceWriter, maxInstructions: number, digestEvery: number): RunOutcome {
  let lastFlush = Date.now();
  let limit = 0;
  for (;;) {
    const nextDigest = digestEvery > 0 ? (Math.floor(limit / digestEvery) + 1) * digestEvery : Infinity;
    limit = Math.min(maxInstructions, limit + SLICE, nextDigest);
    const outcome = vmm.run(limit);
    if (outcome.reason !== 'max-insns' || limit >= maxInstructions) return outcome;
    if (limit === nextDigest) recorder.digest();
    if (Date.now() - lastFlush >= FLUSH_EVERY_MS) {
      writer.flush();
      lastFlush = Date.now();
    }
  }
}
