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
export class VirtualClock implements TimeSource {
  private skipped = 0n;

  constructor(private readonly harts: readonly Hart[]) {}

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
