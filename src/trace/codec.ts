/**
 * The event codec (codec id 1): a compact varint encoding of `TraceEvent`s.
 *
 * Per event: a tag byte (kind in bits 0-3, hart in bits 4-7, or 15 and the
 * hart as a varint after it), the icount as a zig-zag varint delta from the
 * previous event of the same hart in the same chunk (so every chunk decodes
 * on its own), then the kind's fields: numbers and 64-bit bigints as LEB128
 * varints, byte arrays and strings length-prefixed. An EXEC event's pc is a
 * zig-zag delta from the previous EXEC pc of the same hart in the chunk (one
 * byte for straight-line code).
 *
 * Bigints are stored modulo 2^64 and decode as unsigned (the model's values
 * are addresses and register contents). The encoder writes into one growing
 * buffer with no per-event allocation for the fixed-size kinds.
 */
import { EventKind, type TraceEvent } from './events.js';
import { TraceError } from './errors.js';

/** The codec id of this encoding, stored in every chunk frame. */
export const VARINT_CODEC = 1;

/** Harts above this id are refused (they would make per-hart tables sparse). */
export const MAX_HART = 4095;

/** The largest icount the codec holds (2^52 - 1: its zig-zag deltas stay safe integers). */
export const MAX_ICOUNT = 2 ** 52 - 1;

const HART_ESCAPE = 15;
const TWO_POW_32 = 0x1_0000_0000;
const MMIO_SIZE_CODE: Record<number, number> = { 1: 0, 2: 1, 4: 2, 8: 3 };
const MMIO_SIZES = [1, 2, 4, 8] as const;

const scratch64 = new BigUint64Array(1);
const scratch32 = new Uint32Array(scratch64.buffer);
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Encodes events into a growing buffer. `headroom` bytes are left free at
 * the start of the buffer so the writer can put a frame header there and
 * write frame and payload in one call.
 */
export class EventEncoder {
  private buffer: Uint8Array;
  private position: number;
  private lastIcount: number[] = [];
  private lastPc: bigint[] = [];
  private events = 0;
  private firstIcountOfChunk = 0;

  /** Creates an encoder with `headroom` free bytes before the payload. */
  constructor(private readonly headroom = 0, initialCapacity = 1 << 16) {
    this.buffer = new Uint8Array(Math.max(initialCapacity, headroom + 64));
    this.position = headroom;
  }

  /** Payload bytes encoded since the last reset. */
  get byteLength(): number {
    return this.position - this.headroom;
  }

  /** Events encoded since the last reset. */
  get eventCount(): number {
    return this.events;
  }

  /** icount of the first event since the last reset (0 when there is none). */
  get firstIcount(): number {
    return this.firstIcountOfChunk;
  }

  /** The headroom followed by the payload; valid until the next `encode` or `reset`. */
  frame(): Uint8Array {
    return this.buffer.subarray(0, this.position);
  }

  /** The payload alone; valid until the next `encode` or `reset`. */
  payload(): Uint8Array {
    return this.buffer.subarray(this.headroom, this.position);
  }

  /** Starts a new chunk: empties the payload and forgets every hart's icount. */
  reset(): void {
    this.position = this.headroom;
    this.lastIcount.fill(0);
    this.lastPc.fill(0n);
    this.events = 0;
    this.firstIcountOfChunk = 0;
  }

  /**
   * Appends one event. Throws a TraceError for a value the format cannot
   * hold (hart id, icount, a negative or fractional number, an MMIO size),
   * leaving the chunk as it was before the call.
   */
  encode(event: TraceEvent): void {
    const { hart, icount } = event;
    if (!(hart >= 0 && hart <= MAX_HART && Number.isInteger(hart))) throw new TraceError(`cannot encode hart id ${hart}`);
    if (!(Number.isInteger(icount) && icount >= 0 && icount <= MAX_ICOUNT)) throw new TraceError(`cannot encode icount ${icount}`);
    const start = this.position;
    while (this.lastIcount.length <= hart) this.lastIcount.push(0);
    const previousIcount = this.lastIcount[hart]!;
    try {
      this.encodeFields(event);
    } catch (error) {
      this.position = start;
      this.lastIcount[hart] = previousIcount;
      throw error;
    }
    if (this.events === 0) this.firstIcountOfChunk = icount;
    this.events++;
  }

