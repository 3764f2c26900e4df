import { MSTATUS, PRIV_M } from './constants.js';
import { TrapSignal } from './trap-signal.js';

/**
 * The pc stand-in for a jump target a double cannot hold exactly: 2^62 is
 * neither a physical address nor a canonical Sv39/Sv48 address, so fetching
 * from it always faults (see `Hart.wildPc`).
 */
export const UNREPRESENTABLE_PC = 2 ** 62;

/** Number of PMP entries the hart implements (as QEMU 7.2). */
export const PMP_ENTRIES = 16;

/**
 * The architectural state of one RV64GC hart.
 *
 * Registers live in typed arrays as 32-bit halves: x register i is
 * `x[2i]` (low) and `x[2i+1]` (high); slot 32 (`x[64]`, `x[65]`) is a sink the
 * executor writes when an instruction's destination is x0, so x0 never needs a
 * branch. f register i is `f[2i]`, `f[2i+1]` with single-precision values
 * NaN-boxed. The pc is a signed 64-bit value held in a double: every address a
 * guest can fetch from fits exactly (valid Sv39/Sv48 addresses are sign-extended
 * from bit 38/47, physical addresses are below 2^56); jumps elsewhere fault
 * before the pc is updated.
 */
export class Hart {
  /** Integer registers as (low, high) int32 halves, plus the x0 sink. */
  readonly x = new Int32Array(66);
  /** Floating-point registers as (low, high) int32 halves. */
  readonly f = new Int32Array(64);
  /** Program counter (signed 64-bit value in a double). */
  pc = 0;
  /** Current privilege level (0 U, 1 S, 3 M). */
  priv = PRIV_M;
  /** Exact count of retired instructions. */
  icount = 0;

  /** Low 32 bits of mstatus (the high half is derived, but for `mstatusGuestBits`). */
  mstatus = 0;
  /**
   * mstatus.GVA (bit 38) and MPV (bit 39), shifted down by 32: QEMU 7.2 keeps
   * them writable without H; they change nothing but MRET clears MPV.
   */
  mstatusGuestBits = 0;
  medeleg = 0;
  mideleg = 0;
  mie = 0;
  /** Software-writable pending bits (SSIP, STIP, SEIP written by M-mode). */
  mipSoftware = 0;
  /** Pending bits driven by devices (MSIP, MTIP, MEIP, SEIP from the PLIC). */
  mipExternal = 0;
  mtvec = 0n;
  stvec = 0n;
  mepc = 0n;
  sepc = 0n;
  mcause = 0n;
  scause = 0n;
  mtval = 0n;
  stval = 0n;
  mscratch = 0n;
  sscratch = 0n;
  satp = 0n;
  /** Counter enables: QEMU 7.2 keeps all 64 bits written (only bits 0-2 gate anything here). */
  mcounteren = 0n;
  scounteren = 0n;
  menvcfg = 0n;
  senvcfg = 0n;
  /** Stored as written, all 64 bits, as QEMU 7.2 does; it does not stop the counters here. */
  mcountinhibit = 0n;
  /** mhpmevent3..31, stored as written (QEMU 7.2 keeps them even with no PMU counters). */
  readonly mhpmevent = new Array<bigint>(29).fill(0n);
  /** Offsets so that mcycle/minstret read as icount plus the value last written. */
  cycleOffset = 0n;
  instretOffset = 0n;
  /** Floating-point rounding mode and accrued exception flags. */
  frm = 0;
  fflags = 0;
  /** PMP configuration bytes, one per entry. */
  readonly pmpcfg = new Uint8Array(PMP_ENTRIES);
  /** PMP address registers (bits 55:2 of the address). */
  readonly pmpaddr = new Array<bigint>(PMP_ENTRIES).fill(0n);

