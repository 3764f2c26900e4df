/**
 * Architectural state compared by `deja diff --locate`: one hart's pc,
 * privilege, integer and floating-point registers and CSRs, and the RAM
 * bytes an instruction wrote on either machine; and the branch history
 * (control transfers) both locate searches print.
 */
import type { Hart } from '../cpu/hart.js';
import { F_REGISTER_NAMES, X_REGISTER_NAMES } from '../isa/registers.js';
import type { Ram } from '../mem/ram.js';
import { PAGE_HOLDS_CODE } from '../mem/ram.js';

/** Control transfers a branch history keeps. */
const HISTORY = 8;

/** A jump or taken branch: the instruction at `from` (at `icount`) went to `to`. */
export interface ControlTransfer {
  readonly icount: number;
  readonly from: bigint;
  readonly to: bigint;
}

/** Remembers the last few control transfers of a pc stream. */
export class TransferLog {
  /** The transfers kept, oldest first. */
  readonly transfers: ControlTransfer[] = [];
  private last: { icount: number; pc: bigint; len: number } | undefined;

  /** Notes the instruction at `pc` (icount `icount`), `len` bytes long when known (0: any straight-line step of 2 or 4). */
  note(icount: number, pc: bigint, len: number): void {
    const last = this.last;
    if (last !== undefined) {
      const step = pc - last.pc;
      const straight = last.len === 0 ? step === 2n || step === 4n : step === BigInt(last.len);
      if (!straight) {
        if (this.transfers.length === HISTORY) this.transfers.shift();
        this.transfers.push({ icount: last.icount, from: last.pc, to: pc });
      }
    }
    this.last = { icount, pc, len };
  }
}

/** One register (or CSR, or the pc) that differs: its name and both values. */
export interface RegisterDifference {
  readonly name: string;
  readonly a: bigint;
  readonly b: bigint;
}

/** A RAM range whose bytes differ. */
export interface MemoryDifference {
  /** Guest-physical address of the first differing byte. */
  readonly address: bigint;
  readonly a: Uint8Array;
  readonly b: Uint8Array;
}

const CSR_FIELDS = [
  'mstatus', 'medeleg', 'mideleg', 'mie', 'mipSoftware', 'mtvec', 'stvec', 'mepc', 'sepc', 'mcause', 'scause',
  'mtval', 'stval', 'mscratch', 'sscratch', 'satp', 'mcounteren', 'scounteren', 'menvcfg', 'senvcfg', 'frm', 'fflags',
] as const satisfies ReadonlyArray<keyof Hart>;

/** The 64-bit value of register `index` held as two int32 halves in `halves`. */
function pair(halves: Int32Array, index: number): bigint {
  return (BigInt(halves[2 * index + 1]! >>> 0) << 32n) | BigInt(halves[2 * index]! >>> 0);
}

/** Every register, CSR or pc of `a` that differs from `b` (empty: the same state). */
export function registerDifferences(a: Hart, b: Hart): RegisterDifference[] {
  const differences: RegisterDifference[] = [];
  if (a.pc !== b.pc) differences.push({ name: 'pc', a: BigInt.asUintN(64, BigInt(a.pc)), b: BigInt.asUintN(64, BigInt(b.pc)) });
  if (a.priv !== b.priv) differences.push({ name: 'privilege', a: BigInt(a.priv), b: BigInt(b.priv) });
  for (let index = 1; index < 32; index++) {
    if (a.x[2 * index] !== b.x[2 * index] || a.x[2 * index + 1] !== b.x[2 * index + 1]) {
      differences.push({ name: X_REGISTER_NAMES[index]!, a: pair(a.x, index), b: pair(b.x, index) });
    }
  }
  for (let index = 0; index < 32; index++) {
    if (a.f[2 * index] !== b.f[2 * index] || a.f[2 * index + 1] !== b.f[2 * index + 1]) {
      differences.push({ name: F_REGISTER_NAMES[index]!, a: pair(a.f, index), b: pair(b.f, index) });
    }
  }
  for (const field of CSR_FIELDS) {
    const valueA = a[field];
    const valueB = b[field];
    if (valueA !== valueB) differences.push({ name: field, a: BigInt.asUintN(64, BigInt(valueA)), b: BigInt.asUintN(64, BigInt(valueB)) });
  }
  return differences;
}

/**
 * Collects the RAM ranges a machine writes: flags every page as holding code,
 * so every store reports its range, and keeps those ranges until `take`.
 * (Decoded code caches drop entries on each write: slower, never wrong.)
 */
export class WriteLog {
  private ranges: Array<[number, number]> = [];

  constructor(ram: Ram) {
    for (let page = 0; page < ram.codePages.length; page++) ram.codePages[page]! |= PAGE_HOLDS_CODE;
    ram.onCodeWrite((offset, length) => this.ranges.push([offset, length]));
  }

  /** The ranges (RAM offset, length) written since the last call. */
  take(): Array<[number, number]> {
    const taken = this.ranges;
    this.ranges = [];
    return taken;
  }
}

/** Where the bytes of `a` and `b` in the given RAM ranges differ (each differing range once). */
export function memoryDifferences(a: Ram, b: Ram, ranges: ReadonlyArray<readonly [number, number]>): MemoryDifference[] {
  const differences: MemoryDifference[] = [];
  const seen = new Set<number>();
  for (const [offset, length] of ranges) {
    if (seen.has(offset)) continue;
    seen.add(offset);
    const bytesA = a.bytes.subarray(offset, offset + length);
    const bytesB = b.bytes.subarray(offset, offset + length);
    if (Buffer.compare(bytesA, bytesB) !== 0) differences.push({ address: BigInt(a.base + offset), a: bytesA.slice(), b: bytesB.slice() });
  }
  return differences;
}

/** The first RAM offset at which `a` and `b` differ, or -1 (a whole-RAM comparison). */
export function firstRamDifference(a: Ram, b: Ram): number {
  if (Buffer.compare(a.bytes, b.bytes) === 0) return -1;
  const pageBytes = 4096;
  for (let offset = 0; offset < a.bytes.length; offset += pageBytes) {
    if (Buffer.compare(a.bytes.subarray(offset, offset + pageBytes), b.bytes.subarray(offset, offset + pageBytes)) === 0) continue;
    for (let byte = offset; byte < offset + pageBytes; byte++) if (a.bytes[byte] !== b.bytes[byte]) return byte;
  }
  return -1;
}
