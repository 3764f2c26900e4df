/**
 * Synthetic traces for the analysis tests and benchmark: the event pattern of
 * a timer-driven guest on the virt board (U-mode code, ECALLs into S-mode,
 * machine timer interrupts handled in M-mode that reprogram mtimecmp, UART
 * output, console input, digests), written with the real TraceWriter.
 */
import { EventKind, type TraceEvent } from '../../../src/trace/events.js';
import type { TraceHeader } from '../../../src/trace/schema.js';
import { TraceWriter } from '../../../src/trace/writer.js';

/** Device indices of {@link syntheticHeader}'s device list. */
export const SYNTHETIC_DEVICES = { uart0: 0, aclint: 1, rtc: 2 } as const;

/** A header for a synthetic trace of `harts` harts (no images on disk). */
export function syntheticHeader(harts = 1): TraceHeader {
  return {
    toolVersion: 'synthetic',
    machine: { memoryMib: 128, harts, bios: 'none', kernel: 'synthetic.elf', initrd: '', append: '', backend: 'interp', clock: 'virtual' },
    images: [{ role: 'kernel', name: '/nonexistent/synthetic.elf', sha256: new Uint8Array(32) }],
    argv: ['deja', 'record'],
    startTime: '2026-01-01T00:00:00Z',
    digestInterval: 0,
    sliceInstructions: 0,
    snapshotInterval: 0,
    devices: [
      { name: 'uart0', base: 0x1000_0000n, size: 0x100n },
      { name: 'aclint', base: 0x200_0000n, size: 0x10000n },
      { name: 'rtc', base: 0x10_1000n, size: 0x1000n },
    ],
  };
}

const USER_PC = 0x8040_0000n;

/**
 * The events of one 1000-instruction period of hart `hart` starting at
 * `icount` (about 10 events): a timer interrupt taken from U into M with its
 * interrupt line raised 3 instructions earlier, the handler writing mtimecmp
 * and lowering the line, an ECALL from U into S, and two UART bytes out.
 */
export function syntheticPeriod(hart: number, icount: number, period: number): TraceEvent[] {
  const uartByte = BigInt(0x41 + (period % 26));
  return [
    { kind: EventKind.IRQ, hart, icount: icount + 100, line: 7, level: true },
    { kind: EventKind.TRAP, hart, icount: icount + 103, interrupt: true, cause: 7, tval: 0n, epc: USER_PC + BigInt((period % 64) * 4), fromPriv: 0, toPriv: 3 },
    { kind: EventKind.MMIO_READ, hart, icount: icount + 110, device: SYNTHETIC_DEVICES.aclint, offset: 0xbff8, size: 8, value: BigInt(icount) },
    { kind: EventKind.MMIO_WRITE, hart, icount: icount + 112, device: SYNTHETIC_DEVICES.aclint, offset: 0x4000 + hart * 8, size: 8, value: BigInt(icount + 1000) },
    { kind: EventKind.IRQ, hart, icount: icount + 112, line: 7, level: false },
    { kind: EventKind.TRAP, hart, icount: icount + 500, interrupt: false, cause: 8, tval: 0n, epc: USER_PC + 0x40n, fromPriv: 0, toPriv: 1 },
    { kind: EventKind.MMIO_READ, hart, icount: icount + 520, device: SYNTHETIC_DEVICES.uart0, offset: 5, size: 1, value: 0x60n },
    { kind: EventKind.MMIO_WRITE, hart, icount: icount + 522, device: SYNTHETIC_DEVICES.uart0, offset: 0, size: 1, value: uartByte },
    { kind: EventKind.MMIO_WRITE, hart, icount: icount + 530, device: SYNTHETIC_DEVICES.uart0, offset: 0, size: 1, value: 0x0an },
    { kind: EventKind.MMIO_READ, hart, icount: icount + 540, device: SYNTHETIC_DEVICES.rtc, offset: 0, size: 4, value: BigInt(period) },
  ];
}

/** Events per {@link syntheticPeriod}. */
export const EVENTS_PER_PERIOD = 10;

/** Instructions per {@link syntheticPeriod}. */
export const PERIOD_INSTRUCTIONS = 1000;

/**
 * Writes a synthetic trace of `periods` periods per hart to `path` (closed
 * cleanly with an END event) and returns the number of events written.
 * Harts interleave in quanta of one period, as the round-robin scheduler does.
 */
export function writeSyntheticTrace(path: string, periods: number, harts = 1): number {
  const writer = TraceWriter.create(path, syntheticHeader(harts), { force: true });
  writer.append({ kind: EventKind.CONSOLE_INPUT, hart: 0, icount: 0, bytes: new TextEncoder().encode('ls\n') });
  for (let period = 0; period < periods; period++) {
    for (let hart = 0; hart < harts; hart++) {
      for (const event of syntheticPeriod(hart, period * PERIOD_INSTRUCTIONS, period)) writer.append(event);
    }
    if (period % 1000 === 999) writer.append({ kind: EventKind.DIGEST, hart: 0, icount: (period + 1) * PERIOD_INSTRUCTIONS, sha256: new Uint8Array(32).fill(period & 0xff) });
  }
  const final = periods * PERIOD_INSTRUCTIONS;
  writer.close({ kind: EventKind.END, hart: 0, icount: final, reason: 'pass', exitCode: 0, icounts: Array.from({ length: harts }, () => final), sha256: new Uint8Array(32) });
  return writer.eventCount;
}
