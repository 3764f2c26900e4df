import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/isa/asm.js';
import { machineDigest } from '../../../src/rr/digest.js';
import { captureSnapshot, decodeSnapshot, encodeSnapshot, PAGE_BYTES, restoreMachineState, type MachineSnapshot } from '../../../src/rr/machine-snapshot.js';
import { RamRestorer } from '../../../src/rr/ram-restorer.js';
import { VirtualClock } from '../../../src/vmm/clock.js';
import { Vmm } from '../../../src/vmm/vmm.js';

/** UART scratch register, ACLINT mtime and hart 0's mtimecmp. */
const UART_SCR = 7;
const MTIMECMP = 0x4000;

/**
 * Puts 0x5a in the UART scratch register, arms the timer 100000 ticks ahead,
 * waits for it in WFI with only MTIE set (the VMM skips virtual time to the
 * deadline), then counts forever, storing the count into two data pages.
 */
const GUEST = `
  li t0, 0x10000007
  li t1, 0x5a
  sb t1, 0(t0)
  li t0, 0x200bff8
  ld t1, 0(t0)
  li t2, 100000
  add t1, t1, t2
  li t0, 0x2004000
  sd t1, 0(t0)
  li t0, 0x80
  csrw mie, t0
  wfi
  la t0, data
  li t2, 4096
  add t4, t0, t2
  li t3, 0
loop:
  addi t3, t3, 1
  sd t3, 8(t0)
  sd t3, 16(t4)
  j loop
.align 12
data: .dword 0
`;
const KERNEL = { name: 'snapshot-guest.bin', bytes: assemble(GUEST, { origin: 0x8000_0000n }).bytes };
const MEMORY_MIB = 16;
const RAM_PAGES = (MEMORY_MIB << 20) / PAGE_BYTES;

function newVmm(harts = 1): Vmm {
  return new Vmm({ kernel: KERNEL, memoryMiB: MEMORY_MIB, harts, console: () => {} });
}

/** A machine run to `icount` with dirty tracking from the start, and its snapshot there. */
function snapshotAt(icount: number): { vmm: Vmm; snapshot: MachineSnapshot } {
  const vmm = newVmm();
  vmm.machine.ram.trackDirtyPages();
  expect(vmm.run(icount).reason).toBe('max-insns');
  return { vmm, snapshot: captureSnapshot(vmm, icount, vmm.machine.ram.takeDirtyPages(), true) };
}

/** A fresh machine put in the state of `snapshot` (the first snapshot of its run), as a replay does. */
function restored(snapshot: MachineSnapshot): Vmm {
  const vmm = newVmm();
  const ram = new RamRestorer(vmm.machine.ram);
  ram.add(0, snapshot);
  ram.restore(0);
  restoreMachineState(vmm, snapshot);
  return vmm;
}

function digest(vmm: Vmm): string {
  return Buffer.from(machineDigest(vmm.machine.harts, vmm.machine.ram)).toString('hex');
}

function deviceStates(vmm: Vmm): Map<string, Uint8Array | undefined> {
  return new Map(vmm.machine.bus.deviceRegions().map((region) => [region.device.name, region.device.save?.()]));
}

/** `snapshot` without harts, devices or pages, its empty page list (then empty page data: two zero lengths) replaced by 6 bytes. */
function oddPageList(snapshot: MachineSnapshot): Uint8Array {
  const empty = encodeSnapshot({ ...snapshot, harts: [], devices: new Map(), pages: new Uint32Array(0), pageData: new Uint8Array(0) });
  const tail = new Uint8Array(4 + 6 + 4);
  new DataView(tail.buffer).setUint32(0, 6, true);
  return Uint8Array.from([...empty.subarray(0, empty.length - 8), ...tail]);
}

/** A snapshot with its page list replaced (data sized to match), encoded. */
function withPages(snapshot: MachineSnapshot, pages: number[]): Uint8Array {
  return encodeSnapshot({ ...snapshot, pages: Uint32Array.from(pages), pageData: new Uint8Array(pages.length * PAGE_BYTES) });
}

