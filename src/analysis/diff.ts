/**
 * `deja diff`: aligns the event streams of two traces of the same guest and
 * finds where they part. Traces made by different backends align (only the
 * header's backend name differs); a trace imported from a QEMU log is
 * compared on what it holds (traps, and its pc stream when both have one).
 *
 * A trace cut by an instruction limit (`max-insns`) or at the end of a QEMU
 * log (`log-end`) is compared only up to where it stops: the other trace's
 * later events are not a divergence.
 */
import { EventKind, type EndEvent, type TraceEvent } from '../trace/events.js';
import type { TraceReader } from '../trace/reader.js';
import type { TraceHeader } from '../trace/schema.js';
import { anchorKey, comparedKinds, eventsEqual, QEMU_BACKEND } from './diff-events.js';
import { eventKindName } from './event-text.js';

/** END reasons that mean the recording was cut, not that the guest stopped. */
export const CUT_REASONS: readonly string[] = ['max-insns', 'log-end'];

/** Options of {@link diffTraces}. */
export interface DiffOptions {
  /** Events shown before each divergence, per side. */
  readonly context: number;
  /** Kinds left out of the comparison. */
  readonly ignore: ReadonlySet<EventKind>;
  /** Keep going after a divergence (resynchronising on the next matching trap or digest) up to `limit` divergences. */
  readonly all: boolean;
  readonly limit: number;
  /** Events read ahead on each side when looking for a resynchronisation point. */
  readonly resyncWindow?: number;
  /** Told the number of events read from both traces now and then. */
  readonly onProgress?: (eventsRead: number) => void;
}

/** One place where the traces part. */
export interface Divergence {
  /** The first differing event of each side (undefined: that trace has no more events). */
  readonly a: TraceEvent | undefined;
  readonly b: TraceEvent | undefined;
  /** The events just before it on each side, oldest first. */
  readonly beforeA: readonly TraceEvent[];
  readonly beforeB: readonly TraceEvent[];
  /** Where the comparison picked up again (`--all`): events skipped on each side and the icount shift (B minus A) from then on. */
  readonly resync?: { readonly skippedA: number; readonly skippedB: number; readonly shift: number; readonly at: TraceEvent };
}

/** What {@link diffTraces} found. */
export interface DiffResult {
  /** The kinds compared, by name. */
  readonly kinds: readonly string[];
  /** Events that matched, by kind name. */
  readonly matched: Readonly<Record<string, number>>;
  readonly divergences: readonly Divergence[];
  /** Set when a trace was cut: the per-hart icount the comparison stopped at and why. */
  readonly cutoff?: { readonly icounts: readonly number[]; readonly reason: string };
  /** Set when `all` found no resynchronisation point after the last divergence. */
  readonly lostSync: boolean;
}

/**
 * Why traces `a` and `b` are not of the same guest (an image with another
 * SHA-256, or an image only one of them has), naming the image; undefined
 * when every image matches.
 */
export function imageMismatch(a: TraceHeader, b: TraceHeader): string | undefined {
  const roles = new Set([...a.images, ...b.images].map((image) => image.role));
  for (const role of roles) {
    const imageA = a.images.find((image) => image.role === role);
    const imageB = b.images.find((image) => image.role === role);
    if (imageA === undefined || imageB === undefined) {
      const [has, lacks] = imageA === undefined ? ['B', 'A'] : ['A', 'B'];
      return `the traces are of different guests: ${has} has a ${role} image (${(imageA ?? imageB)!.name}), ${lacks} has none`;
    }
    if (Buffer.compare(Buffer.from(imageA.sha256), Buffer.from(imageB.sha256)) !== 0) {
      const hash = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').slice(0, 16);
      return `the traces are of different guests: the ${role} images differ (A: ${imageA.name} sha256 ${hash(imageA.sha256)}..., B: ${imageB.name} sha256 ${hash(imageB.sha256)}...)`;
    }
  }
  return undefined;
}

