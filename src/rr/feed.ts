import { Hart } from '../cpu/hart.js';
import { EventKind } from '../trace/events.js';
import type { Vmm } from '../vmm/vmm.js';
import type { EventCursor } from './event-cursor.js';

/**
 * Feed mode (`deja replay --feed`): the machine's inputs come from the
 * trace instead of its device models. Device reads return the recorded
 * values (the device is still read for its side effects, but its answer is
 * not used), and the harts' device-driven interrupt
 * lines move only where the recording says: a line change recorded just
 * before an MMIO access at the same position is applied inside that access
 * (the access caused it: the recorder logs the access after the device
 * acted); any other as soon as the replay reaches its position (the
 * instruction boundary of its icount, where the replay stops, or right after
 * the clock reading that preceded it). Devices still receive the guest's writes,
 * so the console prints as it did. A recording then replays even after a
 * device model changed what it answers or when it interrupts.
 */
export class FeedInputs {
  /** Set when the feed paused the machine only to plan the next stop (the replay goes on); the replay clears it. */
  replanned = false;

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

  /**
   * Apply the line changes at the head of the recording that are due now:
   * those at a hart's current position, unless an MMIO access at that same
   * position follows them (the access caused them: `beforeAccess` applies
   * them when it happens). False if one changed nothing (a divergence).
   */
  applyDue(): boolean {
    const first = this.expected().peek();
    if (first?.kind !== EventKind.IRQ || first.icount !== this.vmm.machine.harts[first.hart]?.icount) return true;
    let after = 1;
    for (let next = this.expected().peekAhead(after); next?.kind === EventKind.IRQ && next.hart === first.hart && next.icount === first.icount; next = this.expected().peekAhead(after)) after++;
    const following = this.expected().peekAhead(after);
    const causedByAccess = (following?.kind === EventKind.MMIO_READ || following?.kind === EventKind.MMIO_WRITE) && following.hart === first.hart && following.icount === first.icount;
    return causedByAccess || this.applyWhile(first.hart, first.icount);
  }

  /** Apply the line changes recorded at (`hart`, `icount`) just before the access there is compared; false if one changed nothing. */
  beforeAccess(hart: number, icount: number): boolean {
    return this.applyWhile(hart, icount);
  }

  private applyWhile(hartId: number, icount: number): boolean {
    for (let next = this.expected().peek(); next?.kind === EventKind.IRQ && next.hart === hartId && next.icount === icount; next = this.expected().peek()) {
      const hart = this.vmm.machine.harts[next.hart];
      if (hart === undefined) return false;
      Hart.prototype.setPending.call(hart, 1 << next.line, next.level);
      if (this.expected().peek() === next) return false;
      this.lines().next();
      // The slice was planned to end at this change: end it now, so the next
      // one is planned to end at the change after it.
      this.replanned = true;
      this.vmm.pause();
    }
    return true;
  }
}
