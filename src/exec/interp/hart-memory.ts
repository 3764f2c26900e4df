import { Access, PRIV_M } from '../../cpu/constants.js';
import type { Hart } from '../../cpu/hart.js';
import { UNREPRESENTABLE_PC } from '../../cpu/hart.js';
import type { Bus } from '../../mem/bus.js';
import type { Ram } from '../../mem/ram.js';
import { Mmu } from '../../mmu/translate.js';

/** Entries per software TLB (a power of two; a translator inlines the lookup). */
export const TLB_SIZE = 256;
const SAFE = 2 ** 53;
const PAGE_FAULT = [12, 13, 15] as const;
const ACCESS_FAULT = [1, 5, 7] as const;

/** TLB sets per access kind: one per privilege encoding 0..3 (MPRV may select the reserved 2). */
const PRIV_SETS = 4;

/**
 * A hart's view of memory for the interpreter: software TLBs in front of the
 * MMU, the load/store fast paths into RAM, and the slow paths for MMIO,
 * page-crossing accesses and misses.
 *
 * A TLB entry maps a virtual page number to an addend: `vaddr + addend` is the
 * RAM offset (QEMU's scheme). There is one TLB per access kind and privilege
 * level, so privilege changes only re-select TLBs; satp, sfence.vma, SUM/MXR
 * and PMP changes flush them all. Only plain RAM pages whose PMP decision is
 * uniform are cached; everything else takes the slow path every time.
 */
export class HartMemory {
  readonly mmu: Mmu;
  readonly ram: Ram;
  readonly view: DataView;
  private readonly tags: Float64Array[] = [];
  private readonly addends: Float64Array[] = [];
  /** Current load TLB (selected by the effective data privilege). */
  loadTag: Float64Array;
  loadAdd: Float64Array;
  /** Current store TLB. */
  storeTag: Float64Array;
  storeAdd: Float64Array;
  /** Result of the last slow-path load (raw bits, zero-extended halves). */
  slowLo = 0;
  slowHi = 0;

  constructor(private readonly hart: Hart, private readonly bus: Bus) {
    this.mmu = new Mmu(hart, bus);
    this.ram = bus.ram;
    this.view = bus.ram.view;
    for (let i = 0; i < 3 * PRIV_SETS; i++) {
      this.tags.push(new Float64Array(TLB_SIZE).fill(NaN));
      this.addends.push(new Float64Array(TLB_SIZE));
    }
    this.loadTag = this.tags[0]!;
    this.loadAdd = this.addends[0]!;
    this.storeTag = this.tags[0]!;
    this.storeAdd = this.addends[0]!;
    this.selectTlbs();
  }

  /** Re-select the current TLBs after a privilege or MPRV/MPP change. */
  selectTlbs(): void {
    const p = this.mmu.dataPrivilege();
    this.loadTag = this.tags[PRIV_SETS * Access.LOAD + p]!;
    this.loadAdd = this.addends[PRIV_SETS * Access.LOAD + p]!;
    this.storeTag = this.tags[PRIV_SETS * Access.STORE + p]!;
    this.storeAdd = this.addends[PRIV_SETS * Access.STORE + p]!;
  }

  /** Drop every cached translation. */
  flush(): void {
    for (const t of this.tags) t.fill(NaN);
  }

  /**
   * RAM offset for loading `size` bytes at `addr`, or -1 after the slow path
   * left the value in `slowLo`/`slowHi`.
   */
  loadOffset(addr: number, size: number): number {
    const vpn = Math.floor(addr / 4096);
    const i = vpn & (TLB_SIZE - 1);
    if (this.loadTag[i] === vpn && (addr & 4095) <= 4096 - size) return addr + this.loadAdd[i]!;
    return this.loadSlow(addr, size);
  }

