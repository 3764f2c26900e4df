import {
  ALL_IRQS, DELEGABLE_EXCEPTIONS, DELEGABLE_IRQS, MISA, MSTATUS, MSTATUS_HIGH, MSTATUS_WRITABLE, PRIV_M, PRIV_S,
  PRIV_U, S_VISIBLE_IRQS, SIP_WRITABLE, SSTATUS_MASK,
} from './constants.js';
import type { Hart } from './hart.js';
import { PMP_ENTRIES } from './hart.js';

/** marchid/mimpid as QEMU 7.2 reports them (its version, 7.2.0). */
const QEMU_VERSION_ID = 0x070200n;
const XLEN_BITS = (2n << 32n) | (2n << 34n);
const SD = 1n << 63n;
const SATP_MODE_SHIFT = 60n;
const SATP_KEEP = (0xfn << 60n) | (0xffffn << 44n) | 0xfffffffffffn;
const PMPADDR_MASK = (1n << 54n) - 1n;
/** menvcfg bits QEMU 7.2 keeps: FIOM, CBIE, CBCFE, CBZE, PBMTE, STCE (stored, no effect here). */
const MENVCFG_WRITABLE = 0xc0000000000000f1n;
/** senvcfg bits QEMU 7.2 keeps: FIOM, CBIE, CBCFE, CBZE. */
const SENVCFG_WRITABLE = 0xf1n;
const U64 = (1n << 64n) - 1n;

/**
 * Control and status registers of one hart: access checks, reads and
 * writes with the WARL rules of privileged spec 1.12 as QEMU 7.2 applies them.
 *
 * `read`/`write` return `false` when the access is illegal (the executor then
 * raises an illegal-instruction exception); a write that changes translation
 * or interrupt state notifies the hart.
 */
export class CsrFile {
  /** Reads the current timer value (mtime ticks) for the `time` CSR. */
  readTime: () => bigint = () => 0n;
  /** The value of the last successful `read`. */
  value = 0n;

  constructor(private readonly hart: Hart) {}

  /** Check privilege, read-only and counter-enable rules for `csr`. */
  accessible(csr: number, writes: boolean): boolean {
    const h = this.hart;
    if (((csr >> 8) & 3) > h.priv) return false;
    if (writes && (csr >> 10) === 3) return false;
    if (csr >= 0xc00 && csr <= 0xc1f) {
      const bit = BigInt(csr - 0xc00);
      if (h.priv < PRIV_M && ((h.mcounteren >> bit) & 1n) === 0n) return false;
      if (h.priv === PRIV_U && ((h.scounteren >> bit) & 1n) === 0n) return false;
    }
    if (csr === 0x180 && h.priv === PRIV_S && (h.mstatus & MSTATUS.TVM) !== 0) return false;
    if (csr >= 0x001 && csr <= 0x003 && !h.fpEnabled()) return false;
    return true;
  }

