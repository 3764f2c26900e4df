/**
 * The events a recorded run consists of: what the machine emits and what the
 * trace stores. Every event carries the hart and the exact icount (retired
 * instructions of that hart) at which it happened; the codec delta-codes
 * icounts per hart. This file is the model only: no machine code, no format.
 */

/** Event kinds; the numbers are part of the trace format (never reuse one). */
export const enum EventKind {
  /** A trap taken (exception or interrupt). */
  TRAP = 1,
  /** An interrupt-pending line of a hart changed level (mip bit driven by a device). */
  IRQ = 2,
  /** A device register read and the value it returned. */
  MMIO_READ = 3,
  /** A device register write and the value written. */
  MMIO_WRITE = 4,
  /** Bytes a device wrote into guest memory from a nondeterministic source. */
  DMA = 5,
  /** Console input bytes handed to the guest's UART. */
  CONSOLE_INPUT = 6,
  /** A host-clock reading (host-clock mode), in ACLINT ticks. */
  CLOCK = 7,
  /** A periodic digest of architectural state and memory. */
  DIGEST = 8,
  /** The end of the run. */
  END = 9,
  /** A full machine snapshot was taken here; its state follows in a snapshot frame after this event's chunk. */
  SNAPSHOT = 10,
  /** An instruction executed at a pc (the pc stream of a trace imported from another VMM, e.g. a QEMU log). */
  EXEC = 11,
}

/** A privilege level the source of a trace did not state (a QEMU log names no privileges). */
export const PRIV_UNKNOWN = 15;

interface EventBase {
  /** Hart id. */
  hart: number;
  /** Retired instructions of that hart when the event happened. */
  icount: number;
}

/** A trap taken. */
export interface TrapEvent extends EventBase {
  kind: EventKind.TRAP;
  interrupt: boolean;
  cause: number;
  tval: bigint;
  epc: bigint;
  /** Privilege before and after the trap (0 U, 1 S, 3 M), or PRIV_UNKNOWN. */
  fromPriv: number;
  toPriv: number;
}

/** A hart's interrupt-pending bit driven by a device changed level. */
export interface IrqEvent extends EventBase {
  kind: EventKind.IRQ;
  /** The mip bit number (e.g. 7 = MTIP, 9 = SEIP, 11 = MEIP). */
  line: number;
  level: boolean;
}

/** A device register access. */
export interface MmioEvent extends EventBase {
  kind: EventKind.MMIO_READ | EventKind.MMIO_WRITE;
  /** Index of the device in the trace header's device list. */
  device: number;
  /** Offset of the register in the device window. */
  offset: number;
  size: 1 | 2 | 4 | 8;
  value: bigint;
}

/** Bytes written into guest memory by a device, from outside the machine. */
export interface DmaEvent extends EventBase {
  kind: EventKind.DMA;
  address: bigint;
  bytes: Uint8Array;
}

/** Console input given to the guest. */
export interface ConsoleInputEvent extends EventBase {
  kind: EventKind.CONSOLE_INPUT;
  bytes: Uint8Array;
}

/** A host-clock reading. */
export interface ClockEvent extends EventBase {
  kind: EventKind.CLOCK;
  ticks: bigint;
}

/** A digest of the machine state (SHA-256 of registers, CSRs and memory). */
export interface DigestEvent extends EventBase {
  kind: EventKind.DIGEST;
  sha256: Uint8Array;
}

/** The end of the run. */
export interface EndEvent extends EventBase {
  kind: EventKind.END;
  /** Why the run ended (`pass`, `fail`, `max-insns`, ...). */
  reason: string;
  exitCode: number;
  /** Final icount of every hart, by hart id. */
  icounts: number[];
  /** Digest of the final state. */
  sha256: Uint8Array;
}

/**
 * A snapshot reference: the machine state at this position is stored in the
 * trace's next snapshot frame (see `src/rr/snapshot.ts`), so a replay can
 * restart here instead of at the beginning.
 */
export interface SnapshotEvent extends EventBase {
  kind: EventKind.SNAPSHOT;
  /** Number of the snapshot in the run (0, 1, 2, ...). */
  sequence: number;
}

/**
 * One instruction executed: the icount is that of the instruction itself
 * (the instructions retired before it), the pc its address.
 */
export interface ExecEvent extends EventBase {
  kind: EventKind.EXEC;
  pc: bigint;
}

/** Any trace event. */
export type TraceEvent =
  | TrapEvent | IrqEvent | MmioEvent | DmaEvent | ConsoleInputEvent | ClockEvent | DigestEvent | EndEvent | SnapshotEvent | ExecEvent;
