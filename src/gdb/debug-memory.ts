import { PRIV_M } from '../cpu/constants.js';
import type { Hart } from '../cpu/hart.js';
import type { Bus } from '../mem/bus.js';

const PAGE = 4096;
const PTE_V = 1n;
const PTE_R = 2n;
const PTE_W = 4n;
const PTE_X = 8n;
const PPN_MASK = (1n << 44n) - 1n;
const PHYSICAL_LIMIT = 1n << 56n;
/** Devices whose reads have no side effects (the boot ROM), which the debugger may read. */
const READABLE_DEVICES = new Set(['mrom']);

/**
 * Guest memory as the debugger sees it, through a hart's current address
 * translation but without side effects: the page walk only reads (it never
 * sets A/D bits, never raises a trap), device registers are never touched
 * (reading a UART register would consume input), and writes go to RAM only,
 * dropping any code the backends decoded from the bytes.
 */
export class DebugMemory {
  constructor(private readonly bus: Bus) {}

  /**
   * The physical address `vaddr` maps to for `hart` (its privilege level and
   * satp, as the hart's own fetches see it), or undefined when unmapped.
   */
  translate(hart: Hart, vaddr: bigint): number | undefined {
    const address = BigInt.asUintN(64, vaddr);
    const mode = hart.priv === PRIV_M ? 0n : hart.satp >> 60n;
    if (mode === 0n) return address < PHYSICAL_LIMIT ? Number(address) : undefined;
    const levels = mode === 9n ? 4 : 3;
    const vaBits = BigInt(12 + 9 * levels);
    const signed = BigInt.asIntN(64, address);
    if (BigInt.asIntN(Number(vaBits), address) !== signed) return undefined;
    let table = (hart.satp & PPN_MASK) * BigInt(PAGE);
    for (let level = levels - 1; level >= 0; level--) {
      const shift = BigInt(12 + 9 * level);
      const pte = this.readPte(table + ((address >> shift) & 511n) * 8n);
      if (pte === undefined || (pte & PTE_V) === 0n || ((pte & PTE_R) === 0n && (pte & PTE_W) !== 0n)) return undefined;
      const ppn = (pte >> 10n) & PPN_MASK;
      if ((pte & (PTE_R | PTE_X)) !== 0n) {
        const pageMask = (1n << shift) - 1n;
        if (((ppn * BigInt(PAGE)) & pageMask) !== 0n) return undefined;
        return Number(ppn * BigInt(PAGE) + (address & pageMask));
      }
      table = ppn * BigInt(PAGE);
    }
    return undefined;
  }

  private readPte(paddr: bigint): bigint | undefined {
    const ram = this.bus.ram;
    const address = Number(paddr);
    if (!ram.contains(address, 8)) return undefined;
    return ram.view.getBigUint64(address - ram.base, true);
  }

  /**
   * Read up to `length` bytes at `vaddr`: the readable prefix (a read that
   * runs into unmapped memory stops there), or undefined if the first byte
   * cannot be read.
   */
  read(hart: Hart, vaddr: bigint, length: number): Uint8Array | undefined {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const address = BigInt.asUintN(64, vaddr + BigInt(done));
      const paddr = this.translate(hart, address);
      if (paddr === undefined) break;
      const piece = Math.min(length - done, PAGE - Number(address % BigInt(PAGE)));
      const got = this.readPhysical(paddr, out.subarray(done, done + piece));
      done += got;
      if (got < piece) break;
    }
    return done === 0 ? undefined : out.subarray(0, done);
  }

  /** Fill `into` from physical memory at `paddr`; returns how many bytes could be read. */
  private readPhysical(paddr: number, into: Uint8Array): number {
    const bus = this.bus;
    const ram = bus.ram;
    for (let i = 0; i < into.length; i++) {
      const address = paddr + i;
      const region = bus.findRegion(address, 1);
      if (region !== undefined) {
        if (!READABLE_DEVICES.has(region.device.name)) return i;
        into[i] = Number(region.device.read(address - region.base, 1));
      } else if (ram.contains(address, 1)) {
        into[i] = ram.bytes[address - ram.base]!;
      } else {
        return i;
      }
    }
    return into.length;
  }

  /** Write `bytes` at `vaddr`; false (and nothing written) unless every byte is plain RAM. */
  write(hart: Hart, vaddr: bigint, bytes: Uint8Array): boolean {
    const ram = this.bus.ram;
    const targets: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const paddr = this.translate(hart, vaddr + BigInt(i));
      if (paddr === undefined || !this.bus.isPlainRam(paddr, 1)) return false;
      targets.push(paddr - ram.base);
    }
    targets.forEach((offset, i) => {
      ram.bytes[offset] = bytes[i]!;
      ram.noteWrite(offset, 1);
    });
    return true;
  }
}