  /** Writes the tag, the icount delta and the kind's fields. */
  private encodeFields(event: TraceEvent): void {
    const { hart, icount } = event;
    this.reserve(64);
    if (hart < HART_ESCAPE) {
      this.buffer[this.position++] = event.kind | (hart << 4);
    } else {
      this.buffer[this.position++] = event.kind | (HART_ESCAPE << 4);
      this.writeNumber(hart);
    }
    const last = this.lastIcount;
    const delta = icount - last[hart]!;
    last[hart] = icount;
    this.writeNumber(delta >= 0 ? delta * 2 : -delta * 2 - 1);
    switch (event.kind) {
      case EventKind.TRAP:
        this.writeNumber(event.cause * 2 + (event.interrupt ? 1 : 0));
        this.writeBigint(event.tval);
        this.writeBigint(event.epc);
        this.writeNumber(event.fromPriv);
        this.writeNumber(event.toPriv);
        break;
      case EventKind.IRQ:
        this.writeNumber(event.line * 2 + (event.level ? 1 : 0));
        break;
      case EventKind.MMIO_READ:
      case EventKind.MMIO_WRITE:
        this.writeNumber(event.device);
        this.writeNumber(event.offset * 4 + MMIO_SIZE_CODE[event.size]!);
        this.writeBigint(event.value);
        break;
      case EventKind.DMA:
        this.writeBigint(event.address);
        this.writeBytes(event.bytes);
        break;
      case EventKind.CONSOLE_INPUT:
        this.writeBytes(event.bytes);
        break;
      case EventKind.CLOCK:
        this.writeBigint(event.ticks);
        break;
      case EventKind.DIGEST:
        this.writeBytes(event.sha256);
        break;
      case EventKind.SNAPSHOT:
        this.writeNumber(event.sequence);
        break;
      case EventKind.EXEC: {
        while (this.lastPc.length <= hart) this.lastPc.push(0n);
        const delta = BigInt.asIntN(64, event.pc - this.lastPc[hart]!);
        this.writeBigint(delta >= 0n ? delta << 1n : ((-delta) << 1n) - 1n);
        this.lastPc[hart] = BigInt.asUintN(64, event.pc);
        break;
      }
      case EventKind.END:
        this.writeBytes(textEncoder.encode(event.reason));
        this.writeNumber(event.exitCode >= 0 ? event.exitCode * 2 : -event.exitCode * 2 - 1);
        this.writeNumber(event.icounts.length);
        for (const count of event.icounts) {
          this.reserve(10);
          this.writeNumber(count);
        }
        this.writeBytes(event.sha256);
        break;
    }
  }

