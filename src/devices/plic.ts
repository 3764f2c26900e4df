import type { IrqLine, MmioDevice } from '../mem/device.js';
import { type InterruptTarget, MIP_MEIP, MIP_SEIP } from './interrupt-target.js';
import { StateReader, StateWriter } from './state-codec.js';

/** Interrupt sources on `virt` including the reserved source 0 (QEMU's VIRT_IRQCHIP_NUM_SOURCES). */
export const PLIC_NUM_SOURCES = 96;
/** Highest priority; priorities and thresholds are 3-bit WARL fields. */
export const PLIC_MAX_PRIORITY = 7;
/** Offset of the pending bits. */
export const PLIC_PENDING_OFFSET = 0x1000;
/** Offset of context 0's enable bits. */
export const PLIC_ENABLE_OFFSET = 0x2000;
/** Distance between two contexts' enable bits. */
export const PLIC_ENABLE_STRIDE = 0x80;
/** Offset of context 0's threshold (claim/complete is 4 bytes further). */
export const PLIC_CONTEXT_OFFSET = 0x200000;
/** Distance between two contexts' threshold registers. */
export const PLIC_CONTEXT_STRIDE = 0x1000;

const WORDS = PLIC_NUM_SOURCES / 32;
const PENDING_BYTES = PLIC_NUM_SOURCES >> 3;
const SNAPSHOT_TAG = 'plic';
const SNAPSHOT_VERSION = 1;

/** Size of the PLIC window for `hartCount` harts (two contexts each), as QEMU's VIRT_PLIC_SIZE. */
export function plicWindowSize(hartCount: number): number {
  return PLIC_CONTEXT_OFFSET + 2 * hartCount * PLIC_CONTEXT_STRIDE;
}

/**
 * The SiFive PLIC as QEMU 7.2's `virt` configures it (`hw/intc/sifive_plic.c`
 * with hart config "MS"): 96 sources, priorities 0..7, and for hart `h`
 * context `2h` (M-mode, drives MEIP) and `2h + 1` (S-mode, drives SEIP).
 *
 * QEMU's semantics, kept on purpose:
 * - a source's pending bit follows its line on every `set()` call (not only
 *   edges), and a claimed source is masked until completed;
 * - claim returns the enabled, pending, unclaimed source with the highest
 *   priority strictly above the context's threshold (lowest id on ties), or 0;
 * - completion of any source id below 96 clears its claimed bit, enabled or not;
 * - the priority of source 0 reads 0 and ignores writes; enable bit 0 is
 *   writable but source 0 never becomes pending.
 * Only aligned 4-byte accesses reach registers (QEMU faults on others; here
 * they read 0 and are ignored).
 */
export class Plic implements MmioDevice {
  /** Short stable name used in traces. */
  readonly name: string;
  /** Size of the MMIO window in bytes. */
  readonly size: number;

  private readonly harts: readonly InterruptTarget[];
  private readonly contexts: number;
  private readonly priority = new Uint8Array(PLIC_NUM_SOURCES);
  private readonly pending = new Uint32Array(WORDS);
  private readonly claimed = new Uint32Array(WORDS);
  private readonly enable: Uint32Array;
  private readonly threshold: Uint8Array;

  /** Creates the PLIC for `harts` with everything cleared (QEMU's reset state). */
  constructor(options: { readonly harts: readonly InterruptTarget[]; readonly name?: string }) {
    this.harts = options.harts;
    this.name = options.name ?? 'plic';
    this.contexts = 2 * options.harts.length;
    this.size = plicWindowSize(options.harts.length);
    this.enable = new Uint32Array(this.contexts * WORDS);
    this.threshold = new Uint8Array(this.contexts);
  }

  /**
   * The input line of interrupt `source` (1..95), for a device to drive.
   * @throws RangeError for source 0 or a source beyond 95 (a wiring bug).
   */
  irqLine(source: number): IrqLine {
    if (!Number.isInteger(source) || source < 1 || source >= PLIC_NUM_SOURCES) {
      throw new RangeError(`PLIC source must be 1..${PLIC_NUM_SOURCES - 1}, got ${source}`);
    }
    return {
      set: (level: boolean) => {
        setBit(this.pending, source, level);
        this.update();
      },
    };
  }

  /** Reads a priority, pending word, enable word, threshold, or claims an interrupt. */
  read(offset: number, size: 1 | 2 | 4 | 8): bigint {
    if (size !== 4 || (offset & 3) !== 0 || offset < 0) return 0n;
    if (offset < PLIC_NUM_SOURCES * 4) return BigInt(this.priority[offset >> 2] as number);
    if (offset >= PLIC_PENDING_OFFSET && offset < PLIC_PENDING_OFFSET + PENDING_BYTES) {
      return BigInt(this.pending[(offset - PLIC_PENDING_OFFSET) >> 2] as number);
    }
    const enableIndex = this.enableIndex(offset);
    if (enableIndex !== null) return BigInt(this.enable[enableIndex] as number);
    const context = this.contextOf(offset);
    if (context === null) return 0n;
    const register = (offset - PLIC_CONTEXT_OFFSET) % PLIC_CONTEXT_STRIDE;
    if (register === 0) return BigInt(this.threshold[context] as number);
    if (register === 4) return BigInt(this.claim(context));
    return 0n;
  }

