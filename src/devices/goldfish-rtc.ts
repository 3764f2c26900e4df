import type { IrqLine, MmioDevice } from '../mem/device.js';
import { StateReader, StateWriter } from './state-codec.js';

const TIME_LOW = 0x00;
const TIME_HIGH = 0x04;
const ALARM_LOW = 0x08;
const ALARM_HIGH = 0x0c;
const IRQ_ENABLED = 0x10;
const CLEAR_ALARM = 0x14;
const ALARM_STATUS = 0x18;
const CLEAR_INTERRUPT = 0x1c;
const LOW_MASK = 0xffff_ffffn;
const HIGH_MASK = 0xffff_ffff_0000_0000n;
const SNAPSHOT_TAG = 'goldfish_rtc';
const SNAPSHOT_VERSION = 1;

/** Size of the RTC's window in the `virt` memory map (registers are bytes 0..0x23). */
export const GOLDFISH_RTC_WINDOW_SIZE = 0x1000;

/** What the RTC needs from the machine. */
export interface GoldfishRtcOptions {
  /** Interrupt line to the PLIC (source 11 on `virt`). */
  readonly irq: IrqLine;
  /** Wall-clock time in nanoseconds since the Unix epoch, from the VMM's deterministic clock. */
  readonly clock: () => bigint;
  /** Device name for traces (default `rtc`). */
  readonly name?: string;
}

/**
 * The Goldfish RTC (`hw/rtc/goldfish_rtc.c`, QEMU 7.2) at 0x101000 on `virt`.
 *
 * The count is the injected clock plus an offset that guest writes to
 * TIME_LOW/TIME_HIGH adjust. Reading TIME_LOW latches the high half, which
 * TIME_HIGH then returns, so a low-then-high read is atomic. Writing
 * ALARM_LOW arms the alarm (ALARM_HIGH only stores); an alarm in the past
 * fires at once, a future one becomes a deadline on the injected clock that
 * the VMM reads with {@link GoldfishRtc.nextDeadline} and fires with
 * {@link GoldfishRtc.sync}. The IRQ line is `pending && enabled`. Only
 * 4-byte accesses reach registers (QEMU faults on others).
 */
export class GoldfishRtc implements MmioDevice {
  /** Short stable name used in traces. */
  readonly name: string;
  /** Size of the MMIO window in bytes. */
  readonly size = GOLDFISH_RTC_WINDOW_SIZE;

  private readonly irq: IrqLine;
  private readonly clock: () => bigint;
  private tickOffset = 0n;
  private alarmNext = 0n;
  private alarmRunning = false;
  private alarmDeadline = 0n;
  private irqPending = false;
  private irqEnabled = false;
  private timeHigh = 0;

  /** Creates the RTC with no alarm and interrupts disabled. */
  constructor(options: GoldfishRtcOptions) {
    this.irq = options.irq;
    this.clock = options.clock;
    this.name = options.name ?? 'rtc';
  }

  /** Clock time (ns) at which the armed alarm fires, or null if none is armed. */
  nextDeadline(): bigint | null {
    return this.alarmRunning ? this.alarmDeadline : null;
  }

  /** Fires the alarm if the clock has reached it. */
  sync(): void {
    if (this.alarmRunning && this.clock() >= this.alarmDeadline) this.fire();
  }

  /** Reads a register. */
  read(offset: number, size: 1 | 2 | 4 | 8): bigint {
    if (size !== 4) return 0n;
    switch (offset) {
      case TIME_LOW: {
        const count = this.count();
        this.timeHigh = Number(count >> 32n);
        return count & LOW_MASK;
      }
      case TIME_HIGH:
        return BigInt(this.timeHigh);
      case ALARM_LOW:
        return this.alarmNext & LOW_MASK;
      case ALARM_HIGH:
        return this.alarmNext >> 32n;
      case IRQ_ENABLED:
        return this.irqEnabled ? 1n : 0n;
      case ALARM_STATUS:
        return this.alarmRunning ? 1n : 0n;
      default:
        return 0n;
    }
  }

  /** Writes a register. */
  write(offset: number, size: 1 | 2 | 4 | 8, value: bigint): void {
    if (size !== 4) return;
    const word = value & LOW_MASK;
    switch (offset) {
      case TIME_LOW:
      case TIME_HIGH: {
        const current = this.count();
        const wanted = offset === TIME_LOW ? (current & HIGH_MASK) | word : (word << 32n) | (current & LOW_MASK);
        this.tickOffset = BigInt.asUintN(64, this.tickOffset + wanted - current);
        break;
      }
      case ALARM_LOW:
        this.alarmNext = (this.alarmNext & HIGH_MASK) | word;
        this.setAlarm();
        break;
      case ALARM_HIGH:
        this.alarmNext = (word << 32n) | (this.alarmNext & LOW_MASK);
        break;
      case IRQ_ENABLED:
        this.irqEnabled = (word & 1n) === 1n;
        this.updateIrq();
        break;
      case CLEAR_ALARM:
        this.alarmRunning = false;
        break;
      case CLEAR_INTERRUPT:
        this.irqPending = false;
        this.updateIrq();
        break;
      default:
        break;
    }
  }

  /** Serialises the complete device state. */
  save(): Uint8Array {
    return new StateWriter(SNAPSHOT_TAG, SNAPSHOT_VERSION)
      .u64(this.tickOffset).u64(this.alarmNext).bool(this.alarmRunning).u64(this.alarmDeadline)
      .bool(this.irqPending).bool(this.irqEnabled).u32(this.timeHigh)
      .finish();
  }

  /**
   * Replaces the device state with a snapshot from {@link save}. Does not
   * drive the IRQ line: the interrupt controller restores its own state.
   * @throws Error naming the bad field when `state` is malformed.
   */
  restore(state: Uint8Array): void {
    const reader = new StateReader(state, SNAPSHOT_TAG, SNAPSHOT_VERSION);
    const tickOffset = reader.u64('tickOffset');
    const alarmNext = reader.u64('alarmNext');
    const alarmRunning = reader.bool('alarmRunning');
    const alarmDeadline = reader.u64('alarmDeadline');
    const irqPending = reader.bool('irqPending');
    const irqEnabled = reader.bool('irqEnabled');
    const timeHigh = reader.u32('timeHigh');
    reader.done();
    this.tickOffset = tickOffset;
    this.alarmNext = alarmNext;
    this.alarmRunning = alarmRunning;
    this.alarmDeadline = alarmDeadline;
    this.irqPending = irqPending;
    this.irqEnabled = irqEnabled;
    this.timeHigh = timeHigh;
  }

  private count(): bigint {
    return BigInt.asUintN(64, this.clock() + this.tickOffset);
  }

  private setAlarm(): void {
    if (this.alarmNext <= this.count()) {
      this.fire();
    } else {
      // QEMU arms its timer at the clock value event - offset, computed now;
      // later TIME writes do not move an armed alarm.
      this.alarmDeadline = BigInt.asUintN(64, this.alarmNext - this.tickOffset);
      this.alarmRunning = true;
    }
  }

  private fire(): void {
    this.alarmRunning = false;
    this.irqPending = true;
    this.updateIrq();
  }

  private updateIrq(): void {
    this.irq.set(this.irqPending && this.irqEnabled);
  }
}
