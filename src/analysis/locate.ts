/**
 * `deja diff --locate`: replays two recordings of the same guest side by side
 * and names the first instruction after which their architectural state
 * differs (registers, CSRs, pc: a different pc is where control flow parts)
 * or the RAM it wrote differs.
 *
 * The search starts at the last state digest both recordings agree on (or
 * the beginning) and ends at the first digest or event that differs: the
 * first difference lies between. A short stretch is single-stepped on both
 * machines in lockstep; a long one is first crossed in coarse slices
 * compared whole (registers and all of RAM), then the slice where the states
 * part is single-stepped. Only hart 0 is compared.
 */
import type { RetiredInstruction } from '../vmm/vmm.js';
import { ReplayError } from '../rr/replay-error.js';
import type { ImagePaths } from '../rr/replay-images.js';
import { ReplaySession } from '../rr/replay-session.js';
import { EventKind, type TraceEvent } from '../trace/events.js';
import type { TraceReader } from '../trace/reader.js';
import { diffTraces } from './diff.js';
import {
  firstRamDifference, memoryDifferences, registerDifferences, TransferLog, WriteLog, type ControlTransfer, type MemoryDifference,
  type RegisterDifference,
} from './locate-state.js';

/** Instructions single-stepped at most in one go; longer stretches are crossed in coarse slices first. */
export const FINE_STRETCH = 1 << 20;

/** One machine's side of the located difference. */
export interface LocatedSide {
  /** The instruction whose execution made the states differ (undefined if none retired in that step). */
  readonly instruction: RetiredInstruction | undefined;
  /** The pc after it. */
  readonly nextPc: bigint;
  /** The last jumps and taken branches before it, oldest first. */
  readonly history: readonly ControlTransfer[];
}

/** What `locate` found. */
export interface LocateResult {
  /** The traces' first divergent events (undefined: the event streams are equivalent). */
  readonly firstEvents: { readonly a: TraceEvent | undefined; readonly b: TraceEvent | undefined } | undefined;
  /** Hart 0's icount from which the search ran (a matching digest, or 0). */
  readonly searchedFrom: number;
  /** The icount of the instruction after which the states differ; undefined when no difference was found. */
  readonly icount: number | undefined;
  readonly registers: readonly RegisterDifference[];
  readonly memory: readonly MemoryDifference[];
  readonly a: LocatedSide | undefined;
  readonly b: LocatedSide | undefined;
}

/** Reports the instructions a session retires and remembers its control transfers. */
class StepWatcher {
  last: RetiredInstruction | undefined;
  readonly transfers = new TransferLog();
  readonly onRetire = (insn: RetiredInstruction): void => {
    this.transfers.note(insn.icount, unsigned(insn.pc), insn.len);
    this.last = insn;
  };
}

function unsigned(value: number | bigint): bigint {
  return BigInt.asUintN(64, BigInt(value));
}

/** The last icount at which both traces' digests agree, and the first at which they differ (hart 0). */
function digestBounds(a: TraceReader, b: TraceReader): { lastMatch: number; firstMismatch: number } {
  const digests = (reader: TraceReader): Generator<TraceEvent> => (function* () {
    for (const event of reader.events()) if (event.kind === EventKind.DIGEST && event.hart === 0) yield event;
  })();
  if (a.header.digestInterval !== b.header.digestInterval || a.header.digestInterval === 0) return { lastMatch: 0, firstMismatch: Infinity };
  const streamA = digests(a);
  const streamB = digests(b);
  let lastMatch = 0;
  for (;;) {
    const digestA = streamA.next().value as TraceEvent | undefined;
    const digestB = streamB.next().value as TraceEvent | undefined;
    if (digestA?.kind !== EventKind.DIGEST || digestB?.kind !== EventKind.DIGEST) return { lastMatch, firstMismatch: Infinity };
    if (digestA.icount !== digestB.icount || Buffer.compare(digestA.sha256, digestB.sha256) !== 0) {
      return { lastMatch, firstMismatch: Math.min(digestA.icount, digestB.icount) };
    }
    lastMatch = digestA.icount;
  }
}

