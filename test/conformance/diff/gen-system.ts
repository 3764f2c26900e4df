import { Priv, type BodyWriter } from './gen-context.js';
import { memoryOp } from './gen-int.js';
import { PAGE_TABLES } from './layout.js';
import { pairLoadStoreDelegation } from './quirks.js';

/** CSRs whose reads and writes are deterministic on both machines (no counters, no implementation IDs). */
const MACHINE_CSRS = [
  'mstatus', 'mie', 'mip', 'mscratch', 'mcounteren', 'medeleg', 'mideleg', 'misa', 'mhartid', 'mvendorid',
  'mcause', 'mepc', 'mtval',
] as const;
const SUPERVISOR_CSRS = ['sstatus', 'sie', 'sip', 'sscratch', 'satp', 'scounteren', 'scause', 'sepc', 'stval'] as const;
const FP_CSRS = ['fcsr', 'frm', 'fflags'] as const;
/**
 * Encodings that are illegal in RV64GC: all ones, all zeros, custom-0, OP-V
 * (V is off), reserved funct3 of OP-IMM-32, AMO with a reserved funct5,
 * MISC-MEM funct3 2 (Zicbom is off).
 */
const ILLEGAL_WORDS = [
  0xffff_ffff, 0x0000_0000, 0x0000_000b, 0x0000_0057, 0x0000_201b, 0x2800_302f, 0x0000_200f,
] as const;
/**
 * SYSTEM funct12 values that would act rather than trap when rs1 = rd = 0
 * (ecall, ebreak, sret, mret, wfi, dret): random SYSTEM words avoid them.
 */
const SYSTEM_EFFECTS = new Set([0x000, 0x001, 0x102, 0x302, 0x105, 0x7b2]);
/**
 * Access and page faults (fetch, load, store) are never delegated by random
 * medeleg writes: the S-mode handler could fault on its own code or records
 * under a random satp and loop forever instead of reaching the trap limit.
 */
const UNDELEGATED_FAULTS = 0xb0a2n;
/** mip.MTIP follows the ACLINT timer: a body that reads mip masks it out before anything else sees it. */
const MTIP = 0x80n;

/**
 * Bits a body may write to each CSR. For the harness: mie without MTIE/MEIE
 * (timer and external lines); medeleg without ecall from S (the S handler's
 * escape) and without access/page faults (the S handler could fault on
 * itself under a random satp); mstatus/sstatus without TSR (the S handler
 * returns with `sret`; only the setup sets TSR, and only without delegation).
 * For QEMU 7.2 deviations dejavm does not copy (see README.md): mstatus and
 * sstatus without UXL/SXL/SBE/MBE (QEMU keeps a written UXL, and it sticks);
 * mepc/sepc even (QEMU keeps bit 0). Everything QEMU 7.2 keeps and dejavm
 * copies stays in: the H-extension medeleg bits 10, 11 and 20-23, the
 * VS/LCOFI bits of mideleg/mie/mip, all 64 bits of mcounteren/scounteren,
 * mstatus VS, GVA and MPV.
 */
const WRITE_MASKS: Readonly<Record<string, bigint>> = {
  mie: 0x266en, sie: 0x266en, medeleg: 0xf0_bfffn & ~(1n << 9n) & ~UNDELEGATED_FAULTS, mideleg: 0x2666n,
  mstatus: ~0x3f_0040_0000n, sstatus: ~0x3f_0040_0000n, mepc: ~1n, sepc: ~1n, mip: 0x2666n, sip: 0x2666n,
};

/**
 * A value for a CSR write. satp: Bare/Sv39/Sv48 (QEMU 7.2 also takes Sv57,
 * dejavm does not) with the root in the page-table area (QEMU 7.2 reports a
 * PTE read from non-existent memory as a page fault, the spec and dejavm as
 * an access fault). Others masked as above.
 */
function csrWriteValue(w: BodyWriter, csr: string): bigint {
  if (csr === 'satp') return (BigInt(w.rng.pick([0, 8, 9, 1])) << 60n) | (BigInt(w.rng.below(0x10000)) << 44n) | (PAGE_TABLES >> 12n);
  const value = BigInt.asUintN(64, w.value() & (WRITE_MASKS[csr] ?? -1n));
  return csr === 'medeleg' ? pairLoadStoreDelegation(value) : value;
}

/**
 * One Zicsr instruction (register or immediate form, rs1 = x0 or not, also a
 * zero-valued rs1 other than x0) on a CSR the current privilege may or may
 * not access.
 */
export function csrOp(w: BodyWriter, priv: Priv): void {
  const pool: readonly string[] = priv === Priv.M && w.rng.chance(0.6)
    ? MACHINE_CSRS
    : w.rng.chance(0.7) ? SUPERVISOR_CSRS : FP_CSRS;
  const csr = w.rng.pick(pool);
  const op = w.rng.pick(['csrrw', 'csrrs', 'csrrc', 'csrrwi', 'csrrsi', 'csrrci']);
  if (csr === 'satp' && priv !== Priv.M && w.paged) {
    w.emit(`csrr ${w.rd()}, satp`);
    return;
  }
  if (op.endsWith('i')) {
    const uimm = w.rng.chance(0.3) ? 0 : w.rng.below(32);
    const safe = uimm & Number((WRITE_MASKS[csr] ?? 0x1fn) & 0x1fn);
    const rd = w.rd();
    w.emit(`${op} ${rd}, ${csr}, ${safe}`);
    if ((csr === 'mip' || csr === 'sip') && rd !== 'zero') w.emit(`andi ${rd}, ${rd}, ${~Number(MTIP)}`);
    return;
  }
  if (priv === Priv.M && w.rng.chance(0.05)) {
    const t = w.rd(false);
    w.emit(`la ${t}, m_trap`, `addi ${t}, ${t}, ${w.rng.pick([0, 2, 3])}`, `csrrw ${w.rd()}, mtvec, ${t}`);
    return;
  }
  const src = w.rng.chance(0.25) ? 'zero' : w.rd(false);
  if (src !== 'zero') w.emit(w.li(src, csrWriteValue(w, csr)));
  const rd = w.rd();
  w.emit(`${op} ${rd}, ${csr}, ${src}`);
  if ((csr === 'mip' || csr === 'sip') && rd !== 'zero') w.emit(`andi ${rd}, ${rd}, ${~Number(MTIP)}`);
}