  /** Makes room for `bytes` more bytes. */
  private reserve(bytes: number): void {
    if (this.position + bytes <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.position + bytes));
    grown.set(this.buffer.subarray(0, this.position));
    this.buffer = grown;
  }

  /** Writes a non-negative safe integer as a varint (the caller reserved 8 bytes). */
  private writeNumber(value: number): void {
    if (!(Number.isSafeInteger(value) && value >= 0)) throw new TraceError(`cannot encode field value ${value}`);
    const buffer = this.buffer;
    let position = this.position;
    while (value >= TWO_POW_32) {
      buffer[position++] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 128);
    }
    while (value >= 0x80) {
      buffer[position++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buffer[position++] = value;
    this.position = position;
  }

  /** Writes a bigint modulo 2^64 as a varint of up to 10 bytes. */
  private writeBigint(value: bigint): void {
    scratch64[0] = value;
    let low = scratch32[0]!;
    let high = scratch32[1]!;
    const buffer = this.buffer;
    let position = this.position;
    while (high !== 0) {
      buffer[position++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    while (low >= 0x80) {
      buffer[position++] = (low & 0x7f) | 0x80;
      low >>>= 7;
    }
    buffer[position++] = low;
    this.position = position;
  }

  /** Writes a length-prefixed byte array. */
  private writeBytes(bytes: Uint8Array): void {
    this.reserve(bytes.length + 10);
    this.writeNumber(bytes.length);
    this.buffer.set(bytes, this.position);
    this.position += bytes.length;
  }
}

/**
 * Decodes the payload of one chunk. Every malformed input (truncated
 * varint, unknown kind, length past the end, bad UTF-8, wrong event count)
 * throws a TraceError whose offset is `fileOffset` plus the position in the
 * payload.
 */
export class EventDecoder {
  private position = 0;
  private decoded = 0;
  private readonly lastIcount: number[] = [];
  private readonly lastPc: bigint[] = [];

  /** Prepares to decode `eventCount` events from `payload`, found at `fileOffset` in the file. */
  constructor(private readonly payload: Uint8Array, private readonly eventCount: number, private readonly fileOffset = 0) {}

  /** The next event, or undefined after the last one (having checked the payload ends there). */
  next(): TraceEvent | undefined {
    if (this.decoded === this.eventCount) {
      if (this.position !== this.payload.length) this.fail(`${this.payload.length - this.position} bytes left after the chunk's last event`);
      return undefined;
    }
    if (this.position >= this.payload.length) this.fail(`chunk payload ends after ${this.decoded} of ${this.eventCount} events`);
    const tag = this.payload[this.position++]!;
    const kind = tag & 0xf;
    let hart = tag >>> 4;
    if (hart === HART_ESCAPE) {
      hart = this.readNumber();
      if (hart > MAX_HART) this.fail(`hart id ${hart} is out of range`);
    }
    const last = this.lastIcount;
    while (last.length <= hart) last.push(0);
    const zigzag = this.readNumber();
    const icount = last[hart]! + (zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2);
    if (!(icount >= 0 && icount <= MAX_ICOUNT)) this.fail(`icount ${icount} is out of range`);
    last[hart] = icount;
    this.decoded++;
    switch (kind) {
      case EventKind.TRAP: {
        const causeAndFlag = this.readNumber();
        return {
          kind, hart, icount, interrupt: causeAndFlag % 2 === 1, cause: Math.floor(causeAndFlag / 2),
          tval: this.readBigint(), epc: this.readBigint(), fromPriv: this.readNumber(), toPriv: this.readNumber(),
        };
      }
      case EventKind.IRQ: {
        const lineAndLevel = this.readNumber();
        return { kind, hart, icount, line: Math.floor(lineAndLevel / 2), level: lineAndLevel % 2 === 1 };
      }
      case EventKind.MMIO_READ:
      case EventKind.MMIO_WRITE: {
        const device = this.readNumber();
        const offsetAndSize = this.readNumber();
        return { kind, hart, icount, device, offset: Math.floor(offsetAndSize / 4), size: MMIO_SIZES[offsetAndSize % 4]!, value: this.readBigint() };
      }
      case EventKind.DMA:
        return { kind, hart, icount, address: this.readBigint(), bytes: this.readBytes() };
      case EventKind.CONSOLE_INPUT:
        return { kind, hart, icount, bytes: this.readBytes() };
      case EventKind.CLOCK:
        return { kind, hart, icount, ticks: this.readBigint() };
      case EventKind.DIGEST:
        return { kind, hart, icount, sha256: this.readBytes() };
      case EventKind.SNAPSHOT:
        return { kind, hart, icount, sequence: this.readNumber() };
      case EventKind.EXEC: {
        while (this.lastPc.length <= hart) this.lastPc.push(0n);
        const zigzagPc = this.readBigint();
        const pc = BigInt.asUintN(64, this.lastPc[hart]! + ((zigzagPc & 1n) === 0n ? zigzagPc >> 1n : -((zigzagPc + 1n) >> 1n)));
        this.lastPc[hart] = pc;
        return { kind, hart, icount, pc };
      }
      case EventKind.END:
        return this.readEnd(hart, icount);
      default:
        return this.fail(`unknown event kind ${kind}`, -1);
    }
  }

  /** The fields of an END event. */
  private readEnd(hart: number, icount: number): TraceEvent {
    const reasonAt = this.position;
    const reasonBytes = this.readBytes();
    let reason: string;
    try {
      reason = textDecoder.decode(reasonBytes);
    } catch {
      return this.fail('end reason is not UTF-8', reasonAt - this.position);
    }
    const zigzag = this.readNumber();
    const exitCode = zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
    const harts = this.readNumber();
    if (harts > this.payload.length - this.position) this.fail(`end event lists ${harts} harts, more than the chunk holds`);
    const icounts: number[] = [];
    for (let index = 0; index < harts; index++) icounts.push(this.readNumber());
    return { kind: EventKind.END, hart, icount, reason, exitCode, icounts, sha256: this.readBytes() };
  }

  /** Reads a varint that must fit a safe integer. */
  private readNumber(): number {
    const payload = this.payload;
    let position = this.position;
    let byte = payload[position++];
    if (byte !== undefined && byte < 0x80) {
      this.position = position;
      return byte;
    }
    let value = 0;
    let scale = 1;
    for (let count = 0; ; count++) {
      if (byte === undefined) this.fail('varint runs past the end of the chunk', position - 1 - this.position);
      if (count === 8) this.fail('varint is too long for a number');
      value += (byte! & 0x7f) * scale;
      if (byte! < 0x80) break;
      scale *= 128;
      byte = payload[position++];
    }
    if (value > Number.MAX_SAFE_INTEGER) this.fail('varint is too large for a number');
    this.position = position;
    return value;
  }

  /** Reads a varint of up to 64 bits as an unsigned bigint. */
  private readBigint(): bigint {
    const payload = this.payload;
    let position = this.position;
    let low = 0;
    let high = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = payload[position++];
      if (byte === undefined) this.fail('varint runs past the end of the chunk', position - 1 - this.position);
      if (shift === 63 && byte! > 1) this.fail('varint is too large for 64 bits');
      const bits = byte! & 0x7f;
      if (shift < 28) low |= bits << shift;
      else if (shift === 28) {
        low |= bits << 28;
        high = bits >>> 4;
      } else high |= bits << (shift - 32);
      if (byte! < 0x80) break;
    }
    this.position = position;
    if (high === 0) return BigInt(low >>> 0);
    scratch32[0] = low >>> 0;
    scratch32[1] = high >>> 0;
    return scratch64[0]!;
  }

  /** Reads a length-prefixed byte array (a copy). */
  private readBytes(): Uint8Array {
    const length = this.readNumber();
    if (length > this.payload.length - this.position) this.fail(`byte string of ${length} bytes runs past the end of the chunk`);
    const bytes = this.payload.slice(this.position, this.position + length);
    this.position += length;
    return bytes;
  }

  /** Throws a TraceError at the current position plus `adjust`. */
  private fail(message: string, adjust = 0): never {
    throw new TraceError(`malformed event: ${message}`, this.fileOffset + this.position + adjust);
  }
}

/** Encodes `events` as one chunk payload (per-hart icount deltas start from 0). */
export function encodeEvents(events: readonly TraceEvent[]): Uint8Array {
  const encoder = new EventEncoder();
  for (const event of events) encoder.encode(event);
  return encoder.payload().slice();
}

/** Decodes a whole chunk payload of `eventCount` events. */
export function decodeEvents(payload: Uint8Array, eventCount: number, fileOffset = 0): TraceEvent[] {
  const decoder = new EventDecoder(payload, eventCount, fileOffset);
  const events: TraceEvent[] = [];
  for (let event = decoder.next(); event !== undefined; event = decoder.next()) events.push(event);
  return events;
}