/** Moves a session to `icount`, failing when its own recording does not replay there. */
function seekExactly(session: ReplaySession, icount: number, name: string): void {
  const progress = session.seek(icount);
  if (progress.divergence !== undefined) {
    throw new ReplayError(`${name} does not replay: it diverges from its own recording at icount ${progress.divergence.icount}`);
  }
}

/** Whether the two machines' hart 0 and RAM are in the same state (a whole comparison). */
function sameState(a: ReplaySession, b: ReplaySession): boolean {
  const hartA = a.vmm.machine.harts[0]!;
  const hartB = b.vmm.machine.harts[0]!;
  return registerDifferences(hartA, hartB).length === 0 && firstRamDifference(a.vmm.machine.ram, b.vmm.machine.ram) < 0;
}

/**
 * Replays the recordings at `pathA` and `pathB` (readers `a` and `b` of the
 * same files) to the first instruction where their states differ. `images`
 * replaces the image paths the headers name (both traces are of the same
 * guest). `onProgress` is told the icount reached now and then.
 */
export function locate(
  pathA: string, pathB: string, a: TraceReader, b: TraceReader, images: ImagePaths = {}, onProgress?: (icount: number, end: number) => void,
): LocateResult {
  const events = diffTraces(a, b, { context: 0, ignore: new Set(), all: false, limit: 1 }).divergences[0];
  const firstEvents = events === undefined ? undefined : { a: events.a, b: events.b };
  const { lastMatch, firstMismatch } = digestBounds(a, b);
  const eventIcount = events === undefined ? Infinity : Math.min(events.a?.icount ?? Infinity, events.b?.icount ?? Infinity);
  const sessionA = ReplaySession.open(pathA, { images });
  let sessionB: ReplaySession;
  try {
    sessionB = ReplaySession.open(pathB, { images });
  } catch (error) {
    sessionA.close();
    throw error;
  }
  try {
    const end = Math.min(firstMismatch, eventIcount + 1, sessionA.endIcount(), sessionB.endIcount());
    let start = Math.min(lastMatch, end);
    seekExactly(sessionA, start, pathA);
    seekExactly(sessionB, start, pathB);
    if (end - start > FINE_STRETCH) {
      while (start < end) {
        const stop = Math.min(end, start + FINE_STRETCH);
        sessionA.runTo(stop);
        sessionB.runTo(stop);
        onProgress?.(stop, end);
        if (!sameState(sessionA, sessionB)) break;
        start = stop;
      }
      seekExactly(sessionA, start, pathA);
      seekExactly(sessionB, start, pathB);
    }
    return { firstEvents, searchedFrom: Math.min(lastMatch, end), ...stepToDifference(sessionA, sessionB, end) };
  } finally {
    sessionA.close();
    sessionB.close();
  }
}

/** Single-steps both sessions in lockstep up to `end`, comparing after each instruction. */
function stepToDifference(sessionA: ReplaySession, sessionB: ReplaySession, end: number): Omit<LocateResult, 'firstEvents' | 'searchedFrom'> {
  const watchA = new StepWatcher();
  const watchB = new StepWatcher();
  const writesA = new WriteLog(sessionA.vmm.machine.ram);
  const writesB = new WriteLog(sessionB.vmm.machine.ram);
  const hartA = sessionA.vmm.machine.harts[0]!;
  const hartB = sessionB.vmm.machine.harts[0]!;
  for (let icount = sessionA.icount(); icount < end; icount++) {
    const stepA = sessionA.runTo(icount + 1, watchA.onRetire);
    const stepB = sessionB.runTo(icount + 1, watchB.onRetire);
    const registers = registerDifferences(hartA, hartB);
    const memory = memoryDifferences(sessionA.vmm.machine.ram, sessionB.vmm.machine.ram, [...writesA.take(), ...writesB.take()]);
    if (registers.length > 0 || memory.length > 0) {
      const side = (watch: StepWatcher, hart: typeof hartA): LocatedSide => ({
        instruction: watch.last, nextPc: unsigned(hart.pc), history: [...watch.transfers.transfers],
      });
      return { icount, registers, memory, a: side(watchA, hartA), b: side(watchB, hartB) };
    }
    if (!stepA.reached || !stepB.reached) break;
  }
  return { icount: undefined, registers: [], memory: [], a: undefined, b: undefined };
}
