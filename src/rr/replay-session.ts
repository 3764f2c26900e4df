import { BACKEND_NAMES, type BackendName } from '../exec/backends.js';
import { EventKind, type TraceEvent } from '../trace/events.js';
import { TraceError } from '../trace/errors.js';
import { TraceReader } from '../trace/reader.js';
import { sameEvent } from '../trace/same-event.js';
import type { TraceHeader } from '../trace/schema.js';
import { MAX_MEMORY_MIB } from '../machine/virt.js';
import { Vmm, type RetiredInstruction, type RunOutcome } from '../vmm/vmm.js';
import { clockCursor, EventCursor } from './event-cursor.js';
import { FeedInputs } from './feed.js';
import { decodeSnapshot, restoreMachineState, type MachineSnapshot } from './machine-snapshot.js';
import { RamRestorer } from './ram-restorer.js';
import { Recorder } from './recorder.js';
import { loadReplayImages, type ImagePaths, type ReplayImages } from './replay-images.js';
import { ReplayError } from './replay-error.js';
import { isMultiple, LEGACY_SLICE, nextStop, type RunSchedule } from './schedule.js';

/** How a replay is made. */
export interface ReplayOptions {
  /** Guest console output during the replay (default: dropped). */
  readonly console?: (byte: number) => void;
  /** Paths replacing the image names the header records. */
  readonly images?: ImagePaths;
  /** The backend to replay on (default: the one the header names). */
  readonly backend?: BackendName;
  /**
   * `verify` (default): device models run again and their results are
   * compared; `feed`: device reads and interrupt lines come from the trace
   * (see FeedInputs).
   */
  readonly mode?: 'verify' | 'feed';
}

/** The first place where the replay did not do what the recording did. */
export interface Divergence {
  readonly hart: number;
  readonly icount: number;
  /** The event the recording has next (undefined: the recording ended here). */
  readonly expected: TraceEvent | undefined;
  /** The event the replay produced (undefined: the replay ended or went idle without it). */
  readonly actual: TraceEvent | undefined;
  /** The icount of the last digest that still matched (undefined: none). */
  readonly lastMatchingDigest: number | undefined;
}

/** Where `runTo` stopped. */
export interface ReplayProgress {
  /** True when the replay is at the requested icount. */
  readonly reached: boolean;
  readonly divergence?: Divergence;
}

/**
 * A recorded run, replayed: the machine rebuilt from the header's images
 * (checked by SHA-256), the recorded console input and host-clock readings
 * fed back at their recorded positions, and every event the machine emits
 * compared with the recorded one (verify mode: devices run again). It runs
 * forward with `runTo` and moves anywhere with `seek`, restoring the nearest
 * snapshot stored in the trace.
 */
export class ReplaySession {
  private current!: Vmm;
  private cursor!: EventCursor;
  private clocks!: EventCursor;
  private ram: RamRestorer | undefined;
  private recorder!: Recorder;
  private feed: FeedInputs | undefined;
  /** Set when the replay produced an event past the last complete chunk of a cut trace. */
  private recordingEndsHere = false;
  private lines!: EventCursor;
  private readonly schedule: RunSchedule;
  private readonly images: ReplayImages;
  private divergence: Divergence | undefined;
  private lastDigest: number | undefined;
  private ended = false;
  private lastTicks = 0n;
  /** The digest of the END event the replay produced (the state at the end of the run), once it has. */
  finalDigest: Uint8Array | undefined;
  /** Events compared and found equal since the session was opened. */
  eventsChecked = 0;
  /** How the replayed run ended, once it has. */
  outcome: RunOutcome | undefined;
  private readonly endPosition: number;
  /**
   * Where the run stands in its schedule: the last stop reached (the
   * icount the running hart stopped at). With one hart it is hart 0's icount;
   * with several, hart 0 may lag behind it while it waits.
   */
  private position = 0;

  private constructor(readonly reader: TraceReader, private readonly options: ReplayOptions) {
    const header = reader.header;
    this.schedule = { slice: header.sliceInstructions || LEGACY_SLICE, digestEvery: header.digestInterval, snapshotEvery: header.snapshotInterval };
    this.images = loadReplayImages(header, options.images);
    this.endPosition = lastPosition(reader);
    checkMachine(header, options.backend);
    if (options.mode === 'feed' && header.machine.harts !== 1) {
      throw new ReplayError(`--feed replays recordings of one hart; this one has ${header.machine.harts}`);
    }
    this.rebuild();
  }

