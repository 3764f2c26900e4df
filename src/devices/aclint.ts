import type { MmioDevice } from '../mem/device.js';
import { type InterruptTarget, MIP_MSIP, MIP_MTIP } from './interrupt-target.js';
import { StateReader, StateWriter } from './state-codec.js';

const U64_HIGH = 0xffff_ffff_0000_0000n;
const U32_MASK = 0xffff_ffffn;
const SNAPSHOT_TAG = 'aclint';
const SNAPSHOT_VERSION = 1;

/** Frequency of `mtime` on `virt`, in Hz. */
export const ACLINT_TIMEBASE_HZ = 10_000_000;
/** Size of the MSWI part (msip registers); MTIMER follows it. */
export const ACLINT_MSWI_SIZE = 0x4000;
/** Offset of the MTIMER part (mtimecmp array) in the window. */
export const ACLINT_MTIMER_OFFSET = 0x4000;
/** Offset of `mtime` in the window (0x200bff8 on `virt`). */
export const ACLINT_MTIME_OFFSET = 0xbff8;
/** Size of the ACLINT window (MSWI + MTIMER) in the `virt` memory map. */
export const ACLINT_WINDOW_SIZE = 0xc000;
/** Most harts the register layout can address. */
export const ACLINT_MAX_HARTS = 4095;

/** The machine's clock as the ACLINT sees it. */
export interface TimeSource {
  /** Current time in `mtime` ticks (10 MHz), before the guest's `mtime` writes. */
  now(): bigint;
}

/** What the ACLINT needs from the machine. */
export interface AclintOptions {
  /** Hart `i` gets msip/mtimecmp slot `i`. */
  readonly harts: readonly InterruptTarget[];
  /** The deterministic clock (virtual or logged). */
  readonly time: TimeSource;
  /** Device name for traces (default `aclint`). */
  readonly name?: string;
}

/**
 * The ACLINT as QEMU 7.2's `virt` maps it at 0x2000000: MSWI (`msip`, 4 bytes
 * per hart) then MTIMER (`mtimecmp`, 8 bytes per hart, and `mtime` at
 * +0xbff8), after `hw/intc/riscv_aclint.c` (with its fixed 32-bit `mtime`
 * write, as Debian's 7.2 builds). MSWI takes only 4-byte accesses and MTIMER
 * 4- or 8-byte ones; other sizes read 0 and are ignored (QEMU faults).
 *
 * `mtime` = time source + an offset that guest writes to `mtime` change.
 * MTIP is raised when a write puts `mtimecmp` at or below `mtime`, lowered
 * when a write puts it above, and otherwise raised by {@link Aclint.sync}
 * once time reaches it: QEMU's host timer becomes a deadline the VMM asks for
 * with {@link Aclint.nextDeadline}. Construction performs QEMU's reset
 * evaluation, so MTIP starts pending (mtimecmp = 0 <= mtime), as on QEMU.
 */
export class Aclint implements MmioDevice {
  /** Short stable name used in traces. */
  readonly name: string;
  /** Size of the MMIO window in bytes. */
  readonly size = ACLINT_WINDOW_SIZE;

  private readonly harts: readonly InterruptTarget[];
  private readonly time: TimeSource;
  private timeDelta = 0n;
  private readonly timecmp: bigint[];
  private readonly msip: boolean[];
  private readonly mtip: boolean[];

  /**
   * Creates the ACLINT for `harts` and evaluates every hart's MTIP.
   * @throws RangeError for more harts than the layout can address.
   */
  constructor(options: AclintOptions) {
    if (options.harts.length > ACLINT_MAX_HARTS) {
      throw new RangeError(`ACLINT supports at most ${ACLINT_MAX_HARTS} harts, got ${options.harts.length}`);
    }
    this.harts = options.harts;
    this.time = options.time;
    this.name = options.name ?? 'aclint';
    this.timecmp = options.harts.map(() => 0n);
    this.msip = options.harts.map(() => false);
    this.mtip = options.harts.map(() => false);
    this.reevaluateAll();
  }

  /** Guest-visible `mtime` (also what the `time` CSR reads). */
  mtime(): bigint {
    return BigInt.asUintN(64, this.time.now() + this.timeDelta);
  }

  /**
   * Re-evaluates every hart's MTIP (`mtimecmp <= mtime`) for the current
   * time, calling a hart only when its level changes. With a clock that never
   * goes back this only ever raises MTIP, exactly when QEMU's timer would fire.
   */
  sync(): void {
    const now = this.mtime();
    for (let hart = 0; hart < this.harts.length; hart++) {
      const level = (this.timecmp[hart] as bigint) <= now;
      if (level !== this.mtip[hart]) this.setMtip(hart, level);
    }
  }

  /**
   * The time-source tick at which the next pending timer fires (the earliest
   * `mtimecmp` not yet reached, shifted by the guest's `mtime` offset), or
   * null when every hart's MTIP is already raised.
   */
  nextDeadline(): bigint | null {
    const raw = this.time.now();
    const now = this.mtime();
    let earliest: bigint | null = null;
    for (let hart = 0; hart < this.harts.length; hart++) {
      if (this.mtip[hart]) continue;
      const compare = this.timecmp[hart] as bigint;
      const deadline = compare <= now ? raw : raw + (compare - now);
      if (earliest === null || deadline < earliest) earliest = deadline;
    }
    return earliest;
  }

