import { Access, MSTATUS, PRIV_M, PRIV_S, PRIV_U } from '../cpu/constants.js';
import type { Hart } from '../cpu/hart.js';
import { addrToBig } from '../cpu/trap-signal.js';
import type { Bus } from '../mem/bus.js';
import { Pmp, PMP_R, PMP_W, PMP_X } from './pmp.js';

const PAGE_FAULT = [12, 13, 15] as const;
const ACCESS_FAULT = [1, 5, 7] as const;
const PMP_NEED = [PMP_X, PMP_R, PMP_W] as const;

const PTE_V = 1;
const PTE_R = 2;
const PTE_W = 4;
const PTE_X = 8;
const PTE_U = 16;
const PTE_A = 64;
const PTE_D = 128;

const TWO_32 = 4294967296;
/** The privilege value MPP = 2 gives a data access under MPRV. */
const RESERVED_PRIV = 2;

/**
 * Virtual-to-physical translation for one hart: Sv39 and Sv48 page walks with
 * hardware A/D updates (as QEMU 7.2), the U/SUM/MXR/MPRV rules, and PMP
 * checks on the final address and on every page-table access.
 */
export class Mmu {
  /** The hart's PMP rules. */
  readonly pmp: Pmp;
  /** After `translate`: whether the result may be cached for the whole page. */
  cacheable = false;

  constructor(private readonly hart: Hart, private readonly bus: Bus) {
    this.pmp = new Pmp(hart);
  }

  /** The privilege level that governs a data access (MPRV applies MPP). */
  dataPrivilege(): number {
    const h = this.hart;
    if (h.priv === PRIV_M && (h.mstatus & MSTATUS.MPRV) !== 0) {
      return (h.mstatus & MSTATUS.MPP) >>> MSTATUS.MPP_SHIFT;
    }
    return h.priv;
  }

  /**
   * Translate `vaddr` (signed 64-bit value in a double) for an access of `size`
   * bytes of kind `access` at privilege `priv`; throws the hart's trap signal
   * on a page or access fault. `faultAddr` is what a fault reports in tval.
   */
  translate(vaddr: number, size: number, access: Access, priv: number, faultAddr: number = vaddr): number {
    const h = this.hart;
    const mode = priv === PRIV_M ? 0 : Number(h.satp >> 60n);
    let paddr: number;
    let pageUniform = true;
    if (mode === 0) {
      paddr = vaddr;
      if (paddr < 0 || paddr >= 2 ** 56) throw h.trap.raise(ACCESS_FAULT[access], addrToBig(faultAddr));
    } else {
      paddr = this.walk(vaddr, access, priv, mode === 9 ? 4 : 3, faultAddr);
    }
    const perm = this.pmp.permissions(paddr, size, priv);
    if ((perm & PMP_NEED[access]) === 0) throw h.trap.raise(ACCESS_FAULT[access], addrToBig(faultAddr));
    pageUniform = this.pmp.uniformOverPage(paddr - (paddr % 4096));
    // Privilege 2 (MPRV with the reserved MPP = 2, which QEMU 7.2 keeps) has
    // no TLB of its own: TLBs exist for U, S and M only, so never cache it.
    this.cacheable = pageUniform && priv !== RESERVED_PRIV;
    return paddr;
  }

  private walk(vaddr: number, access: Access, priv: number, levels: number, faultAddr: number): number {
    const h = this.hart;
    const pageFault = (): never => {
      throw h.trap.raise(PAGE_FAULT[access], addrToBig(faultAddr));
    };
    const vaBits = 12 + 9 * levels;
    const limit = 2 ** (vaBits - 1);
    if (vaddr < -limit || vaddr >= limit) pageFault();
    const ram = this.bus.ram;
    const view = ram.view;
    let table = Number(h.satp & 0xfffffffffffn) * 4096;
    for (let level = levels - 1; level >= 0; level--) {
      const index = Math.floor(vaddr / 2 ** (12 + 9 * level)) & 511;
      const pteAddr = table + index * 8;
      if (!ram.contains(pteAddr, 8) || (this.pmp.permissions(pteAddr, 8, PRIV_S) & PMP_R) === 0) {
        throw h.trap.raise(ACCESS_FAULT[access], addrToBig(faultAddr));
      }
      const offset = pteAddr - ram.base;
      let lo = view.getUint32(offset, true);
      const hi = view.getUint32(offset + 4, true);
      if ((lo & PTE_V) === 0 || ((lo & PTE_R) === 0 && (lo & PTE_W) !== 0)) pageFault();
      if ((hi & 0xffc00000) !== 0) pageFault();
      const ppn = (hi & 0x3fffff) * TWO_32 / 1024 + (lo >>> 10);
      if ((lo & (PTE_R | PTE_X)) === 0) {
        if (level === 0) pageFault();
        table = ppn * 4096;
        continue;
      }
      this.checkLeafPermissions(lo, access, priv, pageFault);
      const superPages = 2 ** (9 * level);
      if (ppn % superPages !== 0) pageFault();
      const wantBits = PTE_A | (access === Access.STORE ? PTE_D : 0);
      if ((lo & wantBits) !== wantBits) {
        lo |= wantBits;
        view.setUint32(offset, lo >>> 0, true);
        ram.noteWrite(offset, 8);
      }
      const pageOffset = vaddr - Math.floor(vaddr / (4096 * superPages)) * 4096 * superPages;
      return ppn * 4096 + pageOffset;
    }
    return pageFault();
  }

  /**
   * The leaf rules as QEMU 7.2 states them, which also cover the reserved
   * privilege 2 (MPRV with MPP = 2): a U page needs U, or SUM for a data access;
   * any other page needs S.
   */
  private checkLeafPermissions(pte: number, access: Access, priv: number, pageFault: () => never): void {
    const h = this.hart;
    const user = (pte & PTE_U) !== 0;
    if (user && priv !== PRIV_U && (access === Access.FETCH || (h.mstatus & MSTATUS.SUM) === 0)) pageFault();
    if (!user && priv !== PRIV_S) pageFault();
    if (access === Access.FETCH) {
      if ((pte & PTE_X) === 0) pageFault();
    } else if (access === Access.LOAD) {
      const readable = (pte & PTE_R) !== 0 || ((h.mstatus & MSTATUS.MXR) !== 0 && (pte & PTE_X) !== 0);
      if (!readable) pageFault();
    } else if ((pte & PTE_W) === 0) {
      pageFault();
    }
  }
}