describe('machine snapshots', () => {
  const { vmm: original, snapshot } = snapshotAt(500);

  it('capture the state the guest set up: UART scratch, mtimecmp, skipped ticks, the pages written', () => {
    expect(original.machine.uart.read(UART_SCR, 1)).toBe(0x5an);
    expect(original.machine.aclint.read(MTIMECMP, 8)).toBeGreaterThan(100_000n);
    expect(snapshot.skippedTicks).toBeGreaterThan(90_000n);
    expect(snapshot.skippedTicks).toBe((original.clock as VirtualClock).skippedTicks);
    expect(snapshot.icount).toBe(500);
    expect(snapshot.harts).toHaveLength(1);
    expect([...snapshot.devices.keys()].sort()).toEqual([...deviceStates(original)].filter(([, state]) => state !== undefined).map(([name]) => name).sort());
    const dataPage = snapshot.pages[0]!;
    expect([...snapshot.pages]).toEqual([dataPage, dataPage + 1]);
    expect(snapshot.pageData).toEqual(original.machine.ram.bytes.slice(dataPage * PAGE_BYTES, (dataPage + 2) * PAGE_BYTES));
  });

  it('decode(encode(snapshot)) is the snapshot', () => {
    expect(decodeSnapshot(encodeSnapshot(snapshot), RAM_PAGES)).toEqual(snapshot);
  });

  it('a fresh machine restored from the decoded snapshot is the original machine: harts, devices, clock, RAM', () => {
    const copy = restored(decodeSnapshot(encodeSnapshot(snapshot), RAM_PAGES));
    expect(copy.machine.harts[0]!.icount).toBe(500);
    expect(digest(copy)).toBe(digest(original));
    expect(deviceStates(copy)).toEqual(deviceStates(original));
    expect(copy.machine.uart.read(UART_SCR, 1)).toBe(0x5an);
    expect(copy.machine.aclint.read(MTIMECMP, 8)).toBe(original.machine.aclint.read(MTIMECMP, 8));
    expect((copy.clock as VirtualClock).skippedTicks).toBe(snapshot.skippedTicks);
    expect(copy.machine.aclint.mtime()).toBe(original.machine.aclint.mtime());
    expect(copy.schedulerState).toEqual(original.schedulerState);
  });

  it('the restored machine runs on exactly as the original does', () => {
    const copy = restored(snapshot);
    const { vmm: reference } = snapshotAt(500);
    expect(copy.run(20_000).reason).toBe('max-insns');
    expect(reference.run(20_000).reason).toBe('max-insns');
    expect(digest(copy)).toBe(digest(reference));
    expect(captureSnapshot(copy, 20_000, [], false)).toEqual(captureSnapshot(reference, 20_000, [], false));
  });

  it('a machine with another hart count is refused', () => {
    expect(() => restoreMachineState(newVmm(2), snapshot)).toThrow('snapshot has 1 harts, the machine 2');
  });

  it('a snapshot missing a device state is refused, naming the device', () => {
    const devices = new Map(snapshot.devices);
    devices.delete('uart0');
    expect(() => restoreMachineState(newVmm(), { ...snapshot, devices })).toThrow('snapshot has no state for device uart0');
  });
});

describe('decodeSnapshot refuses malformed bytes with an Error', () => {
  const { snapshot } = snapshotAt(300);
  const encoded = encodeSnapshot(snapshot);

  it.each([
    ['empty', new Uint8Array(0), /tag length/],
    ['cut inside the icount', encoded.slice(0, 12), /truncated .* field icount/],
    ['cut inside the harts', encoded.slice(0, 40), /truncated .* field hart/],
    ['cut inside the page data', encoded.slice(0, encoded.length - 100), /truncated .* field pages/],
    ['one byte short', encoded.slice(0, encoded.length - 1), /truncated/],
    ['a trailing byte', Uint8Array.from([...encoded, 0]), /trailing/],
    ['a page past the end of RAM', withPages(snapshot, [3, RAM_PAGES]), /entry 1 \(page 4096\) is outside RAM or out of order/],
    ['pages out of order', withPages(snapshot, [9, 4]), /entry 1 \(page 4\) is outside RAM or out of order/],
    ['a page listed twice', withPages(snapshot, [4, 4]), /entry 1 \(page 4\) is outside RAM or out of order/],
    ['page data for fewer pages than listed', encodeSnapshot({ ...snapshot, pageData: snapshot.pageData.slice(PAGE_BYTES) }), /field pages .* hold 4096 bytes for 2 pages/],
    ['a page list that is not whole 32-bit numbers', oddPageList(snapshot), /field page list .* is not a list of 32-bit page numbers/],
  ])('%s', (_, bytes, message) => {
    let error: unknown;
    try {
      decodeSnapshot(bytes, RAM_PAGES);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).constructor).toBe(Error);
    expect((error as Error).message).toMatch(/^machine snapshot /);
    expect((error as Error).message).toMatch(message);
  });

  it('a snapshot in the layout before the scheduler state (format version 1) is refused by its version', () => {
    const versionAt = 1 + 'machine'.length;
    const schedulerAt = versionAt + 1 + 8 + 8;
    const previous = Uint8Array.from([...encoded.subarray(0, schedulerAt), ...encoded.subarray(schedulerAt + 4 + 8 + 1)]);
    previous[versionAt] = 1;
    expect(() => decodeSnapshot(previous, RAM_PAGES)).toThrow('machine snapshot has format version 1, expected 3');
  });

  it('every cut of the bytes before the page data throws a plain Error', () => {
    const pageDataStart = encoded.length - snapshot.pageData.length;
    for (let length = 0; length < pageDataStart; length++) {
      expect(() => decodeSnapshot(encoded.slice(0, length), RAM_PAGES), `length ${length}`).toThrow(/^machine snapshot /);
    }
  });
});