  /**
   * Open the trace at `path` and build its machine at icount 0.
   * @throws TraceError for an unreadable trace, ImageError for a missing or changed image.
   */
  static open(path: string, options: ReplayOptions = {}): ReplaySession {
    const reader = TraceReader.open(path);
    try {
      return new ReplaySession(reader, options);
    } catch (error) {
      reader.close();
      throw error;
    }
  }

  /** The trace header. */
  get header(): TraceHeader {
    return this.reader.header;
  }

  /** The machine at the current position (a seek may replace it: read it here each time). */
  get vmm(): Vmm {
    return this.current;
  }

  /** Hart 0's icount at the current position. */
  icount(): number {
    return this.current.machine.harts[0]!.icount;
  }

  /** Where the run stands (see `endIcount`): hart 0's icount unless another hart ran ahead while hart 0 waited. */
  currentPosition(): number {
    return this.position;
  }

  /**
   * The position of the end of the recording (or of its last complete
   * chunk): an icount of the hart that reached it last, hart 0's unless
   * another hart ran ahead while hart 0 waited.
   */
  endIcount(): number {
    return this.endPosition;
  }

  /** Whether the trace was closed cleanly (it has an END event). */
  get complete(): boolean {
    return this.reader.truncated === undefined;
  }

  /** The first divergence found, if any. */
  get firstDivergence(): Divergence | undefined {
    return this.divergence;
  }

  /** Whether the replayed run has ended (its END event was reached and compared). */
  get finished(): boolean {
    return this.ended;
  }

  /**
   * Run forward to hart 0's icount `target` (never past the end of the
   * recording), comparing every event; stops early at a divergence or at the
   * end of the run. With `onRetire`, instructions run one at a time and each
   * is reported (slow: for short stretches).
   */
  runTo(target: number, onRetire?: (insn: RetiredInstruction) => void): ReplayProgress {
    const limit = Math.min(target, this.endPosition);
    while (this.divergence === undefined && !this.ended && this.position < limit) {
      let stop = nextStop(this.schedule, this.position, limit);
      const lineChange = this.feed?.nextLineChange();
      if (lineChange !== undefined && lineChange > this.position && lineChange < stop) stop = lineChange;
      let outcome: RunOutcome;
      try {
        outcome = this.current.run(stop, onRetire);
      } catch (error) {
        // A caller's callback ended the run inside a slice (a debugger stopping): the run is where hart 0 stopped.
        this.position = Math.max(this.position, this.icount());
        throw error;
      }
      if (outcome.reason === 'paused') {
        // A pause inside a slice: the run is where the running hart stopped.
        this.position = Math.max(this.position, this.icount());
        // Go on only after a pause the feed made to plan its next stop; any
        // other (a divergence, the end of a cut trace, a debugger) stops here.
        const replanned = this.feed?.replanned === true && this.divergence === undefined && !this.recordingEndsHere;
        if (this.feed !== undefined) this.feed.replanned = false;
        if (!replanned) break;
        continue;
      }
      if (outcome.reason === 'max-insns') this.position = stop;
      this.afterSlice(outcome, stop);
      // The run ended where its harts are: the last position of the recording.
      if (this.ended) this.position = Math.max(this.position, ...this.current.machine.harts.map((hart) => hart.icount));
    }
    if (this.divergence === undefined && !this.ended && this.position === this.endPosition) this.endIfRecorded();
    return { reached: this.position === target, divergence: this.divergence };
  }

  /** Replay to the end of the recording. */
  runToEnd(): ReplayProgress {
    return this.runTo(this.endPosition);
  }

  /**
   * Move to hart 0's icount `target`, backwards or forwards: from the
   * current position when that is on the way, otherwise from the nearest
   * snapshot at or before `target` (or from the beginning).
   */
  seek(target: number): ReplayProgress {
    if (target < 0 || target > this.endPosition) {
      throw new ReplayError(`icount ${target} is outside the recording (0..${this.endPosition})`);
    }
    const snapshots = this.reader.snapshots;
    let best = -1;
    for (let i = 0; i < snapshots.length && snapshots[i]!.icount <= target; i++) best = i;
    const here = this.position;
    const snapshotIcount = best < 0 ? 0 : snapshots[best]!.icount;
    if (here > target || this.divergence !== undefined || this.ended || snapshotIcount > here) {
      if (best < 0) this.rebuild();
      else this.restoreSnapshot(best);
    }
    return this.runTo(target);
  }

