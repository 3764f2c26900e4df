import type { RunOutcome, Vmm } from '../vmm/vmm.js';
import { captureSnapshot, encodeSnapshot } from './machine-snapshot.js';
import type { Recorder } from './recorder.js';
import { isMultiple, nextStop, type RunSchedule } from './schedule.js';

/**
 * Every this many snapshots (from the first), one is a key snapshot, holding
 * every page written since the start: a seek then decodes at most this many
 * snapshots instead of all those before its target.
 */
export const KEY_SNAPSHOT_EVERY = 16;

/** What a recording run does with a snapshot: the encoded state (the tools write it into the trace). */
export type SnapshotSink = (icount: number, sequence: number, state: Uint8Array) => void;

/** Where `RecordingRun.advance` left the run. */
export type RecordingStep =
  /** Stopped at a scheduled stop; more to run. */
  | { readonly kind: 'stop' }
  /** Every hart waits for an interrupt only input can bring: give input, or end with `outcome`. */
  | { readonly kind: 'idle'; readonly outcome: RunOutcome }
  /** The run is over. */
  | { readonly kind: 'end'; readonly outcome: RunOutcome };

/**
 * A recorded run driven slice by slice: stops at every point of the
 * schedule (taking digests and snapshots there) and lets the caller hand in
 * console input between slices, at a position the trace records, so the
 * replay can inject it at the same place.
 */
export class RecordingRun {
  private position = 0;
  private snapshots = 0;
  /** Per RAM page: written since the machine was built (what a key snapshot carries). */
  private readonly written: Uint8Array;

  constructor(
    private readonly vmm: Vmm,
    private readonly recorder: Recorder,
    private readonly schedule: RunSchedule,
    private readonly maxInstructions: number,
    private readonly onSnapshot: SnapshotSink,
  ) {
    this.written = new Uint8Array(schedule.snapshotEvery > 0 ? vmm.machine.ram.codePages.length : 0);
    if (schedule.snapshotEvery > 0) vmm.machine.ram.trackDirtyPages();
  }

  /** Run to the next stop of the schedule (or the end of the run). */
  advance(): RecordingStep {
    const stop = nextStop(this.schedule, this.position, this.maxInstructions);
    const outcome = this.vmm.run(stop);
    if (outcome.reason === 'idle') return { kind: 'idle', outcome };
    if (outcome.reason !== 'max-insns' || stop >= this.maxInstructions) return { kind: 'end', outcome };
    this.position = stop;
    if (isMultiple(stop, this.schedule.digestEvery)) this.recorder.digest();
    if (isMultiple(stop, this.schedule.snapshotEvery)) this.takeSnapshot();
    return { kind: 'stop' };
  }

  /** Give console input to the guest now, and record it at this position. */
  input(bytes: Uint8Array): void {
    this.recorder.consoleInput(bytes);
    this.vmm.machine.uart.pushInput(bytes);
  }

  /** Run to the end without input between slices. */
  runToEnd(): RunOutcome {
    for (;;) {
      const step = this.advance();
      if (step.kind !== 'stop') return step.outcome;
    }
  }

  private takeSnapshot(): void {
    const sequence = this.snapshots++;
    const dirty = this.vmm.machine.ram.takeDirtyPages();
    for (const page of dirty) this.written[page] = 1;
    const key = sequence % KEY_SNAPSHOT_EVERY === 0;
    const pages: number[] = [];
    if (key) for (let page = this.written.indexOf(1); page >= 0; page = this.written.indexOf(1, page + 1)) pages.push(page);
    const snapshot = captureSnapshot(this.vmm, this.position, key ? pages : dirty, key);
    this.recorder.snapshot(sequence);
    this.onSnapshot(snapshot.icount, sequence, encodeSnapshot(snapshot));
  }
}
