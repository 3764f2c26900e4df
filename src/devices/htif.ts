import type { MmioDevice } from '../mem/device.js';
import type { FinishSink } from './finish.js';
import { StateReader, StateWriter } from './state-codec.js';

const DEVICE_SYSTEM = 0n;
const DEVICE_CONSOLE = 1n;
const SYSTEM_CMD_SYSCALL = 0n;
const CONSOLE_CMD_GETC = 0n;
const CONSOLE_CMD_PUTC = 1n;
const PAYLOAD_MASK = 0xffff_ffff_ffffn;
const WORD_MASK = 0xffff_ffffn;
const SNAPSHOT_TAG = 'htif';
const SNAPSHOT_VERSION = 1;

/** Where the HTIF window sits and where `tohost`/`fromhost` are inside it. */
export interface HtifLayout {
  /** Guest-physical address of the window (the lower of the two registers). */
  readonly base: bigint;
  /** Window size in bytes: it overlays RAM, hiding whatever lies between the registers. */
  readonly size: number;
  /** Offset of the 8-byte `tohost` register in the window. */
  readonly tohostOffset: number;
  /** Offset of the 8-byte `fromhost` register in the window. */
  readonly fromhostOffset: number;
}

/**
 * Places the HTIF from an image's symbols, as QEMU's `htif_mm_init` does when
 * both `tohost` and `fromhost` exist: the window spans both registers.
 *
 * When only `tohost` exists we put `fromhost` right after it (tohost + 8).
 * QEMU 7.2 would instead ignore the lone symbol and use its fixed base
 * (spike's 0x1000000), where such a guest could never exit; ours lets it.
 * Returns null when there is no `tohost` symbol (the image has no HTIF).
 */
export function htifLayout(symbols: { readonly tohost?: bigint; readonly fromhost?: bigint }): HtifLayout | null {
  const { tohost } = symbols;
  if (tohost === undefined) return null;
  const fromhost = symbols.fromhost ?? tohost + 8n;
  const base = tohost < fromhost ? tohost : fromhost;
  const end = (tohost > fromhost ? tohost : fromhost) + 8n;
  return {
    base,
    size: Number(end - base),
    tohostOffset: Number(tohost - base),
    fromhostOffset: Number(fromhost - base),
  };
}

/** What the HTIF needs from the machine. */
export interface HtifOptions {
  /** Window placement, usually from {@link htifLayout}. */
  readonly layout: HtifLayout;
  /** Console output, one byte per HTIF putchar (same kind of sink as the UART's). */
  readonly output: (byte: number) => void;
  /** Receives exit requests (device 0 command 0). */
  readonly onFinish: FinishSink;
  /** Device name for traces (default `htif`). */
  readonly name?: string;
}

/**
 * The Spike/QEMU host-target interface (`hw/char/riscv_htif.c`, QEMU 7.2).
 *
 * The registers are handled in 32-bit halves as QEMU's memory core splits
 * wider accesses: writing the low half of `tohost` latches it (only while
 * `tohost` is 0), and writing the high half runs the command. A 64-bit store
 * is a low then a high write. Commands: device 0 command 0 with payload bit 0
 * set exits with code `payload >> 1`; with bit 0 clear it is the proxy-kernel
 * syscall interface, which we report as `unsupported`; device 1 command 1
 * prints the payload's low byte and acknowledges in `fromhost`; device 1
 * command 0 waits for console input ({@link Htif.pushInput}).
 */
export class Htif implements MmioDevice {
  /** Short stable name used in traces. */
  readonly name: string;
  /** Size of the MMIO window in bytes. */
  readonly size: number;

  private readonly layout: HtifLayout;
  private readonly output: (byte: number) => void;
  private readonly onFinish: FinishSink;
  private tohost = 0n;
  private fromhost = 0n;
  private allowTohost = false;
  private fromhostInProgress = false;
  private pendingRead = 0n;

  /** Creates the HTIF with both registers clear. */
  constructor(options: HtifOptions) {
    this.layout = options.layout;
    this.size = options.layout.size;
    this.output = options.output;
    this.onFinish = options.onFinish;
    this.name = options.name ?? 'htif';
  }

  /** Reads the registers in 32-bit pieces; other offsets read 0. */
  read(offset: number, size: 1 | 2 | 4 | 8): bigint {
    const step = Math.min(size, 4);
    const mask = (1n << BigInt(step * 8)) - 1n;
    let value = 0n;
    for (let at = 0; at < size; at += step) {
      value |= (this.readWord(offset + at) & mask) << BigInt(at * 8);
    }
    return value;
  }