  /** Closes the trace file. */
  close(): void {
    this.reader.close();
  }

  private rebuild(): void {
    const header = this.header;
    const clockHost = header.machine.clock === 'host';
    this.clocks = clockCursor(this.reader, 0);
    this.current = new Vmm({
      bios: this.images.bios,
      kernel: this.images.kernel,
      initrd: this.images.initrd,
      append: header.machine.append || undefined,
      memoryMiB: header.machine.memoryMib,
      harts: header.machine.harts,
      backend: this.options.backend ?? (header.machine.backend as BackendName),
      console: this.options.console ?? (() => {}),
      hostTime: clockHost ? { nowNs: () => this.nextClockReading() * 100n, sleepUntilNs: () => {} } : undefined,
    });
    this.cursor = new EventCursor(this.reader, 0);
    this.lines = new EventCursor(this.reader, 0, EventKind.IRQ);
    this.position = 0;
    this.divergence = undefined;
    this.ended = false;
    this.outcome = undefined;
    this.finalDigest = undefined;
    this.lastDigest = undefined;
    this.lastTicks = 0n;
    this.recorder = new Recorder(this.current, (event) => this.check(event));
    const decoded = this.ram;
    this.ram = this.reader.snapshots.length > 0 ? new RamRestorer(this.current.machine.ram) : undefined;
    // Snapshots already read and decoded serve the new machine too: a seek before the first snapshot must not make the next one decode them all again.
    for (let index = 0; decoded !== undefined && index < this.reader.snapshots.length; index++) {
      if (decoded.has(index)) this.ram!.add(index, decoded.snapshot(index));
    }
    this.feed = this.options.mode === 'feed' ? new FeedInputs(this.current, () => this.cursor, () => this.lines) : undefined;
    this.atBoundary();
  }

  private restoreSnapshot(index: number): void {
    const ram = this.ram!;
    const ramPages = this.current.machine.ram.codePages.length;
    const meta = this.reader.snapshots[index]!;
    try {
      const decode = (at: number): MachineSnapshot => {
        if (!ram.has(at)) ram.add(at, decodeSnapshot(this.reader.readSnapshot(at), ramPages));
        return ram.snapshot(at);
      };
      // Back to the last key snapshot (which holds every page written so far), then the ones after it.
      let key = index;
      while (key > 0 && !decode(key).key) key--;
      for (let at = key; at <= index; at++) decode(at);
      ram.restore(index);
      restoreMachineState(this.current, ram.snapshot(index));
    } catch (error) {
      // Leave a usable session behind (at icount 0) for callers that go on, such as a debugger.
      this.rebuild();
      if (error instanceof TraceError) throw error;
      throw new ReplayError(`snapshot ${meta.sequence} (at file offset ${meta.offset}) is malformed: ${(error as Error).message}`);
    }
    this.position = meta.icount;
    this.cursor = new EventCursor(this.reader, meta.chunksBefore);
    this.clocks = clockCursor(this.reader, meta.chunksBefore);
    this.lines = new EventCursor(this.reader, meta.chunksBefore, EventKind.IRQ);
    this.divergence = undefined;
    this.ended = false;
    this.outcome = undefined;
    this.finalDigest = undefined;
    this.atBoundary();
  }

  /** After a slice that ended at `stop`: the end of the run, or the digest, snapshot and input due there. */
  private afterSlice(outcome: RunOutcome, stop: number): void {
    const recorder = this.recorder;
    if (outcome.reason !== 'max-insns' && outcome.reason !== 'idle') {
      this.outcome = outcome;
      recorder.end(outcome);
      this.ended = this.divergence === undefined;
      return;
    }
    if (outcome.reason === 'idle') {
      if (!this.injectInput()) {
        const expected = this.cursor.peek();
        if (expected?.kind === EventKind.END && expected.reason === 'idle') {
          this.outcome = outcome;
          recorder.end(outcome);
          this.ended = this.divergence === undefined;
        } else {
          this.diverge(expected, undefined);
        }
      }
      return;
    }
    // The recorder ends at its instruction limit without a digest or snapshot there.
    if (this.complete && stop >= this.endPosition) return;
    if (isMultiple(stop, this.schedule.digestEvery)) recorder.digest();
    if (isMultiple(stop, this.schedule.snapshotEvery)) recorder.snapshot(stop / this.schedule.snapshotEvery - 1);
    this.atBoundary();
  }

