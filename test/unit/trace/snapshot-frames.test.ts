import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventKind, type EndEvent, type TraceEvent } from '../../../src/trace/events.js';
import { TraceError } from '../../../src/trace/errors.js';
import { DEFLATE_CODEC, FRAME_HEADER_BYTES, FrameType, writeFrameHeader } from '../../../src/trace/format.js';
import { TraceReader } from '../../../src/trace/reader.js';
import type { SnapshotMeta, TraceHeader } from '../../../src/trace/schema.js';
import { TraceWriter } from '../../../src/trace/writer.js';

const dir = mkdtempSync(join(tmpdir(), 'dejavm-snapshot-frames-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNumber = 0;
const freshPath = (): string => join(dir, `s${fileNumber++}.deja`);

const HEADER: TraceHeader = {
  toolVersion: '0.1.0',
  machine: { memoryMib: 16, harts: 1, bios: 'none', kernel: 'guest.elf', initrd: '', append: '', backend: 'interp', clock: 'virtual' },
  images: [{ role: 'kernel', name: 'guest.elf', sha256: new Uint8Array(32).fill(3) }],
  argv: ['record'],
  startTime: '2026-01-01T00:00:00Z',
  digestInterval: 0,
  devices: [{ name: 'uart0', base: 0x1000_0000n, size: 0x100n }],
  sliceInstructions: 1000,
  snapshotInterval: 1000,
};

const END: EndEvent = { kind: EventKind.END, hart: 0, icount: 5000, reason: 'pass', exitCode: 0, icounts: [5000], sha256: new Uint8Array(32).fill(7) };

/** Events `from`..`to - 1`, ten instructions apart. */
function events(from: number, to: number): TraceEvent[] {
  return Array.from({ length: to - from }, (_, i): TraceEvent => ({
    kind: EventKind.MMIO_READ, hart: 0, icount: (from + i) * 10, device: 0, offset: 5, size: 1, value: BigInt((from + i) & 0xff),
  }));
}

/** A state of `length` bytes that compresses somewhat but not to nothing. */
function state(seed: number, length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i % 7 === 0 ? (i * seed) & 0xff : seed));
}

const STATES = [state(11, 3000), state(23, 5000), state(37, 100)];

/**
 * 25 events (chunks of 10), snapshot 0, 12 events, snapshots 1 and 2 back
 * to back, 4 events, then the end: chunks 0-1 full, 2 flushed by snapshot 0,
 * 3 full, 4 flushed by snapshot 1, 5 holding the last events and END.
 */
function writeSnapshotTrace(path: string, clean = true): void {
  const writer = TraceWriter.create(path, HEADER, { chunkEvents: 10 });
  for (const event of events(0, 25)) writer.append(event);
  writer.writeSnapshot(250, 0, STATES[0]!);
  for (const event of events(25, 37)) writer.append(event);
  writer.writeSnapshot(370, 1, STATES[1]!);
  writer.writeSnapshot(370, 2, STATES[2]!);
  for (const event of events(37, 41)) writer.append(event);
  if (clean) writer.close(END);
  else {
    writer.flush();
    writer.abandon();
  }
}

/** The snapshot list without offsets and lengths. */
function summary(snapshots: readonly SnapshotMeta[]): Array<Pick<SnapshotMeta, 'icount' | 'sequence' | 'chunksBefore'>> {
  return snapshots.map(({ icount, sequence, chunksBefore }) => ({ icount, sequence, chunksBefore }));
}

function withReader<T>(path: string, use: (reader: TraceReader) => T): T {
  const reader = TraceReader.open(path);
  try {
    return use(reader);
  } finally {
    reader.close();
  }
}