  /** Writes a priority, enable word, threshold, or completes an interrupt. */
  write(offset: number, size: 1 | 2 | 4 | 8, value: bigint): void {
    if (size !== 4 || (offset & 3) !== 0 || offset < 0) return;
    const word = Number(value & 0xffff_ffffn);
    if (offset < PLIC_NUM_SOURCES * 4) {
      if (offset === 0) return;
      this.priority[offset >> 2] = word & PLIC_MAX_PRIORITY;
      this.update();
      return;
    }
    const enableIndex = this.enableIndex(offset);
    if (enableIndex !== null) {
      this.enable[enableIndex] = word;
      return;
    }
    const context = this.contextOf(offset);
    if (context === null) return;
    const register = (offset - PLIC_CONTEXT_OFFSET) % PLIC_CONTEXT_STRIDE;
    if (register === 0) {
      this.threshold[context] = word & PLIC_MAX_PRIORITY;
      this.update();
    } else if (register === 4 && word < PLIC_NUM_SOURCES) {
      setBit(this.claimed, word, false);
      this.update();
    }
  }

  /** Serialises the complete device state. */
  save(): Uint8Array {
    const writer = new StateWriter(SNAPSHOT_TAG, SNAPSHOT_VERSION).u32(this.harts.length);
    for (const priority of this.priority) writer.u8(priority);
    for (const word of this.pending) writer.u32(word);
    for (const word of this.claimed) writer.u32(word);
    for (const word of this.enable) writer.u32(word);
    for (const threshold of this.threshold) writer.u8(threshold);
    return writer.finish();
  }

  /**
   * Replaces the device state with a snapshot from {@link save}. Does not
   * drive the harts: their `mip` is part of their own snapshot.
   * @throws Error when `state` is malformed or has another hart count.
   */
  restore(state: Uint8Array): void {
    const reader = new StateReader(state, SNAPSHOT_TAG, SNAPSHOT_VERSION);
    const count = reader.u32('hart count');
    reader.check(count === this.harts.length, 'hart count', `is ${count}, this PLIC has ${this.harts.length}`);
    const priority = Array.from(this.priority, (_, source) => reader.u8(`priority[${source}]`));
    reader.check(priority.every((p) => p <= PLIC_MAX_PRIORITY), 'priority', `exceeds ${PLIC_MAX_PRIORITY}`);
    reader.check(priority[0] === 0, 'priority[0]', 'is not 0');
    const pending = Array.from(this.pending, (_, i) => reader.u32(`pending[${i}]`));
    reader.check(((pending[0] as number) & 1) === 0, 'pending[0]', 'marks source 0 pending');
    const claimed = Array.from(this.claimed, (_, i) => reader.u32(`claimed[${i}]`));
    const enable = Array.from(this.enable, (_, i) => reader.u32(`enable[${i}]`));
    const threshold = Array.from(this.threshold, (_, i) => reader.u8(`threshold[${i}]`));
    reader.check(threshold.every((t) => t <= PLIC_MAX_PRIORITY), 'threshold', `exceeds ${PLIC_MAX_PRIORITY}`);
    reader.done();
    this.priority.set(priority);
    this.pending.set(pending);
    this.claimed.set(claimed);
    this.enable.set(enable);
    this.threshold.set(threshold);
  }

  private enableIndex(offset: number): number | null {
    const relative = offset - PLIC_ENABLE_OFFSET;
    if (relative < 0 || relative >= this.contexts * PLIC_ENABLE_STRIDE) return null;
    const wordInContext = (relative % PLIC_ENABLE_STRIDE) >> 2;
    if (wordInContext >= WORDS) return null;
    return Math.floor(relative / PLIC_ENABLE_STRIDE) * WORDS + wordInContext;
  }

  private contextOf(offset: number): number | null {
    const relative = offset - PLIC_CONTEXT_OFFSET;
    if (relative < 0 || relative >= this.contexts * PLIC_CONTEXT_STRIDE) return null;
    return Math.floor(relative / PLIC_CONTEXT_STRIDE);
  }

  /** The source `context` would get from a claim now, or 0 (QEMU's sifive_plic_claimed). */
  private best(context: number): number {
    let bestSource = 0;
    let bestPriority = this.threshold[context] as number;
    for (let word = 0; word < WORDS; word++) {
      const candidates = ((this.pending[word] as number) & ~(this.claimed[word] as number)
        & (this.enable[context * WORDS + word] as number)) >>> 0;
      if (candidates === 0) continue;
      for (let bit = 0; bit < 32; bit++) {
        const source = word * 32 + bit;
        if ((candidates >>> bit) & 1 && (this.priority[source] as number) > bestPriority) {
          bestSource = source;
          bestPriority = this.priority[source] as number;
        }
      }
    }
    return bestSource;
  }

  private claim(context: number): number {
    const source = this.best(context);
    if (source !== 0) {
      setBit(this.pending, source, false);
      setBit(this.claimed, source, true);
    }
    this.update();
    return source;
  }

  private update(): void {
    for (let context = 0; context < this.contexts; context++) {
      const hart = this.harts[context >> 1] as InterruptTarget;
      hart.setPending(context & 1 ? MIP_SEIP : MIP_MEIP, this.best(context) !== 0);
    }
  }
}

function setBit(words: Uint32Array, bit: number, level: boolean): void {
  const mask = 1 << (bit & 31);
  const index = bit >> 5;
  words[index] = level ? (words[index] as number) | mask : (words[index] as number) & ~mask;
}
