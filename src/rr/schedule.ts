/**
 * Where a recording stops the machine between slices, so that a replay can
 * stop at exactly the same places.
 *
 * Why it matters: a hart's slice ends at each stop, and with several harts
 * the round-robin interleaving depends on where slices end. The recorder
 * and the replayer therefore share this schedule: every multiple of the
 * slice, the digest interval and the snapshot interval (all in hart 0's
 * icount, which is what `Vmm.run` limits per hart).
 */

/** The slice format version 1 traces were recorded with (their header says 0). */
export const LEGACY_SLICE = 5_000_000;

/** The stops of a run. */
export interface RunSchedule {
  /** Instructions per slice (> 0). */
  readonly slice: number;
  /** Instructions between digests (0: none). */
  readonly digestEvery: number;
  /** Instructions between snapshots (0: none). */
  readonly snapshotEvery: number;
}

/** The first stop after `position`, never past `limit`. */
export function nextStop(schedule: RunSchedule, position: number, limit: number): number {
  let stop = nextMultiple(position, schedule.slice);
  if (schedule.digestEvery > 0) stop = Math.min(stop, nextMultiple(position, schedule.digestEvery));
  if (schedule.snapshotEvery > 0) stop = Math.min(stop, nextMultiple(position, schedule.snapshotEvery));
  return Math.min(stop, limit);
}

/** Whether a stop at `position` is a multiple of `interval` (never for interval 0). */
export function isMultiple(position: number, interval: number): boolean {
  return interval > 0 && position > 0 && position % interval === 0;
}

function nextMultiple(position: number, interval: number): number {
  return (Math.floor(position / interval) + 1) * interval;
}
