/**
 * The protobuf-encoded parts of a trace (header and footer with its index),
 * loaded at run time from `proto/trace.proto` with protobufjs, and their
 * TypeScript shapes. 64-bit fields are `bigint` (addresses) or `number`
 * (icounts and counts, which stay below 2^53).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { TraceError } from './errors.js';

/** An image loaded into the machine, identified by its SHA-256. */
export interface TraceImage {
  /** `bios`, `kernel`, `initrd`, `drive`, ... */
  role: string;
  name: string;
  sha256: Uint8Array;
}

/** A device window of the board; MMIO events refer to devices by index in `TraceHeader.devices`. */
export interface TraceDevice {
  name: string;
  base: bigint;
  size: bigint;
}

/** The machine configuration of a recorded run. */
export interface TraceMachine {
  memoryMib: number;
  harts: number;
  bios: string;
  kernel: string;
  initrd: string;
  append: string;
  backend: string;
  clock: 'virtual' | 'host';
}

/** The trace header: everything a replay needs besides the events. */
export interface TraceHeader {
  toolVersion: string;
  machine: TraceMachine;
  images: TraceImage[];
  argv: string[];
  /** Wall-clock start of the recording, as text (informative only). */
  startTime: string;
  /** Instructions between two digests of a hart (0 = none). */
  digestInterval: number;
  devices: TraceDevice[];
  /** The recorder's run slice in instructions (0 in version 1 traces, which used 5,000,000). */
  sliceInstructions: number;
  /** Instructions between two snapshots (0 = none). */
  snapshotInterval: number;
}

/** Where one chunk lies in the file (an index entry). */
export interface ChunkMeta {
  /** File offset of the chunk frame. */
  offset: number;
  /** icount of the chunk's first event. */
  firstIcount: number;
  eventCount: number;
  codec: number;
  /** Payload length in bytes. */
  length: number;
}

/** Where one snapshot frame lies in the file (an index entry). */
export interface SnapshotMeta {
  /** File offset of the snapshot frame. */
  offset: number;
  /** Hart 0's icount at the snapshot. */
  icount: number;
  /** Number of the snapshot in the run. */
  sequence: number;
  /** Payload length in bytes. */
  length: number;
  /** Chunks written before the snapshot frame (replay resumes with the next chunk). */
  chunksBefore: number;
}

/** The footer written on a clean close. */
export interface TraceFooter {
  chunks: ChunkMeta[];
  snapshots: SnapshotMeta[];
  eventCount: number;
}

/** Finds `proto/trace.proto` from this module, whether run from `src/trace/` or `dist/src/trace/`. */
function protoPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth++) {
    const candidate = join(dir, 'proto', 'trace.proto');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new TraceError('cannot find proto/trace.proto above the dejavm package modules');
}

const root = protobuf.loadSync(protoPath());
const HeaderType = root.lookupType('dejavm.trace.Header');
const FooterType = root.lookupType('dejavm.trace.Footer');
const CONVERSION = { longs: String, bytes: Array, enums: String, defaults: true, arrays: true, objects: true };

/** Encodes the header, stamping `formatVersion` into it. */
export function encodeHeader(header: TraceHeader, formatVersion: number): Uint8Array {
  const { machine } = header;
  return HeaderType.encode(HeaderType.fromObject({
    formatVersion,
    toolVersion: header.toolVersion,
    machine: { ...machine, clock: machine.clock === 'host' ? 'CLOCK_HOST' : 'CLOCK_VIRTUAL' },
    images: header.images,
    argv: header.argv,
    startTime: header.startTime,
    digestInterval: String(header.digestInterval),
    sliceInstructions: String(header.sliceInstructions),
    snapshotInterval: String(header.snapshotInterval),
    devices: header.devices.map((device) => ({ name: device.name, base: String(device.base), size: String(device.size) })),
  })).finish();
}

