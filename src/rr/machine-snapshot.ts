import { StateReader, StateWriter } from '../devices/state-codec.js';
import { VirtualClock } from '../vmm/clock.js';
import type { SchedulerState, Vmm } from '../vmm/vmm.js';
import { restoreHart, saveHart } from './hart-state.js';

const TAG = 'machine';
/** 2: the scheduler state follows the skipped ticks. */
const VERSION = 3;
/** Bytes per RAM page in a snapshot. */
export const PAGE_BYTES = 4096;

/**
 * A machine snapshot as stored in a trace: every hart, every device with
 * state, the clock, and the RAM pages written since the previous snapshot
 * (the first snapshot holds the pages written since the machine was built
 * from its images, which a replay rebuilds the same way).
 */
export interface MachineSnapshot {
  /** The stop of the run schedule where the snapshot was taken (hart 0's icount unless hart 0 was waiting). */
  readonly icount: number;
  readonly harts: readonly Uint8Array[];
  /** Device states by device name. */
  readonly devices: ReadonlyMap<string, Uint8Array>;
  /** Ticks the virtual clock skipped (0 in host-clock mode, whose readings come from the trace). */
  readonly skippedTicks: bigint;
  /** Where the round-robin of harts stood (a slice may be suspended at a snapshot). */
  readonly scheduler: SchedulerState;
  /**
   * A key snapshot carries every page written since the machine was built,
   * not only those written since the previous snapshot: a restore starts
   * from the last key and needs no earlier snapshot.
   */
  readonly key: boolean;
  /** Indices (from the start of RAM) of the pages this snapshot carries, ascending. */
  readonly pages: Uint32Array;
  /** The contents of those pages, `PAGE_BYTES` each, in the same order. */
  readonly pageData: Uint8Array;
}

/**
 * The state of `vmm` now, at schedule stop `position`, with the RAM pages
 * `pages`: those written since the previous snapshot (see
 * `Ram.takeDirtyPages`), or for a `key` snapshot all written since the start.
 */
export function captureSnapshot(vmm: Vmm, position: number, pages: readonly number[], key: boolean): MachineSnapshot {
  const machine = vmm.machine;
  const devices = new Map<string, Uint8Array>();
  for (const region of machine.bus.deviceRegions()) {
    const state = region.device.save?.();
    if (state !== undefined) devices.set(region.device.name, state);
  }
  const pageData = new Uint8Array(pages.length * PAGE_BYTES);
  pages.forEach((page, i) => pageData.set(machine.ram.bytes.subarray(page * PAGE_BYTES, (page + 1) * PAGE_BYTES), i * PAGE_BYTES));
  return {
    icount: position,
    harts: machine.harts.map(saveHart),
    devices,
    skippedTicks: vmm.clock instanceof VirtualClock ? vmm.clock.skippedTicks : 0n,
    scheduler: vmm.schedulerState,
    key,
    pages: Uint32Array.from(pages),
    pageData,
  };
}

/** `snapshot` as the bytes a trace's snapshot frame stores (before compression). */
export function encodeSnapshot(snapshot: MachineSnapshot): Uint8Array {
  const { turn, sliceEnd, roundAllWaiting } = snapshot.scheduler;
  const writer = new StateWriter(TAG, VERSION).u64(BigInt(snapshot.icount)).u64(snapshot.skippedTicks)
    .u32(turn).u64(BigInt(sliceEnd + 1)).bool(roundAllWaiting).bool(snapshot.key);
  writer.u32(snapshot.harts.length);
  for (const hart of snapshot.harts) writer.bytes(hart);
  writer.u32(snapshot.devices.size);
  for (const [name, state] of snapshot.devices) writer.bytes(new TextEncoder().encode(name)).bytes(state);
  writer.bytes(new Uint8Array(snapshot.pages.buffer, snapshot.pages.byteOffset, snapshot.pages.byteLength));
  writer.bytes(snapshot.pageData);
  return writer.finish();
}

/**
 * Decodes the bytes of a snapshot frame.
 * @throws Error naming the field when they are malformed.
 */
export function decodeSnapshot(bytes: Uint8Array, ramPages: number): MachineSnapshot {
  const reader = new StateReader(bytes, TAG, VERSION);
  const icount = Number(reader.u64('icount'));
  const skippedTicks = reader.u64('skipped ticks');
  const scheduler = { turn: reader.u32('scheduler turn'), sliceEnd: Number(reader.u64('slice end')) - 1, roundAllWaiting: reader.bool('round all waiting') };
  const key = reader.bool('key');
  const hartCount = reader.u32('hart count');
  reader.check(hartCount <= 512, 'hart count', `${hartCount} is more than 512`);
  const harts = Array.from({ length: hartCount }, () => reader.bytes('hart', 1 << 16));
  const deviceCount = reader.u32('device count');
  reader.check(deviceCount <= 1024, 'device count', `${deviceCount} is more than 1024`);
  const devices = new Map<string, Uint8Array>();
  for (let i = 0; i < deviceCount; i++) {
    const name = new TextDecoder().decode(reader.bytes('device name', 256));
    devices.set(name, reader.bytes('device state', 1 << 24));
  }
  const pageBytes = reader.bytes('page list', ramPages * 4);
  reader.check(pageBytes.length % 4 === 0, 'page list', 'is not a list of 32-bit page numbers');
  const pages = new Uint32Array(pageBytes.slice().buffer);
  for (let i = 0; i < pages.length; i++) {
    reader.check(pages[i]! < ramPages && (i === 0 || pages[i]! > pages[i - 1]!), 'page list', `entry ${i} (page ${pages[i]}) is outside RAM or out of order`);
  }
  const pageData = reader.bytes('pages', ramPages * PAGE_BYTES);
  reader.check(pageData.length === pages.length * PAGE_BYTES, 'pages', `hold ${pageData.length} bytes for ${pages.length} pages`);
  reader.done();
  return { icount, harts, devices, skippedTicks, scheduler, key, pages, pageData };
}

/**
 * Put the harts, devices and clock of `vmm` in the state `snapshot` holds
 * (RAM is the caller's: it needs the pages of every snapshot before this one).
 * @throws Error when the snapshot does not fit this machine.
 */
export function restoreMachineState(vmm: Vmm, snapshot: MachineSnapshot): void {
  const machine = vmm.machine;
  if (snapshot.harts.length !== machine.harts.length) throw new Error(`snapshot has ${snapshot.harts.length} harts, the machine ${machine.harts.length}`);
  snapshot.harts.forEach((state, i) => restoreHart(machine.harts[i]!, state));
  for (const region of machine.bus.deviceRegions()) {
    const device = region.device;
    if (device.restore === undefined) continue;
    const state = snapshot.devices.get(device.name);
    if (state === undefined) throw new Error(`snapshot has no state for device ${device.name}`);
    device.restore(state);
  }
  if (vmm.clock instanceof VirtualClock) vmm.clock.skippedTicks = snapshot.skippedTicks;
  vmm.schedulerState = snapshot.scheduler;
  vmm.clearFinish();
}
