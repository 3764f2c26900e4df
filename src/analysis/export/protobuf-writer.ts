/**
 * A minimal protobuf encoder for writing millions of small messages fast:
 * one growing byte buffer, varint and length-delimited fields, and nested
 * messages whose length is patched in once they are complete. It writes the
 * wire format only; the schema lives with the caller (field numbers).
 *
 * For speed, the numeric field writers do not check capacity: call
 * {@link ProtobufWriter.reserve} with an upper bound for the fields that follow
 * (at most 12 bytes per varint field, plus 3 per `begin`). Tags take at most two
 * bytes: field numbers stay below 2048.
 */

import { GrowingBuffer } from './growing-buffer.js';

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const TWO_TO_32 = 0x1_0000_0000;
const encoder = new TextEncoder();

/** Bytes of a varint for `value` (a non-negative safe integer). */
function varintLength(value: number): number {
  let length = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    length++;
  }
  return length;
}

/** An append-only protobuf encoder; hand its bytes on with {@link ProtobufWriter.drain}. */
export class ProtobufWriter extends GrowingBuffer {
  /** Where the length byte of each open message is, innermost last. */
  private readonly openMessages = new Int32Array(32);
  private depth = 0;

  /** A varint field (`value` a non-negative safe integer). */
  uint(field: number, value: number): void {
    const buffer = this.buffer;
    let length = this.length;
    const tag = field * 8 + WIRE_VARINT;
    if (tag < 0x80) buffer[length++] = tag;
    else {
      buffer[length++] = (tag & 0x7f) | 0x80;
      buffer[length++] = tag >>> 7;
    }
    if (value < 0x80) {
      buffer[length++] = value;
      this.length = length;
      return;
    }
    this.length = length;
    this.varint(value);
  }

  /** Copies pre-encoded bytes (whole fields encoded once, e.g. with a scratch writer); does not check capacity. */
  raw(bytes: Uint8Array): void {
    const buffer = this.buffer;
    let length = this.length;
    for (let index = 0; index < bytes.length; index++) buffer[length++] = bytes[index]!;
    this.length = length;
  }

  /** A varint field holding a 64-bit unsigned value. */
  uint64(field: number, value: bigint): void {
    // One conversion tells small values apart: rounding is monotonic, so a result below 2^53 means the value is below it too.
    const approximate = Number(value);
    if (approximate >= 0 && approximate < 2 ** 53) {
      this.uint(field, approximate);
      return;
    }
    this.varint(field * 8 + WIRE_VARINT);
    let rest = BigInt.asUintN(64, value);
    while (rest >= 0x80n) {
      this.buffer[this.length++] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    this.buffer[this.length++] = Number(rest);
  }

  /**
   * A nested message in `field` (below 16) made of `prefix` (fields encoded
   * beforehand) and one 64-bit varint field; the caller guarantees it stays
   * under 128 bytes, so its length takes one byte and nothing moves.
   */
  smallMessage(field: number, prefix: Uint8Array, valueField: number, value: bigint): void {
    this.buffer[this.length++] = field * 8 + WIRE_LENGTH_DELIMITED;
    const at = this.length++;
    this.raw(prefix);
    this.uint64(valueField, value);
    this.buffer[at] = this.length - at - 1;
  }

  /** A string field (UTF-8); checks capacity itself. */
  string(field: number, value: string): void {
    const bytes = encoder.encode(value);
    this.reserve(bytes.length + 15);
    this.varint(field * 8 + WIRE_LENGTH_DELIMITED);
    this.varint(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Opens a nested message in `field`; close it with {@link ProtobufWriter.end}. */
  begin(field: number): void {
    const tag = field * 8 + WIRE_LENGTH_DELIMITED;
    if (tag < 0x80) this.buffer[this.length++] = tag;
    else this.varint(tag);
    if (this.depth === this.openMessages.length) throw new Error('ProtobufWriter: messages nested too deep');
    this.openMessages[this.depth++] = this.length;
    this.length++;
  }

  /** Closes the innermost open message, writing its length (moving its body when the length needs more than a byte). */
  end(): void {
    if (this.depth === 0) throw new Error('ProtobufWriter.end without begin');
    const at = this.openMessages[--this.depth]!;
    const bodyLength = this.length - at - 1;
    if (bodyLength < 0x80) {
      this.buffer[at] = bodyLength;
      return;
    }
    const extra = varintLength(bodyLength) - 1;
    this.reserve(extra);
    this.buffer.copyWithin(at + 1 + extra, at + 1, this.length);
    this.length += extra;
    let rest = bodyLength;
    let position = at;
    while (rest >= 0x80) {
      this.buffer[position++] = (rest & 0x7f) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buffer[position] = rest;
  }

  /**
   * Hands the bytes written so far to `write` (a view valid only during the
   * call) and empties the writer; refused while a message is open.
   */
  override drain(write: (bytes: Uint8Array) => void): void {
    if (this.depth > 0) throw new Error('ProtobufWriter.drain inside an open message');
    super.drain(write);
  }

  private varint(value: number): void {
    const buffer = this.buffer;
    let length = this.length;
    if (value < TWO_TO_32) {
      while (value >= 0x80) {
        buffer[length++] = (value & 0x7f) | 0x80;
        value >>>= 7;
      }
    } else {
      while (value >= 0x80) {
        buffer[length++] = (value & 0x7f) | 0x80;
        value = Math.floor(value / 0x80);
      }
    }
    buffer[length++] = value;
    this.length = length;
  }
}
