import type { MmioDevice } from './device.js';
import { Ram } from './ram.js';

/** One device window on the physical bus. */
export interface BusRegion {
  readonly base: number;
  readonly size: number;
  readonly device: MmioDevice;
}

/** An MMIO access as observers see it (after the device answered). */
export interface MmioAccess {
  readonly device: MmioDevice;
  readonly offset: number;
  readonly size: 1 | 2 | 4 | 8;
  readonly write: boolean;
  readonly value: bigint;
}

/**
 * The guest-physical address space: RAM plus device windows.
 *
 * Devices may overlay RAM (the HTIF's `tohost` lives inside RAM); pages that
 * hold an overlay are flagged in `ioPages` so fast paths never cache them.
 * Every device access goes through `mmioRead`/`mmioWrite`, the one place MMIO
 * exits are handled, which tells the registered observer.
 */
export class Bus {
  private readonly regions: BusRegion[] = [];
  /** Per-RAM-page flag: nonzero when a device window overlaps the page. */
  readonly ioPages: Uint8Array;
  /** Called after every device access (recorder, statistics). */
  observer: ((access: MmioAccess) => void) | undefined;
  /**
   * Called after every device write, before the observer: the VMM uses it to
   * end the current slice, since the write may have moved a device deadline
   * (reads only restart the UART's receive timeout, which the next slice
   * boundary honours; ending a slice on every status poll would cost more).
   */
  afterWrite: (() => void) | undefined;
  /**
   * When set and it returns a value, device reads return that value instead
   * of the device's answer (a replay feeding recorded I/O results). The
   * device is still read, for the side effects a read has (draining a FIFO,
   * clearing a status bit), so its state follows what the guest did.
   */
  readOverride: ((device: MmioDevice, offset: number, size: 1 | 2 | 4 | 8) => bigint | undefined) | undefined;

  constructor(readonly ram: Ram) {
    this.ioPages = new Uint8Array(ram.codePages.length);
  }

  /** Map `device` at `[base, base + size)`. Later mappings take precedence. */
  map(base: number, size: number, device: MmioDevice): void {
    this.regions.unshift({ base, size, device });
    const ram = this.ram;
    const start = Math.max(base, ram.base);
    const end = Math.min(base + size, ram.base + ram.size);
    for (let a = start; a < end; a += 4096) this.ioPages[(a - ram.base) >>> 12] = 1;
    if (start < end) this.ioPages[(end - 1 - ram.base) >>> 12] = 1;
  }

  /** Every device window, in the order they were mapped. */
  deviceRegions(): readonly BusRegion[] {
    return [...this.regions].reverse();
  }

  /** The device region containing `[paddr, paddr + size)`, if any. */
  findRegion(paddr: number, size: number): BusRegion | undefined {
    for (const region of this.regions) {
      if (paddr >= region.base && paddr + size <= region.base + region.size) return region;
    }
    return undefined;
  }

  /** Whether `paddr` (with `size` bytes) is plain RAM with no device overlay. */
  isPlainRam(paddr: number, size: number): boolean {
    return this.ram.contains(paddr, size) && this.ioPages[(paddr - this.ram.base) >>> 12] === 0;
  }

  /** Read a device register; the caller found `region` with `findRegion`. */
  mmioRead(region: BusRegion, paddr: number, size: 1 | 2 | 4 | 8): bigint {
    const offset = paddr - region.base;
    const answer = region.device.read(offset, size);
    const value = BigInt.asUintN(size * 8, this.readOverride?.(region.device, offset, size) ?? answer);
    this.observer?.({ device: region.device, offset, size, write: false, value });
    return value;
  }

  /**
   * Read instruction bytes from a device window (the boot ROM): no observer
   * and no `afterWrite`, since fetching code is not device I/O.
   */
  fetchRead(region: BusRegion, paddr: number, size: 2 | 4): bigint {
    return BigInt.asUintN(size * 8, region.device.read(paddr - region.base, size));
  }

  /** Write a device register; the caller found `region` with `findRegion`. */
  mmioWrite(region: BusRegion, paddr: number, size: 1 | 2 | 4 | 8, value: bigint): void {
    const offset = paddr - region.base;
    const masked = BigInt.asUintN(size * 8, value);
    region.device.write(offset, size, masked);
    this.afterWrite?.();
    this.observer?.({ device: region.device, offset, size, write: true, value: masked });
  }
}
