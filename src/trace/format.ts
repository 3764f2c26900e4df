/**
 * The trace file layout (all integers little-endian):
 *
 * ```
 * preamble  magic "\x89DEJA\r\n\x1a" (8) · format version u32 · header length u32
 *           · header (protobuf Header) · CRC32 u32 of version, length and header
 * frames    24-byte frame header · payload, repeated:
 *             type u8 ('C' chunk | 'F' footer) · codec u8 · reserved u16 (0)
 *             · payload length u32 · first icount u64 · event count u32
 *             · CRC32 u32 of the 20 bytes before it and of the payload
 * trailer   offset of the footer frame u64 · end magic "DEJA-END" (8)
 * ```
 *
 * Chunk frames carry events (codec 1, see codec.ts); the one footer frame
 * (written on a clean close, codec 0) carries the protobuf Footer with the
 * chunk index. The magic's high-bit byte, CR LF and ^Z catch text-mode
 * transfers and `type`; every frame is self-delimiting, so a file cut at any
 * byte keeps all its complete chunks readable.
 */
import { crc32 } from 'node:zlib';
import { TraceError } from './errors.js';

/** The 8 bytes every trace starts with. */
export const MAGIC = Uint8Array.of(0x89, 0x44, 0x45, 0x4a, 0x41, 0x0d, 0x0a, 0x1a);

/** The 8 bytes every cleanly closed trace ends with. */
export const END_MAGIC = new TextEncoder().encode('DEJA-END');

/** The format version this code writes and the newest it reads. */
export const FORMAT_VERSION = 2;

/** Bytes before the header: magic, version, header length. */
export const PREAMBLE_FIXED_BYTES = 16;

/** Bytes of a frame header. */
export const FRAME_HEADER_BYTES = 24;

/** Bytes of the trailer after the footer frame. */
export const TRAILER_BYTES = 16;

/** The largest header or frame payload a reader accepts (a guard against corrupt lengths). */
export const MAX_SECTION_BYTES = 64 << 20;

/** The codec of snapshot frames: the state, deflate-compressed (raw deflate, RFC 1951). */
export const DEFLATE_CODEC = 1;

/** The largest snapshot frame payload a reader accepts. */
export const MAX_SNAPSHOT_BYTES = 1 << 30;

/** Frame types. */
export const enum FrameType {
  /** A chunk of events. */
  CHUNK = 0x43,
  /** A machine snapshot (format version 2 on): codec 1, first icount = the snapshot's, event count = its sequence number. */
  SNAPSHOT = 0x53,
  /** The footer with the chunk index. */
  FOOTER = 0x46,
}

/** The fields of a frame header. */
export interface FrameHeader {
  type: number;
  codec: number;
  /** Payload length in bytes. */
  length: number;
  firstIcount: number;
  eventCount: number;
  crc: number;
}

/** The preamble for `header` (encoded protobuf bytes): everything before the first frame. */
export function encodePreamble(header: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(PREAMBLE_FIXED_BYTES + header.length + 4);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, header.length, true);
  bytes.set(header, PREAMBLE_FIXED_BYTES);
  view.setUint32(PREAMBLE_FIXED_BYTES + header.length, crc32(bytes.subarray(8, PREAMBLE_FIXED_BYTES + header.length)), true);
  return bytes;
}

/** True when `bytes` starts with the magic (or with a prefix of it, when shorter). */
export function startsWithMagic(bytes: Uint8Array): boolean {
  for (let index = 0; index < Math.min(bytes.length, MAGIC.length); index++) if (bytes[index] !== MAGIC[index]) return false;
  return true;
}

/** CRC32 of a preamble's version, length and header bytes (`preamble` holds everything but the stored CRC). */
export function preambleCrc(preamble: Uint8Array): number {
  return crc32(preamble.subarray(8));
}

/**
 * Fills the first FRAME_HEADER_BYTES of `frame` (a buffer whose rest is the
 * payload) with a frame header, checksum included.
 */
export function writeFrameHeader(frame: Uint8Array, type: FrameType, codec: number, firstIcount: number, eventCount: number): void {
  const view = new DataView(frame.buffer, frame.byteOffset, FRAME_HEADER_BYTES);
  const length = frame.length - FRAME_HEADER_BYTES;
  view.setUint8(0, type);
  view.setUint8(1, codec);
  view.setUint16(2, 0, true);
  view.setUint32(4, length, true);
  view.setUint32(8, firstIcount % 0x1_0000_0000, true);
  view.setUint32(12, Math.floor(firstIcount / 0x1_0000_0000), true);
  view.setUint32(16, eventCount, true);
  view.setUint32(20, frameCrc(frame.subarray(0, FRAME_HEADER_BYTES), frame.subarray(FRAME_HEADER_BYTES)), true);
}

/** The checksum of a frame: its header's first 20 bytes, then its payload. */
export function frameCrc(header: Uint8Array, payload: Uint8Array): number {
  return crc32(payload, crc32(header.subarray(0, 20)));
}

/** Parses a frame header found at file offset `offset`; refuses unknown types and oversized lengths. */
export function parseFrameHeader(bytes: Uint8Array, offset: number): FrameHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, FRAME_HEADER_BYTES);
  const type = view.getUint8(0);
  if (type !== FrameType.CHUNK && type !== FrameType.FOOTER && type !== FrameType.SNAPSHOT) throw new TraceError(`unknown frame type 0x${type.toString(16)}`, offset);
  const length = view.getUint32(4, true);
  const limit = type === FrameType.SNAPSHOT ? MAX_SNAPSHOT_BYTES : MAX_SECTION_BYTES;
  if (length > limit) throw new TraceError(`frame claims ${length} bytes, more than ${limit}`, offset);
  const high = view.getUint32(12, true);
  if (high >= 0x20_0000) throw new TraceError('frame first icount is out of range', offset);
  return {
    type,
    codec: view.getUint8(1),
    length,
    firstIcount: high * 0x1_0000_0000 + view.getUint32(8, true),
    eventCount: view.getUint32(16, true),
    crc: view.getUint32(20, true),
  };
}

/** The trailer pointing back at the footer frame at `footerOffset`. */
export function encodeTrailer(footerOffset: number): Uint8Array {
  const bytes = new Uint8Array(TRAILER_BYTES);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(footerOffset), true);
  bytes.set(END_MAGIC, 8);
  return bytes;
}

/** The footer offset stated by a trailer, or undefined when `bytes` is not one. */
export function parseTrailer(bytes: Uint8Array): number | undefined {
  if (bytes.length !== TRAILER_BYTES) return undefined;
  for (let index = 0; index < END_MAGIC.length; index++) if (bytes[8 + index] !== END_MAGIC[index]) return undefined;
  const offset = new DataView(bytes.buffer, bytes.byteOffset, TRAILER_BYTES).getBigUint64(0, true);
  return offset <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(offset) : undefined;
}
