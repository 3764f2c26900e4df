import { Hart } from '../cpu/hart.js';
import { EventKind } from '../trace/events.js';
import type { Vmm } from '../vmm/vmm.js';
import type { EventCursor } from './event-cursor.js';

/**
 * Feed mode (`deja replay --feed`): the machine's inputs come from the
 * trace instead of its device models. Device reads return the recorded
 * values (the device is not read), and the harts' device-driven interrupt
 * lines move only where the recording says: a line change recorded right
 * after an MMIO access at the same position is applied inside that access
 * (the access caused it); any other at the instruction boundary of its
 * icount, where the replay stops. Devices still receive the guest's writes,
 * so the console prints as it did. A recording then replays even after a
 * device model changed what it answers or when it interrupts.
 */
export class FeedInputs {
  constructor(private readonly vmm: Vmm, private readonly expected: () => EventCursor, private readonly lines: () => EventCursor) {
    const devices = vmm.machine.bus.deviceRegions().map((region) => region.device);
    vmm.machine.bus.readOverride = (device, offset, size) => {
      const next = this.expected().peek();
      if (next?.kind !== EventKind.MMIO_READ || devices[next.device] !== device || next.offset !== offset || next.size !== size) return undefined;
      return next.value;
    };
    for (const hart of vmm.machine.harts) hart.setPending = () => {};
  }

  /** Hart 0's icount of the next recorded line change, if any. */
  nextLineChange(): number | undefined {
    const next = this.lines().peek();
    return next === undefined || next.hart !== 0 ? undefined : next.icount;
  }

  /** Apply the line changes recorded at the current boundary; false if one changed nothing (a divergence). */
  applyAtBoundary(): boolean {
    const hart = this.vmm.machine.harts[0]!;
    return this.applyWhile((event) => event.hart === 0 && event.icount === hart.icount);
  }

  /** Apply the line changes recorded right after an access at (`hart`, `icount`); false if one changed nothing. */
  applyAfterAccess(hart: number, icount: number): boolean {
    return this.applyWhile((event) => event.hart === hart && event.icount === icount);
  }

  private applyWhile(matches: (event: { hart: number; icount: number }) => boolean): boolean {
    for (let next = this.expected().peek(); next?.kind === EventKind.IRQ && matches(next); next = this.expected().peek()) {
      const hart = this.vmm.machine.harts[next.hart];
      if (hart === undefined) return false;
      Hart.prototype.setPending.call(hart, 1 << next.line, next.level);
      if (this.expected().peek() === next) return false;
      this.lines().next();
    }
    return true;
  }
}