/** The END event of a cleanly closed trace (the last event of its last chunk), if any. */
export function endEvent(reader: TraceReader): EndEvent | undefined {
  if (reader.chunks.length === 0) return undefined;
  const last = reader.readChunk(reader.chunks.length - 1).at(-1);
  return last?.kind === EventKind.END ? last : undefined;
}

/** A filtered event stream with push-back and a window of the last matched events. */
class EventStream {
  private readonly pushedBack: TraceEvent[] = [];
  private readonly recent: TraceEvent[] = [];
  /** Events taken from the trace so far (filtered or not). */
  read = 0;

  constructor(
    private readonly events: Iterator<TraceEvent>,
    private readonly keep: (event: TraceEvent) => boolean,
    private readonly context: number,
  ) {}

  next(): TraceEvent | undefined {
    const back = this.pushedBack.pop();
    if (back !== undefined) return back;
    for (;;) {
      const step = this.events.next();
      if (step.done === true) return undefined;
      this.read++;
      if (this.keep(step.value)) return step.value;
    }
  }

  /** Puts `events` back so that `next` returns them first, in order. */
  pushBack(events: readonly TraceEvent[]): void {
    for (let index = events.length - 1; index >= 0; index--) this.pushedBack.push(events[index]!);
  }

  /** Remembers a matched event for the context of a later divergence. */
  remember(event: TraceEvent): void {
    if (this.context === 0) return;
    if (this.recent.length === this.context) this.recent.shift();
    this.recent.push(event);
  }

  /** The remembered events, oldest first, and forgets them. */
  takeRecent(): TraceEvent[] {
    return this.recent.splice(0);
  }

  /** Up to `count` more events (fewer at the end of the trace). */
  take(count: number): TraceEvent[] {
    const taken: TraceEvent[] = [];
    while (taken.length < count) {
      const event = this.next();
      if (event === undefined) break;
      taken.push(event);
    }
    return taken;
  }
}

/** The per-hart icounts at which the comparison stops, and why, when either trace was cut. */
function cutoffOf(endA: EndEvent | undefined, endB: EndEvent | undefined): DiffResult['cutoff'] {
  const sides: Array<[string, EndEvent | undefined]> = [['A', endA], ['B', endB]];
  const cuts = sides.filter((cut): cut is [string, EndEvent] => cut[1] !== undefined && CUT_REASONS.includes(cut[1].reason));
  if (cuts.length === 0) return undefined;
  cuts.sort((x, y) => x[1].icount - y[1].icount);
  const [side, first] = cuts[0]!;
  const icounts = first.icounts.map((count, hart) => Math.min(count, ...cuts.map(([, end]) => end.icounts[hart] ?? count)));
  return { icounts, reason: `${side} stops there (${first.reason})` };
}

/**
 * Compares the event streams of `a` and `b` (callers check `imageMismatch`
 * first): equal when every compared event matches in order, otherwise the
 * first divergence (or, with `all`, up to `limit` of them). Against a QEMU
 * import of several harts each hart is compared on its own (QEMU interleaves
 * harts otherwise than dejavm's round-robin); otherwise in file order.
 */
export function diffTraces(a: TraceReader, b: TraceReader, options: DiffOptions): DiffResult {
  const endA = endEvent(a);
  const endB = endEvent(b);
  const cutoff = cutoffOf(endA, endB);
  const kinds = comparedKinds(a.header, b.header, options.ignore);
  if (cutoff !== undefined) kinds.delete(EventKind.END);
  const keep = (event: TraceEvent): boolean => {
    if (!kinds.has(event.kind)) return false;
    const limit = cutoff?.icounts[event.hart];
    return limit === undefined || event.icount < limit;
  };
  const harts = Math.max(a.header.machine.harts, b.header.machine.harts);
  const perHart = harts > 1 && (a.header.machine.backend === QEMU_BACKEND || b.header.machine.backend === QEMU_BACKEND);
  const matched: Record<string, number> = {};
  const divergences: Divergence[] = [];
  let lostSync = false;
  for (const hart of perHart ? Array.from({ length: harts }, (_, id) => id) : [undefined]) {
    const keepHart = hart === undefined ? keep : (event: TraceEvent): boolean => event.hart === hart && keep(event);
    const streamA = new EventStream(a.events(), keepHart, options.context);
    const streamB = new EventStream(b.events(), keepHart, options.context);
    lostSync = compareStreams(streamA, streamB, { ...options, limit: options.limit - divergences.length }, matched, divergences) || lostSync;
    if (divergences.length >= options.limit || (!options.all && divergences.length > 0)) break;
  }
  return { kinds: [...new Set([...kinds].map((kind) => kindName(kind)))], matched, divergences, cutoff, lostSync };
}

