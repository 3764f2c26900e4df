/**
 * The side of a hart that devices see: its interrupt-pending lines.
 *
 * Interrupt controllers (ACLINT, PLIC) drive bits of the hart's `mip` through
 * this interface and never touch the hart otherwise (TinyEMU-style seam).
 */
export interface InterruptTarget {
  /**
   * Drive the `mip` bits in `mask` to `level`. Level-triggered and idempotent:
   * calling it again with the same level changes nothing.
   */
  setPending(mask: number, level: boolean): void;
}

/** `mip.MSIP`: machine software interrupt (ACLINT MSWI). */
export const MIP_MSIP = 1 << 3;
/** `mip.MTIP`: machine timer interrupt (ACLINT MTIMER). */
export const MIP_MTIP = 1 << 7;
/** `mip.SEIP`: supervisor external interrupt (PLIC S-mode context). */
export const MIP_SEIP = 1 << 9;
/** `mip.MEIP`: machine external interrupt (PLIC M-mode context). */
export const MIP_MEIP = 1 << 11;
