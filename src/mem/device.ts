/**
 * A memory-mapped device as the bus sees it: a window of `size` bytes.
 *
 * Offsets are relative to the device's base address. Accesses are 1, 2, 4 or
 * 8 bytes; values travel as unsigned `bigint` (MMIO is not the hot path, and
 * 64-bit registers such as `mtime` must not lose bits). A device that does not
 * implement a register returns 0 on read and ignores the write, as QEMU does;
 * a device never throws for guest-controlled offsets or values.
 */
export interface MmioDevice {
  /** Short stable name, used in traces and reports (e.g. `uart0`, `plic`). */
  readonly name: string;
  /** Read `size` bytes at `offset`, zero-extended. */
  read(offset: number, size: 1 | 2 | 4 | 8): bigint;
  /** Write the low `size` bytes of `value` at `offset`. */
  write(offset: number, size: 1 | 2 | 4 | 8, value: bigint): void;
  /** The device's complete state, for snapshots (absent on stateless devices). */
  save?(): Uint8Array;
  /** Replace the device's state with one from `save` (throws on a malformed state). */
  restore?(state: Uint8Array): void;
}

/** A level-triggered interrupt line from a device to an interrupt controller. */
export interface IrqLine {
  /** Drive the line high (`true`) or low (`false`). */
  set(level: boolean): void;
}
