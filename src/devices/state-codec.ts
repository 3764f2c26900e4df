/**
 * A tiny binary format for device snapshots: a tag naming the device kind and
 * a format version, then fixed little-endian fields. Every device's `save()`
 * writes one and its `restore()` reads one back.
 *
 * Why a hand-written format: snapshots are hashed and compared byte for byte,
 * so the encoding must be canonical (one state, one byte string), which
 * JSON of bigints and maps is not.
 */

const TEXT = new TextEncoder();
const TEXT_DECODER = new TextDecoder();

/** Appends fields to a growing snapshot buffer. */
export class StateWriter {
  private buffer = new Uint8Array(64);
  private view = new DataView(this.buffer.buffer);
  private length = 0;

  /** Starts a snapshot of a device kind (`tag`) in format `version`. */
  constructor(tag: string, version: number) {
    const tagBytes = TEXT.encode(tag);
    this.u8(tagBytes.length);
    this.raw(tagBytes);
    this.u8(version);
  }

  /** Appends one byte. */
  u8(value: number): this {
    this.reserve(1);
    this.view.setUint8(this.length, value);
    this.length += 1;
    return this;
  }

  /** Appends a boolean as one byte, 0 or 1. */
  bool(value: boolean): this {
    return this.u8(value ? 1 : 0);
  }

  /** Appends an unsigned 16-bit integer. */
  u16(value: number): this {
    this.reserve(2);
    this.view.setUint16(this.length, value, true);
    this.length += 2;
    return this;
  }

  /** Appends an unsigned 32-bit integer. */
  u32(value: number): this {
    this.reserve(4);
    this.view.setUint32(this.length, value >>> 0, true);
    this.length += 4;
    return this;
  }

  /** Appends an unsigned 64-bit integer (taken modulo 2^64). */
  u64(value: bigint): this {
    this.reserve(8);
    this.view.setBigUint64(this.length, BigInt.asUintN(64, value), true);
    this.length += 8;
    return this;
  }

  /** Appends a byte string preceded by its 32-bit length. */
  bytes(value: Uint8Array): this {
    this.u32(value.length);
    return this.raw(value);
  }

  /** The finished snapshot (a copy the caller owns). */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private raw(value: Uint8Array): this {
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
    return this;
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }
}

/**
 * Reads fields back from a snapshot, throwing an `Error` that names the
 * device, the field and the byte offset on any malformed input.
 */
export class StateReader {
  private readonly view: DataView;
  private offset = 0;

  /**
   * Opens `state`, checking that it was written for `tag` in `version`.
   * @throws Error when the tag or version differ or the header is truncated.
   */
  constructor(
    private readonly state: Uint8Array,
    private readonly tag: string,
    version: number,
  ) {
    this.view = new DataView(state.buffer, state.byteOffset, state.byteLength);
    const tagLength = this.u8('tag length');
    this.need(tagLength, 'tag');
    const found = TEXT_DECODER.decode(state.subarray(this.offset, this.offset + tagLength));
    this.offset += tagLength;
    if (found !== tag) this.fail(`is a snapshot of "${found}", not "${tag}"`);
    const foundVersion = this.u8('version');
    if (foundVersion !== version) this.fail(`has format version ${foundVersion}, expected ${version}`);
  }

  /** Reads one byte; `what` names the field in error messages. */
  u8(what: string): number {
    this.need(1, what);
    const value = this.view.getUint8(this.offset);
    this.offset += 1;
    return value;
  }

  /** Reads a boolean byte, which must be 0 or 1. */
  bool(what: string): boolean {
    const value = this.u8(what);
    if (value > 1) this.fail(`field ${what} at byte ${this.offset - 1} is ${value}, not 0 or 1`);
    return value === 1;
  }

  /** Reads an unsigned 16-bit integer. */
  u16(what: string): number {
    this.need(2, what);
    const value = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return value;
  }

  /** Reads an unsigned 32-bit integer. */
  u32(what: string): number {
    this.need(4, what);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  /** Reads an unsigned 64-bit integer. */
  u64(what: string): bigint {
    this.need(8, what);
    const value = this.view.getBigUint64(this.offset, true);
    this.offset += 8;
    return value;
  }

  /** Reads a length-prefixed byte string of at most `maxLength` bytes. */
  bytes(what: string, maxLength: number): Uint8Array {
    const at = this.offset;
    const length = this.u32(`${what} length`);
    if (length > maxLength) this.fail(`field ${what} at byte ${at} has length ${length}, more than ${maxLength}`);
    this.need(length, what);
    const value = this.state.slice(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  /** Checks a decoded value; throws naming `what` when `ok` is false. */
  check(ok: boolean, what: string, detail: string): void {
    if (!ok) this.fail(`field ${what} before byte ${this.offset} ${detail}`);
  }

  /** Asserts that the whole snapshot was consumed. */
  done(): void {
    if (this.offset !== this.state.length) {
      this.fail(`has ${this.state.length - this.offset} unexpected trailing bytes at byte ${this.offset}`);
    }
  }

  private need(count: number, what: string): void {
    if (this.offset + count > this.state.length) {
      this.fail(`is truncated at byte ${this.offset}: field ${what} needs ${count} bytes`);
    }
  }

  private fail(message: string): never {
    throw new Error(`${this.tag} snapshot ${message}`);
  }
}
