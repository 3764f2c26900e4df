import type { Hart } from '../cpu/hart.js';
import type { TimeSource } from '../devices/aclint.js';

/** Retired instructions per ACLINT tick in virtual-clock mode (a nominal 100 MIPS at 10 MHz). */
export const INSNS_PER_TICK = 10;

/**
 * Virtual time derived from retired instructions, so it needs no log: the
 * guest sees `mtime = skipped + floor(sum of hart icounts / harts / INSNS_PER_TICK)`.
 * When every hart waits in WFI, the VMM skips time forward to the next timer
 * deadline (`skipTo`), which is deterministic too.
 */
export class VirtualClock implements GuestClock {
  private skipped = 0n;

  constructor(private readonly harts: readonly Hart[]) {}

  /** Ticks skipped while every hart waited (the part of the time not derived from icounts): snapshot state. */
  get skippedTicks(): bigint {
    return this.skipped;
  }

  set skippedTicks(ticks: bigint) {
    this.skipped = ticks;
  }

  /** Current time in ticks. */
  now(): bigint {
    return this.skipped + BigInt(Math.floor(this.averageIcount() / INSNS_PER_TICK));
  }

  /** Advance time to `ticks` while the harts are idle (never backwards). */
  skipTo(ticks: bigint): void {
    const now = this.now();
    if (ticks > now) this.skipped += ticks - now;
  }

  /**
   * How many more instructions hart 0 (with all harts advancing evenly) must
   * retire before time reaches `ticks`; at least 1.
   */
  instructionsUntil(ticks: bigint): number {
    const now = this.now();
    if (ticks <= now) return 1;
    const targetAverage = Number(ticks - this.skipped) * INSNS_PER_TICK;
    return Math.max(1, Math.ceil(targetAverage - this.averageIcount()));
  }

  private averageIcount(): number {
    if (this.harts.length === 0) return 0;
    let sum = 0;
    for (const hart of this.harts) sum += hart.icount;
    return sum / this.harts.length;
  }
}

/** What the VMM needs from a clock: the time, and how to bridge idle time to a deadline. */
export interface GuestClock extends TimeSource {
  /** Advance (virtual) or wait (host) until time reaches `ticks`, while every hart is idle. */
  skipTo(ticks: bigint): void;
  /** Instructions to run before looking at the deadline `ticks` again; at least 1. */
  instructionsUntil(ticks: bigint): number;
}

/** The host's time, handed in by the tools layer: the only place real time enters (design rule 2). */
export interface HostTimeSource {
  /** Nanoseconds since the run started. */
  readonly nowNs: () => bigint;
  /** Block until `nowNs()` reaches `ns`. */
  readonly sleepUntilNs: (ns: bigint) => void;
}

/** Instructions between two looks at a host-clock deadline: about a millisecond at interpreter speed. */
const HOST_CLOCK_SLICE = 20_000;

/**
 * Host-clock mode (`--clock host`): the guest sees real time. Every reading
 * goes to `onRead` (the recorder logs it, so a replay can feed it back), the
 * VMM looks at deadlines every `HOST_CLOCK_SLICE` instructions, and when every
 * hart waits it sleeps until the next deadline instead of skipping to it.
 */
export class HostClock implements GuestClock {
  private observer: ((ticks: bigint) => void) | undefined;
  /** Readings taken before anyone observed (while the board was built). */
  private readonly early: bigint[] = [];

  constructor(private readonly host: HostTimeSource) {}

  /** Report every reading to `observer`, starting with those taken before this call. */
  observe(observer: (ticks: bigint) => void): void {
    this.observer = observer;
    for (const ticks of this.early.splice(0)) observer(ticks);
  }

  now(): bigint {
    const ticks = this.host.nowNs() / 100n;
    if (this.observer === undefined) this.early.push(ticks);
    else this.observer(ticks);
    return ticks;
  }

  skipTo(ticks: bigint): void {
    this.host.sleepUntilNs(ticks * 100n);
  }

  instructionsUntil(ticks: bigint): number {
    return ticks <= this.now() ? 1 : HOST_CLOCK_SLICE;
  }
}
