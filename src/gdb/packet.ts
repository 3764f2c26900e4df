/**
 * The framing layer of the GDB remote serial protocol: `$payload#cs`
 * packets with a modulo-256 checksum, `}` escapes (the byte XOR 0x20),
 * run-length encoding (`c*n`: `n - 29` more copies of `c`), acks (`+`/`-`)
 * and the out-of-band interrupt byte (0x03).
 *
 * Payloads travel as latin1 strings: one character per byte, so binary data
 * (the `X` packet) passes through unchanged.
 */

/** Largest decoded payload the server accepts (and announces as PacketSize). */
export const MAX_PACKET_BYTES = 0x4000;

const DOLLAR = 0x24;
const HASH = 0x23;
const ESCAPE = 0x7d;
const RUN = 0x2a;
const INTERRUPT = 0x03;
const ACK = 0x2b;
const NACK = 0x2d;
/** Run-length counts are printable characters: count + 29, never `#` or `$`. */
const RUN_BIAS = 29;
const MAX_RUN = 126 - RUN_BIAS;

/** Something the decoder found in the byte stream. */
export type Frame =
  | { readonly type: 'packet'; readonly payload: string }
  | { readonly type: 'bad-checksum' }
  | { readonly type: 'oversized' }
  | { readonly type: 'ack' }
  | { readonly type: 'nack' }
  | { readonly type: 'interrupt' };

const enum State { IDLE, DATA, CHECKSUM_HIGH, CHECKSUM_LOW }

/**
 * Incremental packet decoder: feed it bytes as they arrive, in pieces of any
 * size; it returns the frames completed by each piece. Bytes outside a packet
 * that are not acks or an interrupt are ignored, as gdb's own stubs do.
 */
export class PacketDecoder {
  private state = State.IDLE;
  private readonly data: number[] = [];
  private sum = 0;
  private escaped = false;
  private runPending = false;
  private oversized = false;
  private checksumHigh = 0;

  constructor(private readonly maxBytes = MAX_PACKET_BYTES) {}

  /** Decode `bytes`; returns every frame they complete, in order. */
  push(bytes: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    for (const byte of bytes) {
      const frame = this.pushByte(byte);
      if (frame !== undefined) frames.push(frame);
    }
    return frames;
  }

  private pushByte(byte: number): Frame | undefined {
    switch (this.state) {
      case State.IDLE:
        if (byte === DOLLAR) this.startPacket();
        else if (byte === ACK) return { type: 'ack' };
        else if (byte === NACK) return { type: 'nack' };
        else if (byte === INTERRUPT) return { type: 'interrupt' };
        return undefined;
      case State.DATA:
        if (byte === HASH) this.state = State.CHECKSUM_HIGH;
        else {
          this.sum = (this.sum + byte) & 0xff;
          this.addDataByte(byte);
        }
        return undefined;
      case State.CHECKSUM_HIGH:
        this.checksumHigh = hexDigit(byte);
        this.state = State.CHECKSUM_LOW;
        return undefined;
      case State.CHECKSUM_LOW:
        this.state = State.IDLE;
        return this.finishPacket((this.checksumHigh << 4) | hexDigit(byte));
    }
  }

  private startPacket(): void {
    this.state = State.DATA;
    this.data.length = 0;
    this.sum = 0;
    this.escaped = false;
    this.runPending = false;
    this.oversized = false;
  }

  private addDataByte(byte: number): void {
    if (this.runPending) {
      this.runPending = false;
      const previous = this.data[this.data.length - 1];
      const count = byte - RUN_BIAS;
      if (previous === undefined || count < 0) return;
      this.append(previous, count);
    } else if (this.escaped) {
      this.escaped = false;
      this.append(byte ^ 0x20, 1);
    } else if (byte === ESCAPE) {
      this.escaped = true;
    } else if (byte === RUN) {
      this.runPending = true;
    } else {
      this.append(byte, 1);
    }
  }

  private append(byte: number, count: number): void {
    if (this.data.length + count > this.maxBytes) {
      this.oversized = true;
      // Keep the last byte so a run-length marker still has something to repeat.
      this.data.length = Math.min(this.data.length, 1);
      return;
    }
    for (let i = 0; i < count; i++) this.data.push(byte);
  }

  private finishPacket(checksum: number): Frame {
    if (checksum !== this.sum) return { type: 'bad-checksum' };
    if (this.oversized) return { type: 'oversized' };
    return { type: 'packet', payload: String.fromCharCode(...this.data) };
  }
}

/** The value of a hex digit, or -1 (so a bad checksum digit never matches). */
function hexDigit(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x41 + 10;
  return -0x100;
}

function needsEscape(code: number): boolean {
  return code === DOLLAR || code === HASH || code === ESCAPE || code === RUN;
}

/**
 * Frame `payload` (a latin1 string) as `$...#cs`: escapes `$ # } *` and
 * run-length encodes runs of four or more equal characters.
 */
export function encodePacket(payload: string): Uint8Array {
  const out: number[] = [DOLLAR];
  let sum = 0;
  const emit = (byte: number): void => {
    out.push(byte);
    sum = (sum + byte) & 0xff;
  };
  for (let i = 0; i < payload.length;) {
    const code = payload.charCodeAt(i) & 0xff;
    if (needsEscape(code)) {
      emit(ESCAPE);
      emit(code ^ 0x20);
      i++;
      continue;
    }
    let run = 1;
    while (i + run < payload.length && payload.charCodeAt(i + run) === code && run <= MAX_RUN) run++;
    emit(code);
    let repeats = run - 1;
    // Counts of 6 and 7 would encode as '#' and '$': send one copy less in the run.
    if (repeats === 6 || repeats === 7) repeats = 5;
    if (repeats >= 3) {
      emit(RUN);
      emit(repeats + RUN_BIAS);
      i += repeats + 1;
    } else {
      i++;
    }
  }
  out.push(HASH);
  out.push(...Buffer.from(sum.toString(16).padStart(2, '0'), 'latin1'));
  return Uint8Array.from(out);
}
