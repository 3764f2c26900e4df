/**
 * Event comparison for `deja diff`: which kinds two traces can both be
 * compared on, whether two events are the same, and the key that
 * resynchronisation matches anchors by.
 */
import { EventKind, PRIV_UNKNOWN, type TraceEvent } from '../trace/events.js';
import type { TraceHeader } from '../trace/schema.js';

/** The backend name an imported QEMU log's header carries. */
export const QEMU_BACKEND = 'qemu';

/** Kinds a QEMU log import holds: its traps and its pc stream. */
const QEMU_KINDS: readonly EventKind[] = [EventKind.TRAP, EventKind.EXEC];

/**
 * Kinds a dejavm recording holds that two recordings of the same guest must
 * agree on. SNAPSHOT is left out (where snapshots fall is a recording
 * setting, not guest behaviour); DIGEST is decided per pair (see `comparedKinds`).
 */
const RECORDED_KINDS: readonly EventKind[] = [
  EventKind.TRAP, EventKind.IRQ, EventKind.MMIO_READ, EventKind.MMIO_WRITE, EventKind.DMA,
  EventKind.CONSOLE_INPUT, EventKind.CLOCK, EventKind.DIGEST, EventKind.END,
];

/** The kinds the trace described by `header` can contain. */
function kindsOf(header: TraceHeader): readonly EventKind[] {
  return header.machine.backend === QEMU_BACKEND ? QEMU_KINDS : RECORDED_KINDS;
}

/**
 * The kinds compared between traces `a` and `b`: those both can contain,
 * without `ignored`, and without DIGEST unless both took digests at the same
 * interval (digests at different points cannot be matched).
 */
export function comparedKinds(a: TraceHeader, b: TraceHeader, ignored: ReadonlySet<EventKind>): Set<EventKind> {
  const inB = new Set(kindsOf(b));
  const kinds = new Set(kindsOf(a).filter((kind) => inB.has(kind) && !ignored.has(kind)));
  if (a.digestInterval !== b.digestInterval) kinds.delete(EventKind.DIGEST);
  return kinds;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}

/** Privilege levels agree when equal or when either side does not know its own. */
function privilegeAgrees(a: number, b: number): boolean {
  return a === b || a === PRIV_UNKNOWN || b === PRIV_UNKNOWN;
}

/**
 * Whether `a` and `b` are the same event once `b`'s icount is shifted back by
 * `icountShift` (the offset a resynchronisation established; 0 otherwise).
 */
export function eventsEqual(a: TraceEvent, b: TraceEvent, icountShift = 0): boolean {
  if (a.kind !== b.kind || a.hart !== b.hart || a.icount !== b.icount - icountShift) return false;
  switch (a.kind) {
    case EventKind.TRAP: {
      const other = b as typeof a;
      return a.interrupt === other.interrupt && a.cause === other.cause && a.epc === other.epc && a.tval === other.tval &&
        privilegeAgrees(a.fromPriv, other.fromPriv) && privilegeAgrees(a.toPriv, other.toPriv);
    }
    case EventKind.IRQ: {
      const other = b as typeof a;
      return a.line === other.line && a.level === other.level;
    }
    case EventKind.MMIO_READ:
    case EventKind.MMIO_WRITE: {
      const other = b as typeof a;
      return a.device === other.device && a.offset === other.offset && a.size === other.size && a.value === other.value;
    }
    case EventKind.DMA: {
      const other = b as typeof a;
      return a.address === other.address && bytesEqual(a.bytes, other.bytes);
    }
    case EventKind.CONSOLE_INPUT:
      return bytesEqual(a.bytes, (b as typeof a).bytes);
    case EventKind.CLOCK:
      return a.ticks === (b as typeof a).ticks;
    case EventKind.DIGEST:
      return bytesEqual(a.sha256, (b as typeof a).sha256);
    case EventKind.SNAPSHOT:
      return a.sequence === (b as typeof a).sequence;
    case EventKind.EXEC:
      return a.pc === (b as typeof a).pc;
    case EventKind.END: {
      const other = b as typeof a;
      return a.reason === other.reason && a.exitCode === other.exitCode && bytesEqual(a.sha256, other.sha256) &&
        a.icounts.length === other.icounts.length && a.icounts.every((count, hart) => count === other.icounts[hart]! - icountShift);
    }
  }
}

/**
 * The key a resynchronisation anchor is matched by: a trap's hart, cause,
 * epc and tval, or a digest's hash; icounts are left out so a run that took
 * a few more or fewer instructions on the way still realigns. Undefined for
 * events that are not anchors.
 */
export function anchorKey(event: TraceEvent): string | undefined {
  switch (event.kind) {
    case EventKind.TRAP:
      return `trap ${event.hart} ${event.interrupt ? 'i' : 'e'}${event.cause} ${event.epc} ${event.tval}`;
    case EventKind.DIGEST:
      return `digest ${event.hart} ${Buffer.from(event.sha256).toString('hex')}`;
    default:
      return undefined;
  }
}
