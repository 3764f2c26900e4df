import { describe, expect, it } from 'vitest';
import { Bus, type MmioAccess } from '../../../src/mem/bus.js';
import type { MmioDevice } from '../../../src/mem/device.js';
import { Ram } from '../../../src/mem/ram.js';

/** A device that answers reads with a fixed pattern and records writes. */
function device(name: string, pattern: bigint): MmioDevice & { writes: Array<[number, number, bigint]> } {
  const writes: Array<[number, number, bigint]> = [];
  return { name, writes, read: () => pattern, write: (offset, size, value) => writes.push([offset, size, value]) };
}

describe('Bus', () => {
  it('finds the region holding the whole access; later mappings take precedence', () => {
    const bus = new Bus(new Ram(0x80000000, 0x10000));
    const low = device('low', 0n);
    const high = device('high', 0n);
    bus.map(0x1000, 0x100, low);
    bus.map(0x1080, 0x10, high);
    expect(bus.findRegion(0x1000, 4)?.device).toBe(low);
    expect(bus.findRegion(0x1084, 4)?.device).toBe(high);
    expect(bus.findRegion(0x108e, 4)?.device).toBe(low);
    expect(bus.findRegion(0x10fe, 4)).toBeUndefined();
    expect(bus.findRegion(0x2000, 1)).toBeUndefined();
  });

  it('RAM pages under a device window are not plain RAM', () => {
    const bus = new Bus(new Ram(0x80000000, 0x10000));
    bus.map(0x80001ff8, 0x10, device('tohost', 0n));
    expect(bus.isPlainRam(0x80000000, 8)).toBe(true);
    expect(bus.isPlainRam(0x80001000, 8)).toBe(false);
    expect(bus.isPlainRam(0x80002000, 8)).toBe(false);
    expect(bus.isPlainRam(0x80003000, 8)).toBe(true);
    expect(bus.isPlainRam(0x80010000, 1)).toBe(false);
  });

  it('masks values to the access size and tells the observer', () => {
    const bus = new Bus(new Ram(0x80000000, 0x1000));
    const dev = device('dev', 0x1122334455667788n);
    bus.map(0x1000, 0x100, dev);
    const seen: MmioAccess[] = [];
    bus.observer = (access) => seen.push(access);
    const region = bus.findRegion(0x1010, 2)!;
    expect(bus.mmioRead(region, 0x1010, 2)).toBe(0x7788n);
    bus.mmioWrite(region, 0x1011, 1, 0x1ffn);
    expect(dev.writes).toEqual([[0x11, 1, 0xffn]]);
    expect(seen).toEqual([
      { device: dev, offset: 0x10, size: 2, write: false, value: 0x7788n },
      { device: dev, offset: 0x11, size: 1, write: true, value: 0xffn },
    ]);
  });
});
