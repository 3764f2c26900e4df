/**
 * Reads a trace file: checks the magic and version, parses the header, finds
 * the chunks (from the footer's index when the file was closed cleanly,
 * otherwise by walking the frames, stopping at the first incomplete one),
 * and decodes events chunk by chunk, verifying each checksum.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { EventDecoder, VARINT_CODEC } from './codec.js';
import type { TraceEvent } from './events.js';
import { TraceError } from './errors.js';
import {
  DEFLATE_CODEC, FORMAT_VERSION, FRAME_HEADER_BYTES, FrameType, MAX_SECTION_BYTES, MAX_SNAPSHOT_BYTES, PREAMBLE_FIXED_BYTES, TRAILER_BYTES,
  frameCrc, parseFrameHeader, parseTrailer, preambleCrc, startsWithMagic,
} from './format.js';
import { type ChunkMeta, decodeFooter, decodeHeader, type SnapshotMeta, type TraceFooter, type TraceHeader } from './schema.js';

/** Where an incomplete file stops being readable. */
export interface Truncation {
  /** File offset of the first byte after the last complete chunk. */
  atOffset: number;
}

/** An open trace file. */
export class TraceReader {
  private constructor(
    /** The file read. */
    readonly path: string,
    private readonly fd: number,
    /** The trace header. */
    readonly header: TraceHeader,
    /** The format version the file states. */
    readonly formatVersion: number,
    /** Every complete chunk, in file order. */
    readonly chunks: readonly ChunkMeta[],
    /** Every complete snapshot frame, in file order. */
    readonly snapshots: readonly SnapshotMeta[],
    /** The footer, when the file was closed cleanly. */
    readonly footer: TraceFooter | undefined,
    /** Set when the file has no footer: how far the complete chunks go. */
    readonly truncated: Truncation | undefined,
  ) {}