/** Instructions that trap: illegal encodings, ecall/ebreak, misaligned accesses, access faults (load, store, fetch). */
export function trapOp(w: BodyWriter): void {
  switch (w.rng.below(8)) {
    case 0:
      w.emit(`.word 0x${w.rng.pick(ILLEGAL_WORDS).toString(16)}`);
      break;
    case 1:
      w.emit(w.rng.pick(['ecall', 'ebreak', 'c.ebreak']));
      break;
    case 2:
      memoryOp(w, 1);
      break;
    case 3: {
      const base = w.rd(false);
      w.emit(w.li(base, w.rng.pick([0x0n, 0x8n, 0x1_0000_0000n, 0x8800_0000n, 0xffff_ffff_ffff_f000n])));
      w.emit(w.rng.chance(0.5) ? `ld ${w.rd()}, 0(${base})` : `sw ${w.rs()}, 0(${base})`);
      break;
    }
    case 4: {
      const base = w.rd(false, [1]);
      w.emit(w.li(base, w.rng.pick([0x0n, 0x1_0000_0000n, 0x8800_0000n])), `jalr ra, 0(${base})`);
      break;
    }
    case 5:
      w.emit(`csrw mvendorid, ${w.rs()}`);
      break;
    case 6:
      w.emit(`csrr ${w.rd()}, 0x015`);
      break;
    default: {
      let funct12 = w.rng.below(0x1000);
      while (SYSTEM_EFFECTS.has(funct12)) funct12 = w.rng.below(0x1000);
      w.emit(`.word 0x${((0x0000_0073 | (funct12 << 20) | (w.rng.below(32) << 15) | (w.rng.below(32) << 7)) >>> 0).toString(16)}`);
    }
  }
}

const MPP = 0x1800n;
const MPRV = 0x2_0000n;
const hex = (v: bigint): string => `0x${v.toString(16)}`;

/** The privilege a body is in at the current point of generation; `known` turns false once an `sret` might have trapped (TSR). */
export interface PrivState {
  priv: Priv;
  known: boolean;
}

/**
 * Privilege operations from the body's current level: mret/sret to a lower
 * level (tracked in `state.priv`; MPRV is cleared first, because QEMU 7.2
 * keeps it set on such returns where priv 1.12 clears it), software and
 * VS-level interrupts made pending (several at once: both take the
 * lowest-numbered, as QEMU 7.2 without AIA does), sfence.vma, wfi where it cannot sleep
 * (U mode, or S with TW set), sstatus/sie/sip views, software interrupts.
 */
export function privOp(w: BodyWriter, state: PrivState): void {
  const t = w.rd(false);
  switch (w.rng.below(7)) {
    case 0: {
      if (state.priv !== Priv.M) {
        w.emit('mret');
        return;
      }
      const target = w.rng.pick([Priv.S, Priv.U]);
      const next = w.label();
      w.emit(`la ${t}, ${next}`, `csrw mepc, ${t}`, `li ${t}, ${hex(MPP | MPRV)}`, `csrc mstatus, ${t}`);
      if (target === Priv.S) w.emit(`li ${t}, 0x800`, `csrs mstatus, ${t}`);
      w.emit('mret', `${next}:`);
      state.priv = target;
      return;
    }
    case 1: {
      if (state.priv === Priv.U) {
        w.emit('sret');
        return;
      }
      const next = w.label();
      if (state.priv === Priv.M) w.emit(`li ${t}, ${hex(MPRV)}`, `csrc mstatus, ${t}`);
      w.emit(`la ${t}, ${next}`, `csrw sepc, ${t}`, `li ${t}, 0x100`, `csrc sstatus, ${t}`, 'sret', `${next}:`);
      if (state.priv === Priv.S) state.known = false;
      state.priv = Priv.U;
      return;
    }
    case 2:
      w.emit(w.rng.chance(0.5) ? 'sfence.vma' : `sfence.vma ${w.rs()}, ${w.rs()}`);
      return;
    case 3:
      if (state.priv === Priv.U && state.known) w.emit('wfi');
      else if (state.priv === Priv.S) w.emit(`csrr ${t}, sstatus`);
      else w.emit(`li ${t}, 0x200000`, `csrs mstatus, ${t}`);
      return;
    case 4:
      w.emit(`li ${t}, ${w.rng.pick([0x2, 0x4, 0x20, 0x200, 0x22, 0x222, 0x444, 0x2000])}`, `csrs ${w.rng.pick(['mip', 'sip'])}, ${t}`);
      return;
    case 5:
      w.emit(`li ${t}, ${w.rng.pick([0x2, 0x8, 0xaa, 0x80002, 0x40000, 0x20000])}`);
      w.emit(`${w.rng.pick(['csrs', 'csrc'])} ${w.rng.pick(['mstatus', 'sstatus'])}, ${t}`);
      return;
    default:
      w.emit(`li ${t}, ${w.rng.pick([0x2, 0x20, 0x222, 0x666, 0x8])}`, `csrs ${w.rng.pick(['mie', 'sie'])}, ${t}`);
  }
}
