import type { TraceEvent } from './events.js';

/**
 * Whether two events are identical in every field (kind, hart, icount and
 * the kind's own fields, byte strings by content): what a verifying replay
 * demands of the event it produced and the event it recorded.
 */
export function sameEvent(a: TraceEvent, b: TraceEvent): boolean {
  if (a.kind !== b.kind || a.hart !== b.hart || a.icount !== b.icount) return false;
  const left = a as unknown as Record<string, unknown>;
  const right = b as unknown as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  for (const key of keys) {
    if (!sameValue(left[key], right[key])) return false;
  }
  return true;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((byte, i) => byte === b[i]);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  return a === b;
}
