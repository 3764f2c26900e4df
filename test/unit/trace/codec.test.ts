import { describe, expect, it } from 'vitest';
import { decodeEvents, encodeEvents, EventEncoder, MAX_HART, MAX_ICOUNT } from '../../../src/trace/codec.js';
import { EventKind, type TraceEvent } from '../../../src/trace/events.js';
import { TraceError } from '../../../src/trace/errors.js';

const MAX_U64 = (1n << 64n) - 1n;
const sha = (fill: number): Uint8Array => new Uint8Array(32).fill(fill);

/** One or more events of every kind, with edge values of each field. */
const EDGE_EVENTS: [string, TraceEvent][] = [
  ['trap, zero fields', { kind: EventKind.TRAP, hart: 0, icount: 0, interrupt: false, cause: 0, tval: 0n, epc: 0n, fromPriv: 0, toPriv: 0 }],
  ['trap, interrupt, max u64', { kind: EventKind.TRAP, hart: 3, icount: 1234567, interrupt: true, cause: 11, tval: MAX_U64, epc: 0x8000_0000n, fromPriv: 3, toPriv: 1 }],
  ['trap, 2^63', { kind: EventKind.TRAP, hart: 14, icount: 2 ** 40, interrupt: false, cause: 2 ** 31, tval: 1n << 63n, epc: (1n << 32n) - 1n, fromPriv: 1, toPriv: 3 }],
  ['irq high, escaped hart', { kind: EventKind.IRQ, hart: 15, icount: 7, line: 11, level: true }],
  ['irq low, max hart', { kind: EventKind.IRQ, hart: MAX_HART, icount: MAX_ICOUNT, line: 63, level: false }],
  ['mmio read 1', { kind: EventKind.MMIO_READ, hart: 0, icount: 10, device: 0, offset: 0, size: 1, value: 0xffn }],
  ['mmio read 8', { kind: EventKind.MMIO_READ, hart: 1, icount: 5, device: 200, offset: 0xfff8, size: 8, value: MAX_U64 }],
  ['mmio write 2', { kind: EventKind.MMIO_WRITE, hart: 0, icount: 11, device: 3, offset: 2 ** 40, size: 2, value: 0x1234n }],
  ['mmio write 4', { kind: EventKind.MMIO_WRITE, hart: 0, icount: 11, device: 3, offset: 4, size: 4, value: 0x8000_0000n }],
  ['dma empty', { kind: EventKind.DMA, hart: 0, icount: 12, address: 0n, bytes: new Uint8Array() }],
  ['dma 1000 bytes', { kind: EventKind.DMA, hart: 0, icount: 12, address: 0x8765_4321_0000n, bytes: Uint8Array.from({ length: 1000 }, (_, i) => i) }],
  ['console input', { kind: EventKind.CONSOLE_INPUT, hart: 0, icount: 99, bytes: Uint8Array.of(0x68, 0x69, 0x0d, 0x00, 0xff) }],
  ['clock', { kind: EventKind.CLOCK, hart: 2, icount: 3, ticks: 10_000_000n }],
  ['clock max', { kind: EventKind.CLOCK, hart: 2, icount: 1, ticks: MAX_U64 }],
  ['digest', { kind: EventKind.DIGEST, hart: 0, icount: 1_000_000, sha256: sha(0xab) }],
  ['snapshot', { kind: EventKind.SNAPSHOT, hart: 0, icount: 2_000_000, sequence: 7 }],
  ['end', { kind: EventKind.END, hart: 0, icount: 1_000_001, reason: 'pass ✓', exitCode: -1, icounts: [1_000_001, 0, MAX_ICOUNT], sha256: sha(7) }],
  ['end, no harts', { kind: EventKind.END, hart: 1, icount: 0, reason: '', exitCode: 2 ** 31 - 1, icounts: [], sha256: new Uint8Array() }],
];

