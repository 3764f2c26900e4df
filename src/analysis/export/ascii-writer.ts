/**
 * A byte buffer for writing large ASCII text (JSON) without building
 * strings: constant pieces are encoded once and copied, numbers are written
 * digit by digit. Building millions of small strings and joining them costs
 * more in garbage collection than the text is worth.
 */

import { GrowingBuffer } from './growing-buffer.js';

const encoder = new TextEncoder();
const HEX_DIGITS = encoder.encode('0123456789abcdef');
const ZERO = 0x30;

/** Text encoded once as UTF-8, to copy into an {@link AsciiWriter} many times. */
export function encodeText(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * An append-only text buffer; hand its bytes on with `drain`. The number and
 * hex writers do not check capacity: `reserve` 20 bytes per number first.
 */
export class AsciiWriter extends GrowingBuffer {
  /** Copies `bytes` (checks capacity). */
  bytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    const buffer = this.buffer;
    let length = this.length;
    // Measured: a loop beats TypedArray.set for a few bytes, and loses badly (half the export's speed) for the 60-byte event prefixes.
    if (bytes.length <= 16) {
      for (let index = 0; index < bytes.length; index++) buffer[length++] = bytes[index]!;
    } else {
      buffer.set(bytes, length);
      length += bytes.length;
    }
    this.length = length;
  }

  /** A non-negative safe integer in decimal. */
  decimal(value: number): void {
    const buffer = this.buffer;
    if (value < 10) {
      buffer[this.length++] = ZERO + value;
      return;
    }
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    let position = this.length + digits;
    this.length = position;
    for (let rest = value; position > this.length - digits; rest = Math.floor(rest / 10)) buffer[--position] = ZERO + (rest % 10);
  }

  /** A 64-bit unsigned value as `0x` and lowercase hex digits. */
  hex(value: bigint): void {
    const buffer = this.buffer;
    buffer[this.length++] = ZERO;
    buffer[this.length++] = 0x78;
    const approximate = Number(value);
    if (approximate >= 0 && approximate < 0x1_0000_0000) {
      this.hex32(approximate);
      return;
    }
    const unsigned = BigInt.asUintN(64, value);
    const high = Number(unsigned >> 32n);
    const low = Number(unsigned & 0xffff_ffffn);
    this.hex32(high);
    for (let shift = 28; shift >= 0; shift -= 4) buffer[this.length++] = HEX_DIGITS[(low >>> shift) & 15]!;
  }

  private hex32(value: number): void {
    let shift = 28;
    while (shift > 0 && ((value >>> shift) & 15) === 0) shift -= 4;
    for (; shift >= 0; shift -= 4) this.buffer[this.length++] = HEX_DIGITS[(value >>> shift) & 15]!;
  }
}