  /**
   * RAM offset for storing `size` bytes at `addr` (code cached from the bytes is
   * already dropped), or -1 after the slow path stored `lo`/`hi` itself.
   */
  storeOffset(addr: number, size: number, lo: number, hi: number): number {
    const vpn = Math.floor(addr / 4096);
    const i = vpn & (TLB_SIZE - 1);
    if (this.storeTag[i] === vpn && (addr & 4095) <= 4096 - size) {
      const offset = addr + this.storeAdd[i]!;
      if (this.ram.codePages[offset >>> 12] !== 0) this.ram.noteWrite(offset, size);
      return offset;
    }
    return this.storeSlow(addr, size, lo, hi);
  }

  /**
   * Translate for an access the caller performs itself (AMOs, LR/SC, which
   * need store permission and alignment): returns the RAM offset or -1 for
   * a device (then `lastPaddr` holds the physical address).
   */
  translateForAmo(addr: number, size: number, access: Access): number {
    const paddr = this.translateChecked(addr, size, access);
    this.lastPaddr = paddr;
    return this.ramOffset(paddr, size);
  }

  /**
   * RAM offset of `[paddr, paddr + size)` when it is RAM and no device window
   * overlays it, else -1 (a device, or nothing: the device path faults).
   */
  ramOffset(paddr: number, size: number): number {
    const ram = this.ram;
    if (!ram.contains(paddr, size)) return -1;
    if (this.bus.ioPages[(paddr - ram.base) >>> 12] !== 0 && this.bus.findRegion(paddr, size) !== undefined) return -1;
    return paddr - ram.base;
  }
  /** Physical address of the last `translateForAmo`. */
  lastPaddr = 0;

  /** Read `size` bytes from a device at `paddr` (access fault if none). */
  deviceRead(paddr: number, size: 1 | 2 | 4 | 8, vaddr: number, access: Access): bigint {
    const region = this.bus.findRegion(paddr, size);
    if (region === undefined) throw this.hart.trap.raise(ACCESS_FAULT[access], BigInt.asUintN(64, BigInt(vaddr)));
    return this.bus.mmioRead(region, paddr, size);
  }

  /** Fetch a 16-bit instruction parcel from a device window (access fault if none). */
  deviceFetch(paddr: number, vaddr: number): number {
    const region = this.bus.findRegion(paddr, 2);
    if (region === undefined) throw this.hart.trap.raise(ACCESS_FAULT[Access.FETCH], BigInt.asUintN(64, BigInt(vaddr)));
    return Number(this.bus.fetchRead(region, paddr, 2));
  }

  /** Write `size` bytes to a device at `paddr` (access fault if none). */
  deviceWrite(paddr: number, size: 1 | 2 | 4 | 8, value: bigint, vaddr: number): void {
    const region = this.bus.findRegion(paddr, size);
    if (region === undefined) throw this.hart.trap.raise(ACCESS_FAULT[Access.STORE], BigInt.asUintN(64, BigInt(vaddr)));
    this.bus.mmioWrite(region, paddr, size, value);
  }

  private translateChecked(addr: number, size: number, access: Access): number {
    if (!(addr > -SAFE && addr < SAFE)) this.wildAddressFault(access, addr);
    const priv = access === Access.FETCH ? this.hart.priv : this.mmu.dataPrivilege();
    return this.mmu.translate(addr, size, access, priv);
  }

  /**
   * Raise the fault for an address no double can hold: an access fault in bare
   * mode, a page fault (non-canonical) under Sv39/Sv48. `addr` is ignored when
   * the hart's wild pc applies.
   */
  wildAddressFault(access: Access, addr: number, exact?: bigint): never {
    const h = this.hart;
    const priv = access === Access.FETCH ? h.priv : this.mmu.dataPrivilege();
    const paged = priv !== PRIV_M && h.satp >> 60n !== 0n;
    const tval = exact ?? (access === Access.FETCH && addr === UNREPRESENTABLE_PC ? h.wildPc : BigInt.asUintN(64, BigInt(addr)));
    throw h.trap.raise(paged ? PAGE_FAULT[access] : ACCESS_FAULT[access], tval);
  }