  /** Read `csr` into `this.value`; false if it does not exist. */
  read(csr: number): boolean {
    const h = this.hart;
    let v: bigint;
    switch (csr) {
      case 0x001: v = BigInt(h.fflags); break;
      case 0x002: v = BigInt(h.frm); break;
      case 0x003: v = BigInt((h.frm << 5) | h.fflags); break;
      case 0xc00: case 0xb00: v = BigInt.asUintN(64, BigInt(h.icount) + h.cycleOffset); break;
      case 0xc01: v = this.readTime(); break;
      case 0xc02: case 0xb02: v = BigInt.asUintN(64, BigInt(h.icount) + h.instretOffset); break;
      case 0x100: v = this.mstatusValue() & (BigInt(SSTATUS_MASK) | (3n << 32n) | SD); break;
      case 0x104: v = BigInt(h.mie & h.mideleg & S_VISIBLE_IRQS); break;
      case 0x105: v = h.stvec; break;
      case 0x106: v = h.scounteren; break;
      case 0x10a: v = h.senvcfg; break;
      case 0x140: v = h.sscratch; break;
      case 0x141: v = h.sepc; break;
      case 0x142: v = h.scause; break;
      case 0x143: v = h.stval; break;
      case 0x144: v = BigInt(h.mip & h.mideleg & S_VISIBLE_IRQS); break;
      case 0x180: v = h.satp; break;
      case 0xf11: v = 0n; break;
      case 0xf12: case 0xf13: v = QEMU_VERSION_ID; break;
      case 0xf14: v = BigInt(h.hartId); break;
      case 0xf15: v = 0n; break;
      case 0x300: v = this.mstatusValue(); break;
      case 0x301: v = MISA; break;
      case 0x302: v = BigInt(h.medeleg); break;
      case 0x303: v = BigInt(h.mideleg); break;
      case 0x304: v = BigInt(h.mie); break;
      case 0x305: v = h.mtvec; break;
      case 0x306: v = h.mcounteren; break;
      case 0x30a: v = h.menvcfg; break;
      case 0x320: v = h.mcountinhibit; break;
      case 0x340: v = h.mscratch; break;
      case 0x341: v = h.mepc; break;
      case 0x342: v = h.mcause; break;
      case 0x343: v = h.mtval; break;
      case 0x344: v = BigInt(h.mip); break;
      default:
        if (!this.readOther(csr)) return false;
        return true;
    }
    this.value = v;
    return true;
  }

  private readOther(csr: number): boolean {
    const h = this.hart;
    if (csr >= 0x3a0 && csr <= 0x3af) {
      if ((csr & 1) !== 0) return false;
      const first = (csr - 0x3a0) * 4;
      if (first >= PMP_ENTRIES) return false;
      let v = 0n;
      for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(h.pmpcfg[first + i]!);
      this.value = v;
      return true;
    }
    if (csr >= 0x3b0 && csr < 0x3b0 + PMP_ENTRIES) {
      this.value = h.pmpaddr[csr - 0x3b0]!;
      return true;
    }
    // mhpmevent3..31 exist; the hpm counters themselves do not (QEMU 7.2 with
    // pmu-num=0 makes [m]hpmcounter3..31 illegal).
    if (csr >= 0x323 && csr <= 0x33f) {
      this.value = h.mhpmevent[csr - 0x323]!;
      return true;
    }
    return false;
  }

  /** mstatus as a 64-bit value (with UXL, SXL, GVA, MPV and SD, which FS or VS Dirty sets). */
  mstatusValue(): bigint {
    const h = this.hart;
    const low = BigInt(h.mstatus >>> 0);
    const dirty = (h.mstatus & MSTATUS.FS) === MSTATUS.FS || (h.mstatus & MSTATUS.VS) === MSTATUS.VS;
    return low | XLEN_BITS | (BigInt(h.mstatusGuestBits) << 32n) | (dirty ? SD : 0n);
  }