  /** Writes the registers in 32-bit pieces, low address first; other offsets are ignored. */
  write(offset: number, size: 1 | 2 | 4 | 8, value: bigint): void {
    const step = Math.min(size, 4);
    const mask = (1n << BigInt(step * 8)) - 1n;
    for (let at = 0; at < size; at += step) {
      this.writeWord(offset + at, (value >> BigInt(at * 8)) & mask);
    }
  }

  /** Delivers console input: each byte overwrites `fromhost`, as QEMU's `htif_recv` (no queue). */
  pushInput(bytes: Iterable<number>): void {
    for (const byte of bytes) {
      this.fromhost = (this.pendingRead & ~PAYLOAD_MASK) | 0x100n | BigInt(byte & 0xff);
    }
  }

  /** Serialises the complete device state (and the layout, which restore checks). */
  save(): Uint8Array {
    return new StateWriter(SNAPSHOT_TAG, SNAPSHOT_VERSION)
      .u64(this.layout.base).u32(this.layout.tohostOffset).u32(this.layout.fromhostOffset)
      .u64(this.tohost).u64(this.fromhost).bool(this.allowTohost).bool(this.fromhostInProgress)
      .u64(this.pendingRead)
      .finish();
  }

  /**
   * Replaces the device state with a snapshot from {@link save}.
   * @throws Error when `state` is malformed or was saved with another layout.
   */
  restore(state: Uint8Array): void {
    const reader = new StateReader(state, SNAPSHOT_TAG, SNAPSHOT_VERSION);
    const base = reader.u64('base');
    const tohostOffset = reader.u32('tohostOffset');
    const fromhostOffset = reader.u32('fromhostOffset');
    reader.check(
      base === this.layout.base && tohostOffset === this.layout.tohostOffset && fromhostOffset === this.layout.fromhostOffset,
      'layout', `does not match this HTIF (tohost at 0x${(this.layout.base + BigInt(this.layout.tohostOffset)).toString(16)})`,
    );
    const tohost = reader.u64('tohost');
    const fromhost = reader.u64('fromhost');
    const allowTohost = reader.bool('allowTohost');
    const fromhostInProgress = reader.bool('fromhostInProgress');
    const pendingRead = reader.u64('pendingRead');
    reader.done();
    this.tohost = tohost;
    this.fromhost = fromhost;
    this.allowTohost = allowTohost;
    this.fromhostInProgress = fromhostInProgress;
    this.pendingRead = pendingRead;
  }

  private readWord(offset: number): bigint {
    const { tohostOffset, fromhostOffset } = this.layout;
    if (offset === tohostOffset) return this.tohost & WORD_MASK;
    if (offset === tohostOffset + 4) return this.tohost >> 32n;
    if (offset === fromhostOffset) return this.fromhost & WORD_MASK;
    if (offset === fromhostOffset + 4) return this.fromhost >> 32n;
    return 0n;
  }

  private writeWord(offset: number, value: bigint): void {
    const { tohostOffset, fromhostOffset } = this.layout;
    if (offset === tohostOffset) {
      // A new command may start only once the previous one was consumed.
      this.allowTohost = this.tohost === 0n;
      if (this.allowTohost) this.tohost = value;
    } else if (offset === tohostOffset + 4) {
      if (this.allowTohost) {
        this.tohost |= value << 32n;
        this.handleCommand(this.tohost);
      }
    } else if (offset === fromhostOffset) {
      this.fromhostInProgress = true;
      this.fromhost = value;
    } else if (offset === fromhostOffset + 4) {
      this.fromhost |= value << 32n;
      this.fromhostInProgress = false;
    }
  }

  private handleCommand(command: bigint): void {
    const device = command >> 56n;
    const cmd = (command >> 48n) & 0xffn;
    const payload = command & PAYLOAD_MASK;
    let response = 0n;
    if (device === DEVICE_SYSTEM && cmd === SYSTEM_CMD_SYSCALL) {
      if (payload & 1n) {
        const code = Number(payload >> 1n);
        this.onFinish(code === 0
          ? { kind: 'pass', code, reason: `${this.name}: guest exited with code 0` }
          : { kind: 'fail', code, reason: `${this.name}: guest exited with code ${code}` });
        return;
      }
      this.onFinish({
        kind: 'unsupported',
        code: 1,
        reason: `${this.name}: guest called the proxy-kernel syscall interface (tohost 0x${command.toString(16)}), which is not supported`,
      });
    } else if (device === DEVICE_CONSOLE && cmd === CONSOLE_CMD_GETC) {
      this.pendingRead = command;
      this.tohost = 0n;
      return;
    } else if (device === DEVICE_CONSOLE && cmd === CONSOLE_CMD_PUTC) {
      const byte = Number(payload & 0xffn);
      this.output(byte);
      response = 0x100n | BigInt(byte);
    }
    this.fromhost = (command & ~PAYLOAD_MASK) | response;
    this.tohost = 0n;
  }
}