describe('snapshot frames', () => {
  const path = freshPath();
  writeSnapshotTrace(path);

  it('the footer index lists every snapshot with its icount, sequence and the chunks before it', () => {
    withReader(path, (reader) => {
      expect(reader.truncated).toBeUndefined();
      expect(reader.chunks.map((chunk) => chunk.eventCount)).toEqual([10, 10, 5, 10, 2, 5]);
      expect(summary(reader.snapshots)).toEqual([
        { icount: 250, sequence: 0, chunksBefore: 3 },
        { icount: 370, sequence: 1, chunksBefore: 5 },
        { icount: 370, sequence: 2, chunksBefore: 5 },
      ]);
      expect(reader.footer?.snapshots).toEqual(reader.snapshots);
    });
  });

  it('readSnapshot returns each state as written, and the events read around the snapshots', () => {
    withReader(path, (reader) => {
      STATES.forEach((bytes, index) => expect(reader.readSnapshot(index)).toEqual(bytes));
      expect([...reader.events()]).toEqual([...events(0, 41), END]);
      const afterFirst = reader.readChunk(reader.snapshots[0]!.chunksBefore)[0];
      expect(afterFirst).toEqual(events(25, 26)[0]);
    });
  });

  it('readSnapshot of a snapshot the trace does not have is a TraceError', () => {
    withReader(path, (reader) => expect(() => reader.readSnapshot(3)).toThrow(TraceError));
  });

  it('a file without a footer (walked frame by frame) lists the same snapshots', () => {
    const open = freshPath();
    writeSnapshotTrace(open, false);
    withReader(open, (reader) => {
      expect(reader.truncated).toBeDefined();
      expect(summary(reader.snapshots)).toEqual(withReader(path, (closed) => summary(closed.snapshots)));
      expect(reader.readSnapshot(1)).toEqual(STATES[1]);
    });
  });

  it('a file cut inside or after a snapshot frame (every frame edge, and every 53rd byte) keeps exactly its complete frames', () => {
    const whole = readFileSync(path);
    const { snapshots, chunks } = withReader(path, (reader) => ({ snapshots: reader.snapshots, chunks: reader.chunks }));
    const end = (frame: { offset: number; length: number }): number => frame.offset + FRAME_HEADER_BYTES + frame.length;
    const cutPath = freshPath();
    const boundaries = [...snapshots, ...chunks].flatMap((frame) => [frame.offset, end(frame)]);
    const cuts = new Set<number>();
    for (const boundary of boundaries) for (let delta = -2; delta <= 2; delta++) cuts.add(boundary + delta);
    for (let cut = snapshots[0]!.offset; cut < whole.length; cut += 53) cuts.add(cut);
    for (const cut of [...cuts].filter((at) => at >= snapshots[0]!.offset - 2 && at < whole.length).sort((a, b) => a - b)) {
      writeFileSync(cutPath, whole.subarray(0, cut));
      withReader(cutPath, (reader) => {
        const where = `cut at ${cut}`;
        const kept = snapshots.filter((snapshot) => end(snapshot) <= cut);
        expect(reader.snapshots, where).toEqual(kept);
        expect(reader.chunks, where).toEqual(chunks.filter((chunk) => end(chunk) <= cut));
        const frames = [...kept, ...reader.chunks];
        expect(reader.truncated?.atOffset, where).toBe(Math.max(...frames.map(end)));
        if (kept.length > 0) expect(reader.readSnapshot(kept.length - 1), where).toEqual(STATES[kept.length - 1]);
      });
    }
  });

  it('a corrupted snapshot payload is a TraceError naming the frame offset', () => {
    const bytes = readFileSync(path);
    const second = withReader(path, (reader) => reader.snapshots[1]!);
    bytes[second.offset + FRAME_HEADER_BYTES + 5]! ^= 0x10;
    const corrupted = freshPath();
    writeFileSync(corrupted, bytes);
    withReader(corrupted, (reader) => {
      expect(reader.readSnapshot(0)).toEqual(STATES[0]);
      expect(() => reader.readSnapshot(1)).toThrow(new TraceError('snapshot checksum mismatch', second.offset));
    });
  });

  it('a payload with a valid checksum that does not inflate is a TraceError naming the payload offset', () => {
    const bytes = readFileSync(path);
    const first = withReader(path, (reader) => reader.snapshots[0]!);
    const frame = bytes.subarray(first.offset, first.offset + FRAME_HEADER_BYTES + first.length);
    frame.fill(0xff, FRAME_HEADER_BYTES);
    writeFrameHeader(frame, FrameType.SNAPSHOT, DEFLATE_CODEC, first.icount, first.sequence);
    const corrupted = freshPath();
    writeFileSync(corrupted, bytes);
    withReader(corrupted, (reader) => {
      const error = (() => {
        try {
          reader.readSnapshot(0);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(TraceError);
      expect((error as TraceError).offset).toBe(first.offset + FRAME_HEADER_BYTES);
      expect((error as TraceError).message).toMatch(/^snapshot does not decompress: .* \(at byte offset \d+\)$/);
    });
  });

  it('a frame that is not the snapshot the index says is a TraceError', () => {
    const bytes = readFileSync(path);
    const first = withReader(path, (reader) => reader.snapshots[0]!);
    const frame = bytes.subarray(first.offset, first.offset + FRAME_HEADER_BYTES + first.length);
    writeFrameHeader(frame, FrameType.SNAPSHOT, DEFLATE_CODEC, first.icount, 9);
    const changed = freshPath();
    writeFileSync(changed, bytes);
    withReader(changed, (reader) => expect(() => reader.readSnapshot(0)).toThrow(new TraceError('snapshot frame does not match the index', first.offset)));
  });

  it.each(['demo.deja', 'u-boot.deja'])('the format version 1 reference trace %s still reads, with no snapshots', (name) => {
    withReader(join(import.meta.dirname, '..', '..', '..', 'traces', name), (reader) => {
      expect(reader.formatVersion).toBe(1);
      expect(reader.snapshots).toEqual([]);
      expect(reader.header.snapshotInterval).toBe(0);
      const all = [...reader.events()];
      expect(all.length).toBe(reader.footer?.eventCount);
      expect(all.at(-1)?.kind).toBe(EventKind.END);
    });
  });
});
