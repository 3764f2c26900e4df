/**
 * An append-only byte buffer that doubles when full: the storage the export
 * writers (JSON text, protobuf) fill and hand on in pieces with `drain`.
 * Subclasses write into `buffer` at `length` after a `reserve`.
 */
export class GrowingBuffer {
  protected buffer: Uint8Array;
  protected length = 0;

  constructor(initialBytes = 1 << 20) {
    this.buffer = new Uint8Array(initialBytes);
  }

  /** Bytes written and not yet drained. */
  get byteLength(): number {
    return this.length;
  }

  /** Makes room for `bytes` more bytes. */
  reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + bytes));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  /** Hands the bytes written so far to `write` and empties the buffer. */
  drain(write: (bytes: Uint8Array) => void): void {
    if (this.length === 0) return;
    write(this.buffer.subarray(0, this.length));
    this.length = 0;
  }
}