describe('event codec', () => {
  it.each(EDGE_EVENTS)('round-trips %s alone', (_, event) => {
    expect(decodeEvents(encodeEvents([event]), 1)).toEqual([event]);
  });

  it('round-trips every edge event in one chunk, icounts going back and forth per hart', () => {
    const events = EDGE_EVENTS.map(([, event]) => event);
    expect(decodeEvents(encodeEvents(events), events.length)).toEqual(events);
  });

  it('spends few bytes on a small event with a small icount step', () => {
    const events: TraceEvent[] = Array.from({ length: 100 }, (_, i) => ({ kind: EventKind.IRQ, hart: i % 2, icount: 1000 + i * 10, line: 7, level: i % 3 === 0 }));
    expect(encodeEvents(events).length).toBeLessThanOrEqual(2 + 3 * 100);
  });

  it.each<[string, TraceEvent]>([
    ['negative hart', { kind: EventKind.IRQ, hart: -1, icount: 0, line: 7, level: true }],
    ['hart past the limit', { kind: EventKind.IRQ, hart: MAX_HART + 1, icount: 0, line: 7, level: true }],
    ['fractional icount', { kind: EventKind.IRQ, hart: 0, icount: 1.5, line: 7, level: true }],
    ['icount past the limit', { kind: EventKind.IRQ, hart: 0, icount: MAX_ICOUNT + 1, line: 7, level: true }],
    ['negative line', { kind: EventKind.IRQ, hart: 0, icount: 0, line: -3, level: true }],
    ['bad mmio size', { kind: EventKind.MMIO_READ, hart: 0, icount: 0, device: 0, offset: 0, size: 3 as 4, value: 0n }],
  ])('refuses %s with a TraceError and leaves the chunk intact', (_, bad) => {
    const encoder = new EventEncoder();
    const good: TraceEvent = { kind: EventKind.CLOCK, hart: 0, icount: 5, ticks: 9n };
    encoder.encode(good);
    const before = encoder.payload().slice();
    expect(() => encoder.encode(bad)).toThrow(TraceError);
    expect(encoder.payload()).toEqual(before);
    expect(encoder.eventCount).toBe(1);
    encoder.encode({ ...good, icount: 6 });
    expect(decodeEvents(encoder.payload(), 2)).toEqual([good, { ...good, icount: 6 }]);
  });

  it.each<[string, number[], number, RegExp]>([
    ['empty payload', [], 1, /ends after 0 of 1 events/],
    ['unknown kind', [0x0f, 0x00], 1, /unknown event kind 15/],
    ['truncated varint', [0x07, 0x80], 1, /runs past the end/],
    ['too long varint', [0x07, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], 1, /too long/],
    ['bytes past the end', [0x06, 0x00, 0x05, 0x01], 1, /runs past the end/],
    ['trailing bytes', [0x07, 0x00, 0x00, 0x00], 1, /left after/],
    ['bigint over 64 bits', [0x07, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02], 1, /64 bits/],
    ['negative icount', [0x07, 0x01, 0x00], 1, /icount -1/],
  ])('refuses %s with a TraceError naming the file offset', (_, bytes, count, message) => {
    const decode = (): unknown => decodeEvents(Uint8Array.from(bytes), count, 1000);
    expect(decode).toThrow(TraceError);
    expect(decode).toThrow(message);
    expect(decode).toThrow(/at byte offset 10\d\d?\)/);
  });

  it('throws only TraceErrors on random and mutated payloads', () => {
    let seed = 12345;
    const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const valid = encodeEvents(EDGE_EVENTS.map(([, event]) => event));
    for (let round = 0; round < 3000; round++) {
      const bytes = round % 2 === 0
        ? Uint8Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256))
        : valid.slice(0, Math.floor(random() * valid.length));
      if (round % 4 === 1) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      try {
        decodeEvents(bytes, 1 + Math.floor(random() * 20));
      } catch (error) {
        expect(error).toBeInstanceOf(TraceError);
      }
    }
  });
});
