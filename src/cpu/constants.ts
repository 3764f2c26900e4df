/** Privilege levels as encoded in mstatus.MPP and the spec. */
export const PRIV_U = 0;
/** Supervisor privilege. */
export const PRIV_S = 1;
/** Machine privilege. */
export const PRIV_M = 3;

/** mstatus bit masks (low 32 bits; the high half is UXL/SXL = 2 and SD). */
export const MSTATUS = {
  SIE: 1 << 1,
  MIE: 1 << 3,
  SPIE: 1 << 5,
  MPIE: 1 << 7,
  SPP: 1 << 8,
  /** Vector state: QEMU 7.2 keeps this field writable (and in SD) even without V. */
  VS: 3 << 9,
  MPP_SHIFT: 11,
  MPP: 3 << 11,
  FS_SHIFT: 13,
  FS: 3 << 13,
  MPRV: 1 << 17,
  SUM: 1 << 18,
  MXR: 1 << 19,
  TVM: 1 << 20,
  TW: 1 << 21,
  TSR: 1 << 22,
} as const;

/** mstatus.GVA and MPV as bits of the high word (bits 38 and 39 of mstatus). */
export const MSTATUS_HIGH = {
  GVA: 1 << 6,
  MPV: 1 << 7,
} as const;

/** Bits of the low half of mstatus that M-mode software can write (QEMU 7.2, no H/V). */
export const MSTATUS_WRITABLE =
  MSTATUS.SIE | MSTATUS.MIE | MSTATUS.SPIE | MSTATUS.MPIE | MSTATUS.SPP | MSTATUS.VS | MSTATUS.MPP |
  MSTATUS.FS | MSTATUS.MPRV | MSTATUS.SUM | MSTATUS.MXR | MSTATUS.TVM | MSTATUS.TW | MSTATUS.TSR;

/** The part of mstatus visible and writable through sstatus. */
export const SSTATUS_MASK =
  MSTATUS.SIE | MSTATUS.SPIE | MSTATUS.SPP | MSTATUS.VS | MSTATUS.FS | MSTATUS.SUM | MSTATUS.MXR;

/** Interrupt bits in mip/mie (and causes: bit n is interrupt cause n). */
export const IRQ = {
  SSI: 1 << 1,
  MSI: 1 << 3,
  STI: 1 << 5,
  MTI: 1 << 7,
  SEI: 1 << 9,
  MEI: 1 << 11,
  /** The VS-level and counter-overflow bits QEMU 7.2 keeps writable even without H or Sscofpmf. */
  VSSI: 1 << 2,
  VSTI: 1 << 6,
  VSEI: 1 << 10,
  LCOFI: 1 << 13,
} as const;

/**
 * Interrupts M-mode can delegate (mideleg writable bits), and the bits M-mode
 * software can set in mip: as QEMU 7.2, the S-level ones plus VSSI, VSTI, VSEI
 * and LCOFI. No device drives those four, but a guest can pend, enable and
 * take them (causes 2, 6, 10, 13) exactly as on QEMU.
 */
export const DELEGABLE_IRQS = IRQ.SSI | IRQ.STI | IRQ.SEI | IRQ.VSSI | IRQ.VSTI | IRQ.VSEI | IRQ.LCOFI;

/** Every interrupt bit mie keeps (QEMU 7.2). */
export const ALL_IRQS = DELEGABLE_IRQS | IRQ.MSI | IRQ.MTI | IRQ.MEI;

/** The interrupts sie/sip show (of those delegated), as QEMU 7.2: SSI, STI, SEI, LCOFI. */
export const S_VISIBLE_IRQS = IRQ.SSI | IRQ.STI | IRQ.SEI | IRQ.LCOFI;

/** The pending bits S-mode can write through sip (of those delegated): SSIP and LCOFIP. */
export const SIP_WRITABLE = IRQ.SSI | IRQ.LCOFI;

/** Exception causes (mcause with the interrupt bit clear). */
export const CAUSE = {
  MISALIGNED_FETCH: 0,
  FETCH_ACCESS: 1,
  ILLEGAL_INSTRUCTION: 2,
  BREAKPOINT: 3,
  MISALIGNED_LOAD: 4,
  LOAD_ACCESS: 5,
  MISALIGNED_STORE: 6,
  STORE_ACCESS: 7,
  ECALL_FROM_U: 8,
  ECALL_FROM_S: 9,
  ECALL_FROM_M: 11,
  FETCH_PAGE_FAULT: 12,
  LOAD_PAGE_FAULT: 13,
  STORE_PAGE_FAULT: 15,
} as const;

/**
 * medeleg's writable bits, as QEMU 7.2 keeps them: every exception up to the
 * store page fault, and even with H disabled the hypervisor causes (10, 20-23)
 * and ecall-from-M (11). Those bits read back but change nothing: those causes
 * never occur, and a trap taken in M is never delegated.
 */
export const DELEGABLE_EXCEPTIONS =
  (1 << CAUSE.MISALIGNED_FETCH) | (1 << CAUSE.FETCH_ACCESS) | (1 << CAUSE.ILLEGAL_INSTRUCTION) |
  (1 << CAUSE.BREAKPOINT) | (1 << CAUSE.MISALIGNED_LOAD) | (1 << CAUSE.LOAD_ACCESS) |
  (1 << CAUSE.MISALIGNED_STORE) | (1 << CAUSE.STORE_ACCESS) | (1 << CAUSE.ECALL_FROM_U) |
  (1 << CAUSE.ECALL_FROM_S) | (1 << 10) | (1 << CAUSE.ECALL_FROM_M) | (1 << CAUSE.FETCH_PAGE_FAULT) |
  (1 << CAUSE.LOAD_PAGE_FAULT) | (1 << CAUSE.STORE_PAGE_FAULT) | (0xf << 20);

/** Memory access kinds, used for permission checks and fault causes. */
export const enum Access {
  FETCH = 0,
  LOAD = 1,
  STORE = 2,
}

/** misa for RV64 with A, C, D, F, I, M, S, U. */
export const MISA = (2n << 62n) | BigInt(
  (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20));
