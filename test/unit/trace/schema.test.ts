import { describe, expect, it } from 'vitest';
import { TraceError } from '../../../src/trace/errors.js';
import { decodeFooter, decodeHeader, encodeFooter, encodeHeader, type TraceFooter, type TraceHeader } from '../../../src/trace/schema.js';

const EMPTY: TraceHeader = {
  toolVersion: '', machine: { memoryMib: 0, harts: 0, bios: '', kernel: '', initrd: '', append: '', backend: '', clock: 'virtual' },
  images: [], argv: [], startTime: '', digestInterval: 0, devices: [], sliceInstructions: 0, snapshotInterval: 0,
};

const FULL: TraceHeader = {
  toolVersion: '0.1.0-dev',
  machine: { memoryMib: 4096, harts: 8, bios: 'fw.bin', kernel: 'Image', initrd: 'initrd.cpio', append: 'console=ttyS0 quiet', backend: 'dbt', clock: 'host' },
  images: [{ role: 'drive', name: 'disk.img', sha256: Uint8Array.from({ length: 32 }, (_, i) => 255 - i) }],
  argv: ['deja', 'record', '--', 'ünïcode'],
  startTime: '2025-06-30T12:00:00.000Z',
  digestInterval: 2 ** 50,
  devices: [{ name: 'ram-hole', base: (1n << 64n) - 4096n, size: 4096n }],
  sliceInstructions: 1_000_000,
  snapshotInterval: 2 ** 40,
};

describe('trace schema', () => {
  it.each([['empty', EMPTY], ['full', FULL]])('round-trips a %s header with its format version', (_, header) => {
    expect(decodeHeader(encodeHeader(header, 7), 16)).toEqual({ header, formatVersion: 7 });
  });

  it.each<[string, TraceFooter]>([
    ['empty', { chunks: [], snapshots: [], eventCount: 0 }],
    ['two chunks', { chunks: [{ offset: 100, firstIcount: 0, eventCount: 5, codec: 1, length: 30 }, { offset: 154, firstIcount: 2 ** 45, eventCount: 1, codec: 1, length: 9 }], snapshots: [], eventCount: 6 }],
    ['a snapshot between chunks', { chunks: [{ offset: 100, firstIcount: 0, eventCount: 5, codec: 1, length: 30 }], snapshots: [{ offset: 154, icount: 2 ** 40, sequence: 3, length: 5000, chunksBefore: 1 }], eventCount: 5 }],
  ])('round-trips a footer: %s', (_, footer) => {
    expect(decodeFooter(encodeFooter(footer), 0)).toEqual(footer);
  });

  it('turns malformed protobuf bytes into a TraceError at the given offset', () => {
    expect(() => decodeHeader(Uint8Array.of(0x0a, 0x05, 0x01), 16)).toThrow(TraceError);
    expect(() => decodeFooter(Uint8Array.of(0xff, 0xff), 40)).toThrow(/at byte offset 40/);
  });
});