  /** Write `value` to `csr` (already checked with `accessible` and `read`). */
  write(csr: number, value: bigint): void {
    const h = this.hart;
    const low = Number(value & 0xffffffffn) | 0;
    switch (csr) {
      case 0x001: h.fflags = low & 0x1f; h.markFpDirty(); return;
      case 0x002: h.frm = low & 7; h.markFpDirty(); return;
      case 0x003: h.fflags = low & 0x1f; h.frm = (low >> 5) & 7; h.markFpDirty(); return;
      case 0xb00: h.cycleOffset = value - BigInt(h.icount + 1); return;
      case 0xb02: h.instretOffset = value - BigInt(h.icount + 1); return;
      case 0x100: this.writeMstatus((h.mstatus & ~SSTATUS_MASK) | (low & SSTATUS_MASK)); return;
      case 0x104: {
        const mask = h.mideleg & S_VISIBLE_IRQS;
        this.setMie((h.mie & ~mask) | (low & mask));
        return;
      }
      case 0x105: if ((low & 3) < 2) h.stvec = value; return;
      case 0x106: h.scounteren = value; return;
      case 0x10a: h.senvcfg = value & SENVCFG_WRITABLE; return;
      case 0x140: h.sscratch = value; return;
      case 0x141: h.sepc = value & ~1n; return;
      case 0x142: h.scause = value; return;
      case 0x143: h.stval = value; return;
      case 0x144: {
        const mask = SIP_WRITABLE & h.mideleg;
        this.setMipSoftware((h.mipSoftware & ~mask) | (low & mask));
        return;
      }
      case 0x180: this.writeSatp(value); return;
      case 0x300:
        h.mstatusGuestBits = Number((value >> 32n) & 0xffn) & (MSTATUS_HIGH.GVA | MSTATUS_HIGH.MPV);
        this.writeMstatus(low);
        return;
      case 0x302: h.medeleg = low & DELEGABLE_EXCEPTIONS; return;
      case 0x303: h.mideleg = low & DELEGABLE_IRQS; h.interruptCheck = true; return;
      case 0x304: this.setMie(low & ALL_IRQS); return;
      case 0x305: if ((low & 3) < 2) h.mtvec = value; return;
      case 0x306: h.mcounteren = value; return;
      case 0x30a: h.menvcfg = value & MENVCFG_WRITABLE; return;
      case 0x320: h.mcountinhibit = value; return;
      case 0x340: h.mscratch = value; return;
      case 0x341: h.mepc = value & ~1n; return;
      case 0x342: h.mcause = value; return;
      case 0x343: h.mtval = value; return;
      case 0x344: this.setMipSoftware((h.mipSoftware & ~DELEGABLE_IRQS) | (low & DELEGABLE_IRQS)); return;
      default:
        if (csr >= 0x323 && csr <= 0x33f) h.mhpmevent[csr - 0x323] = value;
        else this.writePmp(csr, value);
    }
  }

  private writePmp(csr: number, value: bigint): void {
    const h = this.hart;
    if (csr >= 0x3a0 && csr <= 0x3af) {
      const first = (csr - 0x3a0) * 4;
      for (let i = 0; i < 8; i++) {
        if ((h.pmpcfg[first + i]! & 0x80) === 0) h.pmpcfg[first + i] = Number((value >> BigInt(8 * i)) & 0xffn);
      }
    } else if (csr >= 0x3b0 && csr < 0x3b0 + PMP_ENTRIES) {
      const i = csr - 0x3b0;
      const locked = (h.pmpcfg[i]! & 0x80) !== 0;
      const nextLockedTor = i + 1 < PMP_ENTRIES && (h.pmpcfg[i + 1]! & 0x98) === 0x88;
      if (!locked && !nextLockedTor) h.pmpaddr[i] = value & PMPADDR_MASK;
    } else {
      return;
    }
    h.onPmpChange();
    h.flushTranslations();
  }

  private writeMstatus(low: number): void {
    const h = this.hart;
    const old = h.mstatus;
    h.mstatus = (old & ~MSTATUS_WRITABLE) | (low & MSTATUS_WRITABLE);
    if (((old ^ h.mstatus) & (MSTATUS.SUM | MSTATUS.MXR)) !== 0) h.flushTranslations();
    if (((old ^ h.mstatus) & (MSTATUS.MPRV | MSTATUS.MPP)) !== 0) h.onPrivilegeChange();
    h.interruptCheck = true;
  }

  private writeSatp(value: bigint): void {
    const h = this.hart;
    const mode = value >> SATP_MODE_SHIFT;
    if (mode !== 0n && mode !== 8n && mode !== 9n) return;
    h.satp = value & SATP_KEEP & U64;
    h.flushTranslations();
  }

  private setMie(value: number): void {
    this.hart.mie = value;
    this.hart.interruptCheck = true;
  }

  private setMipSoftware(value: number): void {
    this.hart.mipSoftware = value;
    this.hart.interruptCheck = true;
  }
}
