import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventKind, type EndEvent, type TraceEvent } from '../../../src/trace/events.js';
import { TraceError } from '../../../src/trace/errors.js';
import { FORMAT_VERSION } from '../../../src/trace/format.js';
import { TraceReader } from '../../../src/trace/reader.js';
import type { TraceHeader } from '../../../src/trace/schema.js';
import { TraceWriter } from '../../../src/trace/writer.js';

const dir = mkdtempSync(join(tmpdir(), 'dejavm-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNumber = 0;
const freshPath = (): string => join(dir, `t${fileNumber++}.djt`);

const HEADER: TraceHeader = {
  toolVersion: '0.1.0',
  machine: { memoryMib: 128, harts: 2, bios: 'fw_dynamic.bin', kernel: 'Image', initrd: '', append: 'console=ttyS0', backend: 'interp', clock: 'host' },
  images: [{ role: 'bios', name: 'fw_dynamic.bin', sha256: new Uint8Array(32).fill(1) }, { role: 'kernel', name: 'Image', sha256: new Uint8Array(32).fill(2) }],
  argv: ['deja', 'record', '--kernel', 'Image'],
  startTime: '2024-01-01T00:00:00Z',
  digestInterval: 1_000_000,
  devices: [{ name: 'uart0', base: 0x1000_0000n, size: 0x100n }, { name: 'plic', base: 0xc00_0000n, size: 0x60_0000n }],
  sliceInstructions: 5_000_000,
  snapshotInterval: 0,
};

const END: EndEvent = { kind: EventKind.END, hart: 0, icount: 10_000, reason: 'pass', exitCode: 0, icounts: [10_000, 9_990], sha256: new Uint8Array(32).fill(9) };

/** `count` small events alternating between two harts. */
function someEvents(count: number): TraceEvent[] {
  return Array.from({ length: count }, (_, i): TraceEvent => i % 3 === 0
    ? { kind: EventKind.MMIO_READ, hart: i % 2, icount: i * 7, device: 0, offset: 5, size: 1, value: BigInt(i & 0xff) }
    : { kind: EventKind.IRQ, hart: i % 2, icount: i * 7, line: 9, level: i % 2 === 0 });
}

/** Writes a trace of `events` in chunks of `chunkEvents`; closes it cleanly unless `clean` is false. */
function writeTrace(events: TraceEvent[], chunkEvents: number, clean = true): string {
  const path = freshPath();
  const writer = TraceWriter.create(path, HEADER, { chunkEvents });
  for (const event of events) writer.append(event);
  if (clean) writer.close(END);
  else {
    writer.flush();
    writer.abandon();
  }
  return path;
}

function readAll(path: string): { events: TraceEvent[]; reader: TraceReader } {
  const reader = TraceReader.open(path);
  try {
    return { events: [...reader.events()], reader };
  } finally {
    reader.close();
  }
}

describe('trace files', () => {
  it('round-trips the header and every event of a cleanly closed trace', () => {
    const events = someEvents(1000);
    const { events: read, reader } = readAll(writeTrace(events, 100));
    expect(reader.header).toEqual(HEADER);
    expect(reader.formatVersion).toBe(FORMAT_VERSION);
    expect(reader.truncated).toBeUndefined();
    expect(reader.footer?.eventCount).toBe(1001);
    expect(reader.chunks.length).toBe(11);
    expect(read).toEqual([...events, END]);
  });

  it('seeks through the index to the chunk holding an icount', () => {
    const events = someEvents(1000);
    const reader = TraceReader.open(writeTrace(events, 100));
    const fromIcount = 500 * 7 + 3;
    const first = reader.events(fromIcount).next().value as TraceEvent;
    reader.close();
    expect(first).toEqual(events[500]);
  });

  it('reads a file without a footer and says where it ends', () => {
    const path = writeTrace(someEvents(250), 100, false);
    const { events, reader } = readAll(path);
    expect(events).toEqual(someEvents(250));
    expect(reader.truncated).toEqual({ atOffset: readFileSync(path).length });
  });

  it('reads back exactly the complete chunks of a file cut at every byte offset', () => {
    const events = someEvents(40);
    const whole = readFileSync(writeTrace(events, 7));
    const reference = TraceReader.open(writeTrace(events, 7));
    const chunks = reference.chunks;
    const headerEnd = chunks[0]!.offset;
    reference.close();
    const cutPath = freshPath();
    for (let cut = 0; cut <= whole.length; cut++) {
      writeFileSync(cutPath, whole.subarray(0, cut));
      if (cut < headerEnd) {
        expect(() => TraceReader.open(cutPath), `cut at ${cut}`).toThrow(TraceError);
        continue;
      }
      const complete = chunks.filter((chunk) => chunk.offset + 24 + chunk.length <= cut);
      const { events: read, reader } = readAll(cutPath);
      const expected = complete.reduce((total, chunk) => total + chunk.eventCount, 0);
      expect(read, `cut at ${cut}`).toEqual([...events, END].slice(0, expected));
      if (cut === whole.length) expect(reader.truncated).toBeUndefined();
      else expect(reader.truncated?.atOffset, `cut at ${cut}`).toBe(complete.length === 0 ? headerEnd : complete.at(-1)!.offset + 24 + complete.at(-1)!.length);
    }
  });

  it('throws only TraceErrors, with an offset, on corrupted bytes', () => {
    const whole = readFileSync(writeTrace(someEvents(60), 10));
    const path = freshPath();
    let seed = 99;
    const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    let errors = 0;
    for (let round = 0; round < 600; round++) {
      const bytes = Uint8Array.from(whole);
      const flips = 1 + Math.floor(random() * 3);
      for (let flip = 0; flip < flips; flip++) bytes[Math.floor(random() * bytes.length)] ^= 1 + Math.floor(random() * 255);
      writeFileSync(path, bytes);
      try {
        readAll(path);
      } catch (error) {
        expect(error).toBeInstanceOf(TraceError);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(500);
  });

  it('names the offset of a chunk whose checksum does not match', () => {
    const path = writeTrace(someEvents(30), 10);
    const bytes = readFileSync(path);
    const reader = TraceReader.open(path);
    const second = reader.chunks[1]!;
    reader.close();
    bytes[second.offset + 24 + 2] ^= 0x40;
    writeFileSync(path, bytes);
    expect(() => readAll(path)).toThrow(`chunk checksum mismatch (at byte offset ${second.offset})`);
  });

  it('refuses a newer format version and a file that is not a trace', () => {
    const path = writeTrace(someEvents(3), 10);
    const bytes = readFileSync(path);
    bytes.writeUInt32LE(FORMAT_VERSION + 1, 8);
    writeFileSync(path, bytes);
    expect(() => TraceReader.open(path)).toThrow(`trace format version ${FORMAT_VERSION + 1} is newer than this dejavm reads (${FORMAT_VERSION})`);
    writeFileSync(path, 'hello, world\n');
    expect(() => TraceReader.open(path)).toThrow(/not a dejavm trace/);
    expect(() => TraceReader.open(join(dir, 'missing'))).toThrow(/cannot open trace file .*ENOENT/);
  });

  it('refuses an existing file unless forced', () => {
    const path = writeTrace(someEvents(3), 10);
    expect(() => TraceWriter.create(path, HEADER)).toThrow(`trace file ${path} already exists (use --force to overwrite)`);
    const writer = TraceWriter.create(path, HEADER, { force: true });
    writer.close(END);
    expect(readAll(path).events).toEqual([END]);
  });

  it.runIf(existsSync('/dev/full'))('turns a full disk into a TraceError naming the file', () => {
    let error: unknown;
    try {
      const writer = TraceWriter.create('/dev/full', HEADER, { force: true });
      writer.close(END);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TraceError);
    expect((error as Error).message).toMatch(/^cannot write trace file \/dev\/full: ENOSPC/);
  });

  it('refuses to append after close', () => {
    const path = freshPath();
    const writer = TraceWriter.create(path, HEADER);
    writer.close(END);
    expect(() => writer.append(END)).toThrow(/is closed/);
  });
});