  private loadSlow(addr: number, size: number): number {
    if ((addr & 4095) > 4096 - size) {
      // Byte by byte, as QEMU splits an access that crosses a page: a fault
      // reports the address of the first byte on the faulting page.
      let lo = 0;
      let hi = 0;
      for (let k = 0; k < size; k++) {
        const byte = this.loadByteAt(addr + k, addr + k);
        if (k < 4) lo |= byte << (8 * k);
        else hi |= byte << (8 * (k - 4));
      }
      this.slowLo = lo;
      this.slowHi = hi;
      return -1;
    }
    const paddr = this.translateChecked(addr, size, Access.LOAD);
    const offset = this.ramOffset(paddr, size);
    if (offset >= 0) {
      this.remember(this.loadTag, this.loadAdd, addr, paddr, size, offset);
      return offset;
    }
    const value = this.deviceRead(paddr, size as 1 | 2 | 4 | 8, addr, Access.LOAD);
    this.slowLo = Number(value & 0xffffffffn) | 0;
    this.slowHi = Number(value >> 32n) | 0;
    return -1;
  }

  /** Cache the page of `addr` in a TLB when the whole page is plain RAM under one PMP decision. */
  private remember(tags: Float64Array, addends: Float64Array, addr: number, paddr: number, size: number, offset: number): void {
    if (!this.mmu.cacheable || !this.bus.isPlainRam(paddr, size)) return;
    const vpn = Math.floor(addr / 4096);
    tags[vpn & (TLB_SIZE - 1)] = vpn;
    addends[vpn & (TLB_SIZE - 1)] = offset - addr;
  }

  private loadByteAt(addr: number, faultAddr: number): number {
    if (!(addr > -SAFE && addr < SAFE)) this.wildAddressFault(Access.LOAD, faultAddr);
    const paddr = this.mmu.translate(addr, 1, Access.LOAD, this.mmu.dataPrivilege(), faultAddr);
    const offset = this.ramOffset(paddr, 1);
    if (offset >= 0) return this.ram.bytes[offset]!;
    return Number(this.deviceRead(paddr, 1, faultAddr, Access.LOAD));
  }

  private storeSlow(addr: number, size: number, lo: number, hi: number): number {
    if ((addr & 4095) > 4096 - size) {
      const priv = this.mmu.dataPrivilege();
      const paddrs: number[] = [];
      for (let k = 0; k < size; k++) {
        if (!(addr + k > -SAFE && addr + k < SAFE)) this.wildAddressFault(Access.STORE, addr + k);
        paddrs.push(this.mmu.translate(addr + k, 1, Access.STORE, priv));
      }
      for (let k = 0; k < size; k++) {
        const byte = k < 4 ? (lo >>> (8 * k)) & 0xff : (hi >>> (8 * (k - 4))) & 0xff;
        this.storeByteAt(paddrs[k]!, byte, addr);
      }
      return -1;
    }
    const paddr = this.translateChecked(addr, size, Access.STORE);
    const offset = this.ramOffset(paddr, size);
    if (offset >= 0) {
      this.remember(this.storeTag, this.storeAdd, addr, paddr, size, offset);
      if (this.ram.codePages[offset >>> 12] !== 0) this.ram.noteWrite(offset, size);
      return offset;
    }
    const value = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    this.deviceWrite(paddr, size as 1 | 2 | 4 | 8, value, addr);
    return -1;
  }

  private storeByteAt(paddr: number, byte: number, faultAddr: number): void {
    const offset = this.ramOffset(paddr, 1);
    if (offset >= 0) {
      this.ram.bytes[offset] = byte;
      if (this.ram.codePages[offset >>> 12] !== 0) this.ram.noteWrite(offset, 1);
      return;
    }
    this.deviceWrite(paddr, 1, BigInt(byte), faultAddr);
  }
}
