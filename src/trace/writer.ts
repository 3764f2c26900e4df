/**
 * Writes a trace file: preamble and header at creation, then a chunk frame
 * each time the buffered events reach the chunk size or event limit, or on
 * `flush()`; `close(end)` adds the END event, the footer with the index and
 * the trailer. Every write is synchronous, so a killed recorder loses only
 * the events not yet flushed and leaves a file of complete chunks.
 */
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { EventEncoder, VARINT_CODEC } from './codec.js';
import type { EndEvent, TraceEvent } from './events.js';
import { TraceError } from './errors.js';
import { DEFLATE_CODEC, encodePreamble, encodeTrailer, FORMAT_VERSION, FRAME_HEADER_BYTES, FrameType, MAX_SNAPSHOT_BYTES, writeFrameHeader } from './format.js';
import { type ChunkMeta, encodeFooter, encodeHeader, type SnapshotMeta, type TraceHeader } from './schema.js';

/** Options of `TraceWriter.create`. */
export interface TraceWriterOptions {
  /** Overwrite an existing file (otherwise it is refused). */
  force?: boolean;
  /** Flush a chunk when its payload reaches this many bytes (default 64 KiB). */
  chunkBytes?: number;
  /** Flush a chunk when it holds this many events (default 16384). */
  chunkEvents?: number;
}

/** A trace file being written. */
export class TraceWriter {
  private readonly encoder = new EventEncoder(FRAME_HEADER_BYTES);
  private readonly chunks: ChunkMeta[] = [];
  private readonly snapshots: SnapshotMeta[] = [];
  private eventTotal = 0;
  private closed = false;

  private constructor(
    /** The file being written. */
    readonly path: string,
    private readonly fd: number,
    private offset: number,
    private readonly chunkBytes: number,
    private readonly chunkEvents: number,
  ) {}

  /**
   * Creates the file at `path` and writes its preamble and header. Refuses an
   * existing file unless `force`; any failure is a one-line TraceError.
   */
  static create(path: string, header: TraceHeader, options: TraceWriterOptions = {}): TraceWriter {
    let fd: number;
    try {
      fd = openSync(path, options.force ? 'w' : 'wx');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new TraceError(`trace file ${path} already exists (use --force to overwrite)`);
      throw new TraceError(`cannot create trace file ${path}: ${code ?? (error as Error).message}`);
    }
    const writer = new TraceWriter(path, fd, 0, options.chunkBytes ?? 64 * 1024, options.chunkEvents ?? 16384);
    writer.writeAll(encodePreamble(encodeHeader(header, FORMAT_VERSION)));
    return writer;
  }

  /** Events appended so far (flushed or not). */
  get eventCount(): number {
    return this.eventTotal + this.encoder.eventCount;
  }

  /** Bytes written to the file so far. */
  get bytesWritten(): number {
    return this.offset;
  }

  /** Buffers one event, flushing a chunk when the buffer is full. */
  append(event: TraceEvent): void {
    if (this.closed) throw new TraceError(`trace file ${this.path} is closed`);
    this.encoder.encode(event);
    if (this.encoder.byteLength >= this.chunkBytes || this.encoder.eventCount >= this.chunkEvents) this.flush();
  }

  /** Writes the buffered events as one chunk (nothing when there are none). */
  flush(): void {
    const encoder = this.encoder;
    if (encoder.eventCount === 0) return;
    const frame = encoder.frame();
    writeFrameHeader(frame, FrameType.CHUNK, VARINT_CODEC, encoder.firstIcount, encoder.eventCount);
    const meta: ChunkMeta = { offset: this.offset, firstIcount: encoder.firstIcount, eventCount: encoder.eventCount, codec: VARINT_CODEC, length: encoder.byteLength };
    this.writeAll(frame);
    this.chunks.push(meta);
    this.eventTotal += meta.eventCount;
    encoder.reset();
  }

  /**
   * Writes the buffered events, then a snapshot frame holding `state` (the
   * machine state at hart 0's `icount`, deflate-compressed here), so that a
   * replay can restore it and go on with the events that follow.
   */
  writeSnapshot(icount: number, sequence: number, state: Uint8Array): void {
    if (this.closed) throw new TraceError(`trace file ${this.path} is closed`);
    this.flush();
    const payload = deflateRawSync(state, { level: 1 });
    if (payload.length > MAX_SNAPSHOT_BYTES) throw new TraceError(`snapshot at icount ${icount} compresses to ${payload.length} bytes, more than ${MAX_SNAPSHOT_BYTES}`);
    const frame = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
    frame.set(payload, FRAME_HEADER_BYTES);
    writeFrameHeader(frame, FrameType.SNAPSHOT, DEFLATE_CODEC, icount, sequence);
    const meta: SnapshotMeta = { offset: this.offset, icount, sequence, length: payload.length, chunksBefore: this.chunks.length };
    this.writeAll(frame);
    this.snapshots.push(meta);
  }

  /** Appends `end`, writes the last chunk, the footer with the index and the trailer, and closes the file. */
  close(end: EndEvent): void {
    this.append(end);
    this.flush();
    const footer = encodeFooter({ chunks: this.chunks, snapshots: this.snapshots, eventCount: this.eventTotal });
    const frame = new Uint8Array(FRAME_HEADER_BYTES + footer.length);
    frame.set(footer, FRAME_HEADER_BYTES);
    writeFrameHeader(frame, FrameType.FOOTER, 0, 0, this.chunks.length);
    const footerOffset = this.offset;
    this.writeAll(frame);
    this.writeAll(encodeTrailer(footerOffset));
    this.closed = true;
    closeSync(this.fd);
  }

  /** Closes the file without a footer (after an error): the file keeps its complete chunks. */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  /**
   * Writes all of `bytes` at the end of the file. On failure, cuts the file
   * back to its last complete frame, closes it, and throws a TraceError.
   */
  private writeAll(bytes: Uint8Array): void {
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      try {
        ftruncateSync(this.fd, this.offset);
      } catch {
        // the file is left as written: a reader reports the partial frame as truncation
      }
      this.abandon();
      throw new TraceError(`cannot write trace file ${this.path}: ${code}`, this.offset);
    }
    this.offset += bytes.length;
  }
}
