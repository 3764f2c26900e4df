import { ALL_IRQS, MSTATUS, MSTATUS_HIGH, PRIV_M, PRIV_S, PRIV_U } from './constants.js';
import type { Hart } from './hart.js';

const INTERRUPT_BIT = 1n << 63n;

/** A trap as taken, for observers (recorder, statistics, debugger). */
export interface TrapInfo {
  hart: number;
  icount: number;
  interrupt: boolean;
  cause: number;
  tval: bigint;
  /** The pc of the trapping instruction (or of the next one, for interrupts). */
  epc: bigint;
  fromPriv: number;
  toPriv: number;
}

/**
 * Enter a trap on `hart`: pick M or S by delegation, save epc/cause/tval and
 * the interrupt-enable stack, switch privilege and jump to the (vectored)
 * handler. Returns what was taken.
 */
export function enterTrap(hart: Hart, interrupt: boolean, cause: number, tval: bigint): TrapInfo {
  const fromPriv = hart.priv;
  const epc = hart.getPc();
  const delegation = interrupt ? hart.mideleg : hart.medeleg;
  const toS = fromPriv <= PRIV_S && ((delegation >>> cause) & 1) === 1;
  const causeValue = BigInt(cause) | (interrupt ? INTERRUPT_BIT : 0n);
  let s = hart.mstatus;
  let vector: bigint;
  if (toS) {
    hart.scause = causeValue;
    hart.sepc = epc;
    hart.stval = tval;
    s = (s & ~MSTATUS.SPIE) | ((s & MSTATUS.SIE) !== 0 ? MSTATUS.SPIE : 0);
    s = (s & ~MSTATUS.SPP) | (fromPriv === PRIV_S ? MSTATUS.SPP : 0);
    s &= ~MSTATUS.SIE;
    hart.priv = PRIV_S;
    vector = hart.stvec;
  } else {
    hart.mcause = causeValue;
    hart.mepc = epc;
    hart.mtval = tval;
    s = (s & ~MSTATUS.MPIE) | ((s & MSTATUS.MIE) !== 0 ? MSTATUS.MPIE : 0);
    s = (s & ~MSTATUS.MPP) | (fromPriv << MSTATUS.MPP_SHIFT);
    s &= ~MSTATUS.MIE;
    hart.priv = PRIV_M;
    vector = hart.mtvec;
  }
  hart.mstatus = s;
  let target = vector & ~3n;
  if (interrupt && (vector & 3n) === 1n) target += BigInt(4 * cause);
  hart.setPc(target);
  hart.reservation = NaN;
  hart.interruptCheck = true;
  hart.onPrivilegeChange();
  return { hart: hart.hartId, icount: hart.icount, interrupt, cause, tval, epc, fromPriv, toPriv: hart.priv };
}

/**
 * The interrupt `hart` must take now, or -1. M-level (not delegated)
 * interrupts come first, when running below M or with MIE set; then S-level
 * (delegated) ones, when below S or in S with SIE set.
 *
 * Why the lowest cause number wins within a level: QEMU 7.2 without AIA picks
 * `ctz(pending)`, not the privileged spec's MEI, MSI, MTI, SEI, SSI, STI order
 * (checked on qemu-system-riscv64: SSI is taken before a pending MTI, MTI
 * before SEI), and dejavm must take the same interrupt at the same icount.
 */
export function pendingInterrupt(hart: Hart): number {
  const pending = hart.mip & hart.mie;
  if (pending === 0) return -1;
  const mLevel = pending & ~hart.mideleg;
  const mEnabled = hart.priv < PRIV_M || (hart.mstatus & MSTATUS.MIE) !== 0;
  if (mEnabled && mLevel !== 0) return lowestBit(mLevel);
  const sLevel = pending & hart.mideleg;
  const sEnabled = hart.priv < PRIV_S || (hart.priv === PRIV_S && (hart.mstatus & MSTATUS.SIE) !== 0);
  if (sEnabled && sLevel !== 0) return lowestBit(sLevel);
  return -1;
}

function lowestBit(bits: number): number {
  return 31 - Math.clz32(bits & -bits);
}

/** Whether any interrupt is pending and enabled in mie (WFI's wake-up condition). */
export function wakeUpPending(hart: Hart): boolean {
  return (hart.mip & hart.mie & ALL_IRQS) !== 0;
}

/** Execute MRET: restore privilege and MIE from the M-mode stack. */
export function mret(hart: Hart): void {
  let s = hart.mstatus;
  const mpp = (s & MSTATUS.MPP) >>> MSTATUS.MPP_SHIFT;
  s = (s & ~MSTATUS.MIE) | ((s & MSTATUS.MPIE) !== 0 ? MSTATUS.MIE : 0);
  s |= MSTATUS.MPIE;
  s &= ~MSTATUS.MPP;
  if (mpp !== PRIV_M) s &= ~MSTATUS.MPRV;
  hart.mstatus = s;
  hart.mstatusGuestBits &= ~MSTATUS_HIGH.MPV;
  hart.priv = mpp === 2 ? PRIV_U : mpp;
  hart.setPc(hart.mepc);
  hart.interruptCheck = true;
  hart.onPrivilegeChange();
}

/** Execute SRET: restore privilege and SIE from the S-mode stack. */
export function sret(hart: Hart): void {
  let s = hart.mstatus;
  const spp = (s & MSTATUS.SPP) !== 0 ? PRIV_S : PRIV_U;
  s = (s & ~MSTATUS.SIE) | ((s & MSTATUS.SPIE) !== 0 ? MSTATUS.SIE : 0);
  s |= MSTATUS.SPIE;
  s &= ~MSTATUS.SPP;
  s &= ~MSTATUS.MPRV;
  hart.mstatus = s;
  hart.priv = spp;
  hart.setPc(hart.sepc);
  hart.interruptCheck = true;
  hart.onPrivilegeChange();
}