  /** What the recording did between two slices at this position: line changes (feed mode), then console input. */
  private atBoundary(): void {
    if (this.feed !== undefined && !this.feed.applyDue()) this.diverge(this.cursor.peek(), undefined);
    this.injectInput();
  }

  /** At the end position of a recording that stopped at its instruction limit, compare its END. */
  private endIfRecorded(): void {
    const expected = this.cursor.peek();
    if (expected?.kind !== EventKind.END) return;
    const outcome: RunOutcome = { reason: 'max-insns', exitCode: 0, message: `instruction limit reached (${this.endPosition})`, instructions: this.current.instructions() };
    this.outcome = outcome;
    this.recorder.end(outcome);
    this.ended = this.divergence === undefined;
  }

  /** Give the guest the console input recorded at the current position; true if there was some. */
  private injectInput(): boolean {
    let given = false;
    for (let next = this.cursor.peek(); next?.kind === EventKind.CONSOLE_INPUT && next.icount === this.icount(); next = this.cursor.peek()) {
      this.cursor.next();
      this.eventsChecked++;
      this.current.machine.uart.pushInput(next.bytes);
      given = true;
    }
    return given;
  }

  /** Compare an event the replay produced with the next recorded one. */
  private check(actual: TraceEvent): void {
    if (this.divergence !== undefined) return;
    const access = actual.kind === EventKind.MMIO_READ || actual.kind === EventKind.MMIO_WRITE;
    if (access && this.feed !== undefined && !this.feed.beforeAccess(actual.hart, actual.icount)) {
      this.diverge(this.cursor.peek(), actual);
      return;
    }
    const expected = this.cursor.peek();
    if (expected !== undefined && sameEvent(expected, actual)) {
      this.cursor.next();
      this.eventsChecked++;
      if (actual.kind === EventKind.DIGEST) this.lastDigest = actual.icount;
      if (actual.kind === EventKind.END) this.finalDigest = actual.sha256;
      if (this.feed !== undefined && !this.feed.applyDue()) this.diverge(this.cursor.peek(), undefined);
      return;
    }
    if (expected === undefined && !this.complete) {
      this.recordingEndsHere = true;
      this.current.pause();
      return;
    }
    this.diverge(expected, actual);
  }

  private diverge(expected: TraceEvent | undefined, actual: TraceEvent | undefined): void {
    const position = actual ?? expected;
    const icount = Math.min(actual?.icount ?? Infinity, expected?.icount ?? Infinity);
    this.divergence = {
      hart: position?.hart ?? 0,
      icount: Number.isFinite(icount) ? icount : this.icount(),
      expected,
      actual,
      lastMatchingDigest: this.lastDigest,
    };
    this.current.pause();
  }

  /** The recorded host-clock reading the guest takes now (the last one again once they run out: a divergence). */
  private nextClockReading(): bigint {
    const event = this.clocks.next();
    if (event?.kind === EventKind.CLOCK) this.lastTicks = event.ticks;
    return this.lastTicks;
  }

}

/**
 * Refuse a header whose machine this dejavm cannot build (a corrupted or
 * foreign trace must not make the VMM allocate 1 TiB or fail inside).
 */
function checkMachine(header: TraceHeader, backend: BackendName | undefined): void {
  const { memoryMib, harts } = header.machine;
  if (!Number.isInteger(memoryMib) || memoryMib < 1 || memoryMib > MAX_MEMORY_MIB) {
    throw new ReplayError(`the trace's machine has ${memoryMib} MiB of RAM; dejavm builds 1..${MAX_MEMORY_MIB}`);
  }
  if (!Number.isInteger(harts) || harts < 1 || harts > 512) throw new ReplayError(`the trace's machine has ${harts} harts; dejavm builds 1..512`);
  const name = backend ?? header.machine.backend;
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new ReplayError(`the trace was recorded on backend '${name}', which this dejavm does not have (${BACKEND_NAMES.join(', ')}); choose one with --backend`);
  }
}

/** The highest icount at the END event (the limit some hart reached), or of the events of the last complete chunk. */
function lastPosition(reader: TraceReader): number {
  const last = reader.chunks.length - 1;
  if (last < 0) return 0;
  const events = reader.readChunk(last);
  const end = events.find((event) => event.kind === EventKind.END);
  if (end?.kind === EventKind.END) return Math.max(end.icount, ...end.icounts);
  let position = 0;
  for (const event of events) position = Math.max(position, event.icount);
  return position;
}