  /** Opens `path`; refuses what is not a dejavm trace or is newer than this code reads, with a TraceError. */
  static open(path: string): TraceReader {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      throw new TraceError(`cannot open trace file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    try {
      const size = fstatSync(fd).size;
      const { header, formatVersion, end } = readPreamble(fd, path, size);
      const footer = readFooter(fd, size, end);
      if (footer) return new TraceReader(path, fd, header, formatVersion, footer.chunks, footer.snapshots, footer, undefined);
      const { chunks, snapshots, atOffset } = walkFrames(fd, end, size);
      return new TraceReader(path, fd, header, formatVersion, chunks, snapshots, undefined, { atOffset });
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Total events in the complete chunks. */
  get eventCount(): number {
    let total = 0;
    for (const chunk of this.chunks) total += chunk.eventCount;
    return total;
  }

  /**
   * Index of the chunk to start from to reach `icount`: the last chunk whose
   * first icount is at most `icount` (chunks are in icount order of their
   * first events; with several harts this is the quantum-interleaved order).
   */
  chunkIndexFor(icount: number): number {
    let low = 0;
    let high = this.chunks.length - 1;
    let found = 0;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (this.chunks[middle]!.firstIcount <= icount) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found;
  }

  /** The events of chunk `index`; throws a TraceError on a checksum mismatch or malformed payload. */
  readChunk(index: number): TraceEvent[] {
    const chunk = this.chunks[index];
    if (!chunk) throw new TraceError(`trace ${this.path} has no chunk ${index}`);
    const frame = readExactly(this.fd, chunk.offset, FRAME_HEADER_BYTES + chunk.length);
    const header = parseFrameHeader(frame, chunk.offset);
    if (header.type !== FrameType.CHUNK || header.length !== chunk.length || header.eventCount !== chunk.eventCount) {
      throw new TraceError('chunk frame does not match the index', chunk.offset);
    }
    const payload = frame.subarray(FRAME_HEADER_BYTES);
    if (frameCrc(frame, payload) !== header.crc) throw new TraceError('chunk checksum mismatch', chunk.offset);
    if (header.codec !== VARINT_CODEC) throw new TraceError(`unknown chunk codec ${header.codec}`, chunk.offset);
    const decoder = new EventDecoder(payload, header.eventCount, chunk.offset + FRAME_HEADER_BYTES);
    const events: TraceEvent[] = [];
    for (let event = decoder.next(); event !== undefined; event = decoder.next()) events.push(event);
    return events;
  }

  /**
   * The machine state stored by snapshot `index` (decompressed); throws a
   * TraceError on a checksum mismatch or a payload that does not inflate.
   */
  readSnapshot(index: number): Uint8Array {
    const snapshot = this.snapshots[index];
    if (!snapshot) throw new TraceError(`trace ${this.path} has no snapshot ${index}`);
    const frame = readExactly(this.fd, snapshot.offset, FRAME_HEADER_BYTES + snapshot.length);
    const header = parseFrameHeader(frame, snapshot.offset);
    if (header.type !== FrameType.SNAPSHOT || header.length !== snapshot.length || header.eventCount !== snapshot.sequence) {
      throw new TraceError('snapshot frame does not match the index', snapshot.offset);
    }
    const payload = frame.subarray(FRAME_HEADER_BYTES);
    if (frameCrc(frame, payload) !== header.crc) throw new TraceError('snapshot checksum mismatch', snapshot.offset);
    if (header.codec !== DEFLATE_CODEC) throw new TraceError(`unknown snapshot codec ${header.codec}`, snapshot.offset);
    try {
      return new Uint8Array(inflateRawSync(payload, { maxOutputLength: 2 ** 32 }));
    } catch (error) {
      throw new TraceError(`snapshot does not decompress: ${(error as Error).message}`, snapshot.offset + FRAME_HEADER_BYTES);
    }
  }

  /** Every event of the complete chunks in order, from the chunk holding `fromIcount` when given. */
  *events(fromIcount?: number): Generator<TraceEvent> {
    const first = fromIcount === undefined ? 0 : this.chunkIndexFor(fromIcount);
    for (let index = first; index < this.chunks.length; index++) yield* this.readChunk(index);
  }

  /** Closes the file. */
  close(): void {
    closeSync(this.fd);
  }
}

/** Reads `length` bytes at `position`; a short read is a TraceError. */
function readExactly(fd: number, position: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const read = readSync(fd, bytes, done, length - done, position + done);
    if (read === 0) throw new TraceError('trace file ends inside a frame', position);
    done += read;
  }
  return bytes;
}

/** Checks the magic, version and header checksum; returns the header and where the frames start. */
function readPreamble(fd: number, path: string, size: number): { header: TraceHeader; formatVersion: number; end: number } {
  const fixed = readExactly(fd, 0, Math.min(size, PREAMBLE_FIXED_BYTES));
  if (!startsWithMagic(fixed)) throw new TraceError(`${path} is not a dejavm trace (bad magic)`, 0);
  if (size < PREAMBLE_FIXED_BYTES) throw new TraceError(`trace file ${path} ends inside its preamble`, size);
  const view = new DataView(fixed.buffer);
  const formatVersion = view.getUint32(8, true);
  if (formatVersion > FORMAT_VERSION) {
    throw new TraceError(`trace format version ${formatVersion} is newer than this dejavm reads (${FORMAT_VERSION})`);
  }
  if (formatVersion === 0) throw new TraceError('trace format version 0 is invalid', 8);
  const headerLength = view.getUint32(12, true);
  if (headerLength > MAX_SECTION_BYTES) throw new TraceError(`trace header claims ${headerLength} bytes`, 12);
  const end = PREAMBLE_FIXED_BYTES + headerLength + 4;
  if (size < end) throw new TraceError(`trace file ${path} ends inside its header`, size);
  const preamble = readExactly(fd, 0, end);
  const storedCrc = new DataView(preamble.buffer).getUint32(end - 4, true);
  if (preambleCrc(preamble.subarray(0, end - 4)) !== storedCrc) throw new TraceError('trace header checksum mismatch', PREAMBLE_FIXED_BYTES);
  const decoded = decodeHeader(preamble.subarray(PREAMBLE_FIXED_BYTES, end - 4), PREAMBLE_FIXED_BYTES);
  if (decoded.formatVersion !== formatVersion) throw new TraceError('trace header and preamble disagree on the format version', PREAMBLE_FIXED_BYTES);
  return { ...decoded, end };
}

/** The footer of a cleanly closed file, or undefined when the file has no trailer. */
function readFooter(fd: number, size: number, framesStart: number): TraceFooter | undefined {
  if (size < framesStart + FRAME_HEADER_BYTES + TRAILER_BYTES) return undefined;
  const footerOffset = parseTrailer(readExactly(fd, size - TRAILER_BYTES, TRAILER_BYTES));
  if (footerOffset === undefined) return undefined;
  if (footerOffset < framesStart || footerOffset + FRAME_HEADER_BYTES > size - TRAILER_BYTES) {
    throw new TraceError(`trace trailer points at ${footerOffset}, outside the file`, size - TRAILER_BYTES);
  }
  const frameHeader = parseFrameHeader(readExactly(fd, footerOffset, FRAME_HEADER_BYTES), footerOffset);
  if (frameHeader.type !== FrameType.FOOTER || footerOffset + FRAME_HEADER_BYTES + frameHeader.length !== size - TRAILER_BYTES) {
    throw new TraceError('trace trailer does not point at a footer frame', footerOffset);
  }
  const frame = readExactly(fd, footerOffset, FRAME_HEADER_BYTES + frameHeader.length);
  const payload = frame.subarray(FRAME_HEADER_BYTES);
  if (frameCrc(frame, payload) !== frameHeader.crc) throw new TraceError('trace footer checksum mismatch', footerOffset);
  const footer = decodeFooter(payload, footerOffset + FRAME_HEADER_BYTES);
  let expected = framesStart;
  let snapshot = 0;
  const skipSnapshots = (chunksBefore: number): void => {
    for (let next = footer.snapshots[snapshot]; next !== undefined && next.chunksBefore === chunksBefore; next = footer.snapshots[++snapshot]) {
      if (next.offset !== expected || next.length > MAX_SNAPSHOT_BYTES) throw new TraceError('trace index does not match the snapshot layout', footerOffset);
      expected += FRAME_HEADER_BYTES + next.length;
    }
  };
  footer.chunks.forEach((chunk, index) => {
    skipSnapshots(index);
    if (chunk.offset !== expected || chunk.length > MAX_SECTION_BYTES) throw new TraceError('trace index does not match the chunk layout', footerOffset);
    expected += FRAME_HEADER_BYTES + chunk.length;
  });
  skipSnapshots(footer.chunks.length);
  if (snapshot !== footer.snapshots.length) throw new TraceError('trace index lists snapshots out of order', footerOffset);
  if (expected !== footerOffset) throw new TraceError('trace index does not end at the footer', footerOffset);
  return footer;
}

/** Walks the chunk and snapshot frames from `offset` to the first incomplete frame (or a footer frame). */
function walkFrames(fd: number, offset: number, size: number): { chunks: ChunkMeta[]; snapshots: SnapshotMeta[]; atOffset: number } {
  const chunks: ChunkMeta[] = [];
  const snapshots: SnapshotMeta[] = [];
  while (offset + FRAME_HEADER_BYTES <= size) {
    const header = parseFrameHeader(readExactly(fd, offset, FRAME_HEADER_BYTES), offset);
    if (header.type === FrameType.FOOTER || offset + FRAME_HEADER_BYTES + header.length > size) break;
    if (header.type === FrameType.CHUNK) {
      chunks.push({ offset, firstIcount: header.firstIcount, eventCount: header.eventCount, codec: header.codec, length: header.length });
    } else {
      snapshots.push({ offset, icount: header.firstIcount, sequence: header.eventCount, length: header.length, chunksBefore: chunks.length });
    }
    offset += FRAME_HEADER_BYTES + header.length;
  }
  return { chunks, snapshots, atOffset: offset };
}
