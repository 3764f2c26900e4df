import { EventKind, type TraceEvent } from '../trace/events.js';
import { HostClock } from '../vmm/clock.js';
import type { RunOutcome, Vmm } from '../vmm/vmm.js';
import { machineDigest } from './digest.js';

/** A device window as the trace header lists it (MMIO events refer to it by index). */
export interface RecordedDevice {
  readonly name: string;
  readonly base: number;
  readonly size: number;
}

/**
 * Observes a VMM and turns what the machine does into trace events: every
 * trap and interrupt taken, every change of a hart's device-driven
 * interrupt lines, every MMIO read and write with its value, console input,
 * every host-clock reading in host-clock mode, and the end of the run with a digest of the final state. The recorder
 * knows nothing of the file format: events go to `sink` (design rule: the
 * machine emits events, it never writes a trace).
 */
export class Recorder {
  /** The devices, in the order MMIO events number them. */
  readonly devices: RecordedDevice[];

  constructor(private readonly vmm: Vmm, private readonly sink: (event: TraceEvent) => void) {
    const regions = vmm.machine.bus.deviceRegions();
    this.devices = regions.map((region) => ({ name: region.device.name, base: region.base, size: region.size }));
    const deviceIndex = new Map(regions.map((region, index) => [region.device, index]));
    vmm.onTrap((info) => sink({
      kind: EventKind.TRAP, hart: info.hart, icount: info.icount, interrupt: info.interrupt, cause: info.cause,
      tval: info.tval, epc: info.epc, fromPriv: info.fromPriv, toPriv: info.toPriv,
    }));
    vmm.machine.bus.observer = (access) => {
      const hart = vmm.runningHart() ?? vmm.machine.harts[0]!;
      sink({
        kind: access.write ? EventKind.MMIO_WRITE : EventKind.MMIO_READ, hart: hart.hartId, icount: hart.icount,
        device: deviceIndex.get(access.device) ?? -1, offset: access.offset, size: access.size, value: access.value,
      });
    };
    if (vmm.clock instanceof HostClock) {
      vmm.clock.observe((ticks) => {
        const hart = vmm.runningHart() ?? vmm.machine.harts[0]!;
        sink({ kind: EventKind.CLOCK, hart: hart.hartId, icount: hart.icount, ticks });
      });
    }
    for (const hart of vmm.machine.harts) {
      hart.onInterruptLine = (mask, level) => {
        for (let line = 0; line < 32; line++) {
          if (((mask >>> line) & 1) !== 0) sink({ kind: EventKind.IRQ, hart: hart.hartId, icount: hart.icount, line, level });
        }
      };
    }
  }

  /** Record console input given to the guest now (before the run: at icount 0). */
  consoleInput(bytes: Uint8Array): void {
    const hart = this.vmm.runningHart() ?? this.vmm.machine.harts[0]!;
    this.sink({ kind: EventKind.CONSOLE_INPUT, hart: hart.hartId, icount: hart.icount, bytes });
  }

  /** Record a digest of the whole machine state at the current position. */
  digest(): void {
    const harts = this.vmm.machine.harts;
    this.sink({ kind: EventKind.DIGEST, hart: 0, icount: harts[0]!.icount, sha256: machineDigest(harts, this.vmm.machine.ram) });
  }

  /** Record that snapshot number `sequence` is taken at the current position. */
  snapshot(sequence: number): void {
    this.sink({ kind: EventKind.SNAPSHOT, hart: 0, icount: this.vmm.machine.harts[0]!.icount, sequence });
  }

  /** Record the end of the run with the final icounts and state digest. */
  end(outcome: RunOutcome): void {
    const harts = this.vmm.machine.harts;
    this.sink({
      kind: EventKind.END, hart: 0, icount: harts[0]!.icount, reason: outcome.reason, exitCode: outcome.exitCode,
      icounts: harts.map((hart) => hart.icount), sha256: machineDigest(harts, this.vmm.machine.ram),
    });
  }
}