/** Runs a protobuf decode, turning any failure into a TraceError at `offset`. */
function decodeAt<T>(what: string, offset: number, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof TraceError) throw error;
    throw new TraceError(`malformed trace ${what}: ${(error as Error).message.split('\n')[0]}`, offset);
  }
}

/** A protobuf uint64 (as decimal text) as a number, refusing values past 2^53. */
function safeNumber(text: string, what: string, offset: number): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new TraceError(`trace ${what} ${text} is out of range`, offset);
  return value;
}

/** Decodes header bytes found at file offset `offset`; returns the header and the format version it states. */
export function decodeHeader(bytes: Uint8Array, offset: number): { header: TraceHeader; formatVersion: number } {
  const object = decodeAt('header', offset, () => HeaderType.toObject(HeaderType.decode(bytes), CONVERSION));
  const machine = (object.machine ?? {}) as Record<string, unknown>;
  return {
    formatVersion: object.formatVersion as number,
    header: {
      toolVersion: object.toolVersion as string,
      machine: {
        memoryMib: (machine.memoryMib ?? 0) as number,
        harts: (machine.harts ?? 0) as number,
        bios: (machine.bios ?? '') as string,
        kernel: (machine.kernel ?? '') as string,
        initrd: (machine.initrd ?? '') as string,
        append: (machine.append ?? '') as string,
        backend: (machine.backend ?? '') as string,
        clock: machine.clock === 'CLOCK_HOST' ? 'host' : 'virtual',
      },
      images: (object.images as { role: string; name: string; sha256: number[] }[])
        .map((image) => ({ role: image.role, name: image.name, sha256: Uint8Array.from(image.sha256) })),
      argv: object.argv as string[],
      startTime: object.startTime as string,
      digestInterval: safeNumber(object.digestInterval as string, 'digest interval', offset),
      sliceInstructions: safeNumber(object.sliceInstructions as string, 'slice', offset),
      snapshotInterval: safeNumber(object.snapshotInterval as string, 'snapshot interval', offset),
      devices: (object.devices as { name: string; base: string; size: string }[])
        .map((device) => ({ name: device.name, base: BigInt(device.base), size: BigInt(device.size) })),
    },
  };
}

/** Encodes the footer (the chunk index and the event total). */
export function encodeFooter(footer: TraceFooter): Uint8Array {
  return FooterType.encode(FooterType.fromObject({
    index: {
      chunks: footer.chunks.map((chunk) => ({ ...chunk, offset: String(chunk.offset), firstIcount: String(chunk.firstIcount) })),
      snapshots: footer.snapshots.map((snapshot) => ({ ...snapshot, offset: String(snapshot.offset), icount: String(snapshot.icount) })),
    },
    eventCount: String(footer.eventCount),
  })).finish();
}

/** Decodes footer bytes found at file offset `offset`. */
export function decodeFooter(bytes: Uint8Array, offset: number): TraceFooter {
  const object = decodeAt('footer', offset, () => FooterType.toObject(FooterType.decode(bytes), CONVERSION));
  const index = (object.index ?? { chunks: [], snapshots: [] }) as { chunks: Record<string, string | number>[]; snapshots?: Record<string, string | number>[] };
  const chunks = index.chunks.map((chunk) => ({
    offset: safeNumber(String(chunk.offset), 'chunk offset', offset),
    firstIcount: safeNumber(String(chunk.firstIcount), 'chunk icount', offset),
    eventCount: chunk.eventCount as number,
    codec: chunk.codec as number,
    length: chunk.length as number,
  }));
  const snapshots = (index.snapshots ?? []).map((snapshot) => ({
    offset: safeNumber(String(snapshot.offset), 'snapshot offset', offset),
    icount: safeNumber(String(snapshot.icount), 'snapshot icount', offset),
    sequence: snapshot.sequence as number,
    length: snapshot.length as number,
    chunksBefore: snapshot.chunksBefore as number,
  }));
  return { chunks, snapshots, eventCount: safeNumber(object.eventCount as string, 'event count', offset) };
}
