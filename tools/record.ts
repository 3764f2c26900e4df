import { createHash } from 'node:crypto';
import type { Argv } from 'yargs';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Recorder } from '../src/rr/recorder.js';
import { RecordingRun } from '../src/rr/recording.js';
import { EventKind, type TraceEvent } from '../src/trace/events.js';
import type { TraceHeader, TraceImage } from '../src/trace/schema.js';
import { TraceWriter } from '../src/trace/writer.js';
import type { GuestImage } from '../src/machine/virt.js';
import { Vmm, type RunOutcome } from '../src/vmm/vmm.js';
import { UsageError } from './errors.js';
import { progress } from './progress.js';
import { finishRun, machineOptions, prepareMachine, stdoutConsole, type MachineArgs, type PreparedMachine } from './machine-args.js';

interface RecordArgs extends MachineArgs {
  output: string;
  force: boolean;
  'digest-every': number;
  'snapshot-every': number;
  'live-input': boolean;
}

/** Instructions per slice between two looks at the host clock (to flush the trace). */
const SLICE = 5_000_000;
/** Instructions per slice while standard input is read as it arrives (about 25 ms at interpreter speed). */
const LIVE_SLICE = 1_000_000;
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
      .option('digest-every', { type: 'number', default: 0, describe: 'record a SHA-256 digest of the machine state every N instructions (0: only at the end)' })
      .option('snapshot-every', { type: 'number', default: 0, describe: 'store a full machine snapshot every N instructions, so replays can seek (0: none)' })
      .option('live-input', { type: 'boolean', default: false, describe: 'give standard input (a pipe) to the guest as it arrives, recording where each piece arrived' }) as unknown as Argv<RecordArgs>,
    async (args) => {
      const digestEvery = wholeNumber(args['digest-every'], '--digest-every');
      const snapshotEvery = wholeNumber(args['snapshot-every'], '--snapshot-every');
      if (args['live-input'] && args.input !== undefined) throw new UsageError('--live-input reads standard input: leave out --input');
      const { config, maxInstructions } = prepareMachine(args);
      const output = stdoutConsole();
      const plan = { config, maxInstructions, path: args.output, force: args.force, digestEvery, snapshotEvery, output };
      const outcome = args['live-input'] ? await recordWithLiveInput(plan) : recordToFile(plan);
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
  readonly snapshotEvery?: number;
  readonly output: { console: (byte: number) => void; flush: () => void };
}

/** A recording in progress: the run, and how to end it. */
interface Recording {
  readonly run: RecordingRun;
  /** Flush the trace if a second has passed since the last flush. */
  readonly flushNow: () => void;
  /** Write the END event and close the file. */
  readonly end: (outcome: RunOutcome) => void;
  /** Close the file without a footer, keeping the complete chunks (after an error). */
  readonly abandon: () => void;
  /** Instructions hart 0 has retired so far. */
  readonly instructions: () => number;
}

/** Build the machine `plan` describes, create the trace file and attach the recorder. */
function startRecording(plan: RecordingPlan, slice: number): Recording {
  const { config, output } = plan;
  const snapshotEvery = plan.snapshotEvery ?? 0;
  const vmm = new Vmm({ ...config, input: undefined, console: output.console });
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
    sliceInstructions: slice,
    snapshotInterval: snapshotEvery,
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
  const file = TraceWriter.create(plan.path, header, { force: plan.force });
  writer = file;
  for (const event of early) file.append(event);
  const schedule = { slice, digestEvery: plan.digestEvery, snapshotEvery };
  const run = new RecordingRun(vmm, recorder, schedule, plan.maxInstructions, (icount, sequence, state) => file.writeSnapshot(icount, sequence, state));
  if (config.input !== undefined) run.input(config.input);
  let lastFlush = Date.now();
  return {
    run,
    flushNow: () => {
      if (Date.now() - lastFlush < FLUSH_EVERY_MS) return;
      file.flush();
      lastFlush = Date.now();
    },
    end: (outcome) => {
      output.flush();
      recorder.end(outcome);
    },
    abandon: () => file.abandon(),
    instructions: () => vmm.machine.harts[0]!.icount,
  };
}

/**
 * Run the machine `plan` describes and write its trace to `plan.path`,
 * flushing at least once a second; on an error the writer is abandoned,
 * leaving the complete chunks readable.
 */
export function recordToFile(plan: RecordingPlan): RunOutcome {
  const recording = startRecording(plan, SLICE);
  // A bar on the terminal only when the guest's console is not on it too.
  const bar = process.stdout.isTTY === true ? undefined : progress('record', Number.isFinite(plan.maxInstructions) ? plan.maxInstructions : 0);
  try {
    for (;;) {
      const step = recording.run.advance();
      if (step.kind !== 'stop') {
        bar?.done();
        recording.end(step.outcome);
        return step.outcome;
      }
      bar?.update(recording.instructions());
      recording.flushNow();
    }
  } catch (error) {
    bar?.done();
    recording.abandon();
    throw error;
  }
}

/**
 * Like `recordToFile`, but standard input reaches the guest's UART as it
 * arrives (typed into a pipe, or sent by a test): between slices, and while
 * every hart waits for it. Each piece is recorded at the position it was
 * given, so the replay needs no timing. The run ends with the guest, or when
 * input has ended and the guest waits for more.
 */
export async function recordWithLiveInput(plan: RecordingPlan): Promise<RunOutcome> {
  const recording = startRecording(plan, LIVE_SLICE);
  const pending: Buffer[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const onData = (chunk: Buffer): void => {
    pending.push(chunk);
    wake?.();
  };
  const onEnd = (): void => {
    ended = true;
    wake?.();
  };
  process.stdin.on('data', onData);
  process.stdin.on('end', onEnd);
  try {
    for (;;) {
      if (pending.length > 0) recording.run.input(new Uint8Array(Buffer.concat(pending.splice(0))));
      const step = recording.run.advance();
      plan.output.flush();
      if (step.kind === 'end' || (step.kind === 'idle' && ended && pending.length === 0)) {
        recording.end(step.outcome);
        return step.outcome;
      }
      recording.flushNow();
      if (step.kind === 'idle' && pending.length === 0) await new Promise<void>((resolve) => { wake = resolve; });
      else await yieldToEventLoop();
      wake = undefined;
    }
  } catch (error) {
    recording.abandon();
    throw error;
  } finally {
    process.stdin.off('data', onData);
    process.stdin.off('end', onEnd);
    process.stdin.pause();
  }
}

/** A non-negative whole number of instructions, or a UsageError naming the flag. */
function wholeNumber(value: number, flag: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new UsageError(`${flag}: '${value}' is not a whole number of instructions`);
  return value;
}