  /**
   * LR/SC reservation as QEMU 7.2 keeps it: the virtual address LR used (NaN:
   * none) and the value it loaded. SC succeeds only if its address matches and
   * memory still holds that value (QEMU's SC is a compare-and-swap).
   */
  reservation = NaN;
  reservationLo = 0;
  reservationHi = 0;
  /** Set when interrupt state may have changed; the executor then checks. */
  interruptCheck = true;
  /** True while the hart waits in WFI for an interrupt. */
  waiting = false;
  /** False while the hart is stopped (SBI HSM): the VMM does not run it. */
  powered = true;
  /**
   * When set, ECALLs from S-mode are answered by the VMM's built-in firmware
   * instead of trapping to M-mode (`--bios builtin`, as KVM does).
   */
  supervisorCall: ((hart: Hart) => void) | undefined;
  /** Called when every cached translation must be dropped (set by the MMU's owner). */
  onTranslationFlush: () => void = () => {};
  /** Called when PMP registers change, before the translation flush. */
  onPmpChange: () => void = () => {};
  /** Called when the privilege level or MPRV/MPP change the effective privilege. */
  onPrivilegeChange: () => void = () => {};
  /** Set (with `interruptCheck`) when the VMM wants the hart to stop at the next boundary. */
  stopRequest = false;
  /**
   * The exact pc when a jump went to an address a double cannot hold; the pc
   * is then `UNREPRESENTABLE_PC`, which no translation accepts, so the next
   * fetch faults and reports this value.
   */
  wildPc = 0n;

  /** The reusable exception object (see TrapSignal). */
  readonly trap = new TrapSignal();

  /** @param hartId the value of mhartid */
  constructor(readonly hartId: number) {}

  /** mip as software reads it. */
  get mip(): number {
    return this.mipSoftware | this.mipExternal;
  }

  /**
   * Drive device interrupt-pending bits (MSIP, MTIP, MEIP, SEIP).
   * Implements the devices' InterruptTarget contract.
   */
  setPending(mask: number, level: boolean): void {
    const next = level ? this.mipExternal | mask : this.mipExternal & ~mask;
    if (next !== this.mipExternal) {
      this.mipExternal = next;
      this.interruptCheck = true;
      this.onInterruptLine?.(mask, level);
    }
  }

  /** Told when a device changes one of this hart's interrupt-pending lines (recorder). */
  onInterruptLine: ((mask: number, level: boolean) => void) | undefined;

  /** Mark the FP state dirty (mstatus.FS = 3), as any FP register write does. */
  markFpDirty(): void {
    this.mstatus |= MSTATUS.FS;
  }

  /** Whether the FPU is enabled (mstatus.FS != Off). */
  fpEnabled(): boolean {
    return (this.mstatus & MSTATUS.FS) !== 0;
  }

  /** Read x register `i` as an unsigned 64-bit bigint (for slow paths and tools). */
  getX(i: number): bigint {
    return (BigInt(this.x[2 * i + 1]! >>> 0) << 32n) | BigInt(this.x[2 * i]! >>> 0);
  }

  /** Write x register `i` from a bigint (x0 stays zero). */
  setX(i: number, value: bigint): void {
    if (i === 0) return;
    this.x[2 * i] = Number(BigInt.asIntN(32, value));
    this.x[2 * i + 1] = Number(BigInt.asIntN(32, value >> 32n));
  }

  /** Read f register `i`'s raw 64 bits as an unsigned bigint. */
  getF(i: number): bigint {
    return (BigInt(this.f[2 * i + 1]! >>> 0) << 32n) | BigInt(this.f[2 * i]! >>> 0);
  }

  /** The pc as an unsigned 64-bit bigint. */
  getPc(): bigint {
    if (this.pc === UNREPRESENTABLE_PC) return this.wildPc;
    return BigInt.asUintN(64, BigInt(this.pc));
  }

  /** Set the pc from an unsigned or signed 64-bit bigint (any value). */
  setPc(value: bigint): void {
    const signed = BigInt.asIntN(64, value);
    if (signed >= -(1n << 53n) && signed < 1n << 53n) {
      this.pc = Number(signed);
    } else {
      this.pc = UNREPRESENTABLE_PC;
      this.wildPc = BigInt.asUintN(64, value);
    }
  }

  /** Invalidate every cached translation (satp, sfence.vma, mstatus, PMP changes). */
  flushTranslations(): void {
    this.onTranslationFlush();
  }
}