/**
 * Walks two streams side by side, counting matches into `matched` and adding
 * divergences to `divergences` (resynchronising with `all`, up to `limit`);
 * true when no resynchronisation point followed the last divergence.
 */
function compareStreams(streamA: EventStream, streamB: EventStream, options: DiffOptions, matched: Record<string, number>, divergences: Divergence[]): boolean {
  const shifts: number[] = [];
  const found = divergences.length;
  let nextProgress = 1 << 16;
  for (;;) {
    const eventA = streamA.next();
    const eventB = streamB.next();
    if (eventA === undefined && eventB === undefined) return false;
    if (options.onProgress !== undefined && streamA.read + streamB.read >= nextProgress) {
      options.onProgress(streamA.read + streamB.read);
      nextProgress += 1 << 16;
    }
    if (eventA !== undefined && eventB !== undefined && eventsEqual(eventA, eventB, shifts[eventA.hart] ?? 0)) {
      const name = eventKindName(eventA);
      matched[name] = (matched[name] ?? 0) + 1;
      streamA.remember(eventA);
      streamB.remember(eventB);
      continue;
    }
    const divergence: Divergence = { a: eventA, b: eventB, beforeA: streamA.takeRecent(), beforeB: streamB.takeRecent() };
    if (!options.all || divergences.length - found + 1 >= options.limit || eventA === undefined || eventB === undefined) {
      divergences.push(divergence);
      return false;
    }
    const resync = resynchronise(streamA, streamB, eventA, eventB, options.resyncWindow ?? 100_000);
    if (resync === undefined) {
      divergences.push(divergence);
      return true;
    }
    shifts[resync.at.hart] = resync.shift;
    const anchorKind = eventKindName(resync.at);
    matched[anchorKind] = (matched[anchorKind] ?? 0) + 1;
    divergences.push({ ...divergence, resync });
  }
}

/** The name `deja dump --kind` uses for `kind`. */
function kindName(kind: EventKind): string {
  return eventKindName({ kind } as TraceEvent);
}

/**
 * Finds the first anchor (trap or digest) in the next `window` events of A
 * whose key appears in the next `window` events of B; pushes back everything
 * after the anchors and returns the skip counts, the anchor and the icount shift.
 */
function resynchronise(
  streamA: EventStream, streamB: EventStream, eventA: TraceEvent, eventB: TraceEvent, window: number,
): Divergence['resync'] {
  const aheadA = [eventA, ...streamA.take(window)];
  const aheadB = [eventB, ...streamB.take(window)];
  const firstInB = new Map<string, number>();
  aheadB.forEach((event, index) => {
    const key = anchorKey(event);
    if (key !== undefined && !firstInB.has(key)) firstInB.set(key, index);
  });
  for (let indexA = 0; indexA < aheadA.length; indexA++) {
    const key = anchorKey(aheadA[indexA]!);
    const indexB = key === undefined ? undefined : firstInB.get(key);
    if (indexB === undefined) continue;
    const anchorA = aheadA[indexA]!;
    const anchorB = aheadB[indexB]!;
    streamA.pushBack(aheadA.slice(indexA + 1));
    streamB.pushBack(aheadB.slice(indexB + 1));
    streamA.remember(anchorA);
    streamB.remember(anchorB);
    return { skippedA: indexA, skippedB: indexB, shift: anchorB.icount - anchorA.icount, at: anchorA };
  }
  streamA.pushBack(aheadA);
  streamB.pushBack(aheadB);
  return undefined;
}