  /** Reads msip, mtimecmp or mtime. */
  read(offset: number, size: 1 | 2 | 4 | 8): bigint {
    if (offset >= 0 && offset < ACLINT_MSWI_SIZE) {
      const hart = offset >> 2;
      if (size !== 4 || (offset & 3) !== 0 || hart >= this.harts.length) return 0n;
      return this.msip[hart] ? 1n : 0n;
    }
    if (size !== 4 && size !== 8) return 0n;
    const timerOffset = offset - ACLINT_MTIMER_OFFSET;
    const hart = Math.floor(timerOffset / 8);
    if (timerOffset >= 0 && hart < this.harts.length) {
      const compare = this.timecmp[hart] as bigint;
      if ((timerOffset & 7) === 0) return size === 4 ? compare & U32_MASK : compare;
      if ((timerOffset & 7) === 4) return compare >> 32n;
      return 0n;
    }
    if (offset === ACLINT_MTIME_OFFSET) return size === 4 ? this.mtime() & U32_MASK : this.mtime();
    if (offset === ACLINT_MTIME_OFFSET + 4) return this.mtime() >> 32n;
    return 0n;
  }

  /** Writes msip, mtimecmp or mtime, updating MSIP/MTIP. */
  write(offset: number, size: 1 | 2 | 4 | 8, value: bigint): void {
    if (offset >= 0 && offset < ACLINT_MSWI_SIZE) {
      const hart = offset >> 2;
      if (size !== 4 || (offset & 3) !== 0 || hart >= this.harts.length) return;
      this.msip[hart] = (value & 1n) === 1n;
      (this.harts[hart] as InterruptTarget).setPending(MIP_MSIP, this.msip[hart] as boolean);
      return;
    }
    if (size !== 4 && size !== 8) return;
    const word = value & U32_MASK;
    const timerOffset = offset - ACLINT_MTIMER_OFFSET;
    const hart = Math.floor(timerOffset / 8);
    if (timerOffset >= 0 && hart < this.harts.length) {
      const compare = this.timecmp[hart] as bigint;
      if ((timerOffset & 7) === 0) {
        this.writeTimecmp(hart, size === 4 ? (compare & U64_HIGH) | word : BigInt.asUintN(64, value));
      } else if ((timerOffset & 7) === 4 && size === 4) {
        this.writeTimecmp(hart, (word << 32n) | (compare & U32_MASK));
      }
      return;
    }
    if (offset !== ACLINT_MTIME_OFFSET && !(offset === ACLINT_MTIME_OFFSET + 4 && size === 4)) return;
    const raw = this.time.now();
    const current = this.mtime();
    let wanted: bigint;
    if (offset === ACLINT_MTIME_OFFSET) {
      wanted = size === 4 ? (current & U64_HIGH) | word : BigInt.asUintN(64, value);
    } else {
      wanted = (word << 32n) | (current & U32_MASK);
    }
    this.timeDelta = BigInt.asUintN(64, wanted - raw);
    this.reevaluateAll();
  }

  /** Serialises the complete device state. */
  save(): Uint8Array {
    const writer = new StateWriter(SNAPSHOT_TAG, SNAPSHOT_VERSION).u32(this.harts.length).u64(this.timeDelta);
    for (let hart = 0; hart < this.harts.length; hart++) {
      writer.u64(this.timecmp[hart] as bigint).bool(this.msip[hart] as boolean).bool(this.mtip[hart] as boolean);
    }
    return writer.finish();
  }

  /**
   * Replaces the device state with a snapshot from {@link save}. Does not
   * drive the harts: their `mip` is part of their own snapshot.
   * @throws Error when `state` is malformed or has another hart count.
   */
  restore(state: Uint8Array): void {
    const reader = new StateReader(state, SNAPSHOT_TAG, SNAPSHOT_VERSION);
    const count = reader.u32('hart count');
    reader.check(count === this.harts.length, 'hart count', `is ${count}, this ACLINT has ${this.harts.length}`);
    const timeDelta = reader.u64('timeDelta');
    const timecmp: bigint[] = [];
    const msip: boolean[] = [];
    const mtip: boolean[] = [];
    for (let hart = 0; hart < count; hart++) {
      timecmp.push(reader.u64(`timecmp[${hart}]`));
      msip.push(reader.bool(`msip[${hart}]`));
      mtip.push(reader.bool(`mtip[${hart}]`));
    }
    reader.done();
    this.timeDelta = timeDelta;
    this.timecmp.splice(0, count, ...timecmp);
    this.msip.splice(0, count, ...msip);
    this.mtip.splice(0, count, ...mtip);
  }

  private writeTimecmp(hart: number, value: bigint): void {
    this.timecmp[hart] = value;
    this.setMtip(hart, value <= this.mtime());
  }

  private reevaluateAll(): void {
    for (let hart = 0; hart < this.harts.length; hart++) this.writeTimecmp(hart, this.timecmp[hart] as bigint);
  }

  private setMtip(hart: number, level: boolean): void {
    this.mtip[hart] = level;
    (this.harts[hart] as InterruptTarget).setPending(MIP_MTIP, level);
  }
}
