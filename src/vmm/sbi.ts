import { IRQ, MSTATUS, PRIV_S } from '../cpu/constants.js';
import type { Hart } from '../cpu/hart.js';
import type { FinishEvent } from '../devices/finish.js';
import type { VirtMachine } from '../machine/virt.js';

/** SBI error codes (SBI spec 2.0, chapter 3). */
const SBI_SUCCESS = 0n;
const SBI_ERR_NOT_SUPPORTED = -2n;
const SBI_ERR_INVALID_PARAM = -3n;
const SBI_ERR_ALREADY_AVAILABLE = -6n;

/** Extension IDs. */
const EXT = {
  BASE: 0x10,
  TIME: 0x54494d45,
  IPI: 0x735049,
  RFENCE: 0x52464e43,
  HSM: 0x48534d,
  SRST: 0x53525354,
  DBCN: 0x4442434e,
} as const;

/** Legacy (v0.1) extension IDs we answer. */
const LEGACY = {
  SET_TIMER: 0x00,
  CONSOLE_PUTCHAR: 0x01,
  CONSOLE_GETCHAR: 0x02,
  CLEAR_IPI: 0x03,
  SEND_IPI: 0x04,
  REMOTE_FENCE_I: 0x05,
  REMOTE_SFENCE_VMA: 0x06,
  REMOTE_SFENCE_VMA_ASID: 0x07,
  SHUTDOWN: 0x08,
} as const;

/** SBI specification version we implement: 2.0. */
const SPEC_VERSION = 2n << 24n;
/**
 * Implementation ID. The SBI spec's registry has no entry for dejavm; we use
 * 0x646a ("dj"), far above the registered IDs, so no guest mistakes us for
 * OpenSBI or KVM.
 */
const IMPL_ID = 0x646an;
/** Implementation version: dejavm 0.1. */
const IMPL_VERSION = 0x000100n;

/**
 * Every exception S-mode can handle goes to S-mode (causes 0-8, 12, 13, 15):
 * there is no M-mode firmware to catch the others. OpenSBI delegates fewer
 * (0xb109) but redirects the rest to S-mode from its own handler, so the
 * guest sees the same thing; S-mode ECALLs are answered before they trap.
 */
const DELEGATED_EXCEPTIONS = 0xb1ff;

/** marchid and mimpid, as the harts report them (QEMU 7.2's version). */
const QEMU_VERSION_ID = 0x070200n;

/** HSM hart states. */
const HSM_STARTED = 0n;
const HSM_STOPPED = 1n;

const U64 = (1n << 64n) - 1n;

/** What the built-in firmware needs from the VMM. */
export interface BuiltinFirmwareHost {
  readonly machine: VirtMachine;
  /** Console output (the same sink as the UART's). */
  readonly console: (byte: number) => void;
  /** Ask the VMM to stop the run. */
  readonly finish: (event: FinishEvent) => void;
}

/**
 * The VMM's built-in SBI firmware (`--bios builtin`): the VMM answers
 * S-mode ECALLs itself, as KVM does for its guests, so S-mode kernels boot
 * with no firmware image. Implements BASE, TIME, IPI, RFENCE, HSM, SRST, DBCN
 * and the legacy console, timer, IPI, fence and shutdown calls.
 *
 * Timers follow OpenSBI's model: `set_timer` programs the hart's ACLINT
 * mtimecmp, and the timer line is delivered as STIP (see `BuiltinTimerTarget`),
 * so it drops when the guest programs a later deadline.
 */
export class BuiltinFirmware {
  constructor(private readonly host: BuiltinFirmwareHost) {}

  /**
   * Put every hart in the state OpenSBI leaves it in before jumping to the
   * kernel: S-mode at `entry`, a0 = hart id, a1 = the device tree, exceptions
   * and S-level interrupts delegated, counters and all memory open to S/U.
   * Hart 0 starts; the others wait for HSM `hart_start`.
   */
  reset(entry: bigint, fdtAddress: bigint): void {
    for (const hart of this.host.machine.harts) {
      hart.priv = PRIV_S;
      hart.medeleg = DELEGATED_EXCEPTIONS;
      hart.mideleg = IRQ.SSI | IRQ.STI | IRQ.SEI;
      hart.mcounteren = 7n;
      hart.mstatus |= MSTATUS.FS;
      hart.pmpaddr[0] = (1n << 54n) - 1n;
      hart.pmpcfg[0] = 0x1f;
      hart.onPmpChange();
      hart.flushTranslations();
      hart.onPrivilegeChange();
      hart.setPc(entry);
      hart.setX(10, BigInt(hart.hartId));
      hart.setX(11, fdtAddress);
      hart.powered = hart.hartId === 0;
      hart.supervisorCall = (caller) => this.call(caller);
    }
  }

  /** Answer the ECALL `hart` just made from S-mode (a7 = extension, a6 = function). */
  call(hart: Hart): void {
    const eid = Number(hart.getX(17) & 0xffffffffn);
    const fid = Number(hart.getX(16) & 0xffffffffn);
    const a = (i: number): bigint => hart.getX(10 + i);
    if (eid <= LEGACY.SHUTDOWN) {
      this.legacy(hart, eid, a);
      return;
    }
    let error = SBI_SUCCESS;
    let value = 0n;
    switch (eid) {
      case EXT.BASE: [error, value] = this.base(fid, a(0)); break;
      case EXT.TIME: [error, value] = fid === 0 ? this.setTimer(hart, a(0)) : [SBI_ERR_NOT_SUPPORTED, 0n]; break;
      case EXT.IPI: [error, value] = fid === 0 ? this.sendIpi(a(0), a(1)) : [SBI_ERR_NOT_SUPPORTED, 0n]; break;
      case EXT.RFENCE: [error, value] = this.remoteFence(fid, a(0), a(1)); break;
      case EXT.HSM: [error, value] = this.hsm(hart, fid, a); break;
      case EXT.SRST: [error, value] = this.systemReset(fid, a(0), a(1)); break;
      case EXT.DBCN: [error, value] = this.debugConsole(fid, a); break;
      default: error = SBI_ERR_NOT_SUPPORTED;
    }
    hart.setX(10, error & U64);
    hart.setX(11, value & U64);
  }

  private legacy(hart: Hart, eid: number, a: (i: number) => bigint): void {
    switch (eid) {
      case LEGACY.SET_TIMER: this.setTimer(hart, a(0)); hart.setX(10, 0n); return;
      case LEGACY.CONSOLE_PUTCHAR: this.host.console(Number(a(0) & 0xffn)); hart.setX(10, 0n); return;
      case LEGACY.CONSOLE_GETCHAR: hart.setX(10, U64); return;
      case LEGACY.CLEAR_IPI: hart.mipSoftware &= ~IRQ.SSI; hart.setX(10, 0n); return;
      case LEGACY.SEND_IPI: case LEGACY.REMOTE_FENCE_I: case LEGACY.REMOTE_SFENCE_VMA: case LEGACY.REMOTE_SFENCE_VMA_ASID: {
        const mask = this.readLegacyHartMask(a(0));
        if (eid === LEGACY.SEND_IPI) this.sendIpi(mask, 0n);
        else this.remoteFence(eid === LEGACY.REMOTE_FENCE_I ? 0 : 1, mask, 0n);
        hart.setX(10, 0n);
        return;
      }
      default: this.systemReset(0, 0n, 0n);
    }
  }

  /** Legacy calls pass the hart mask by address; read it (0 or unreadable: all harts). */
  private readLegacyHartMask(address: bigint): bigint {
    const ram = this.host.machine.ram;
    const paddr = Number(address);
    if (address === 0n || !ram.contains(paddr, 8)) return U64;
    return ram.view.getBigUint64(paddr - ram.base, true);
  }

  private base(fid: number, argument: bigint): [bigint, bigint] {
    switch (fid) {
      case 0: return [SBI_SUCCESS, SPEC_VERSION];
      case 1: return [SBI_SUCCESS, IMPL_ID];
      case 2: return [SBI_SUCCESS, IMPL_VERSION];
      case 3: {
        const known = (Object.values(EXT) as number[]).includes(Number(argument)) || argument <= BigInt(LEGACY.SHUTDOWN);
        return [SBI_SUCCESS, known ? 1n : 0n];
      }
      case 4: return [SBI_SUCCESS, 0n];
      case 5: case 6: return [SBI_SUCCESS, QEMU_VERSION_ID];
      default: return [SBI_ERR_NOT_SUPPORTED, 0n];
    }
  }

  private setTimer(hart: Hart, deadline: bigint): [bigint, bigint] {
    this.host.machine.aclint.write(0x4000 + 8 * hart.hartId, 8, deadline & U64);
    hart.stopRequest = true;
    hart.interruptCheck = true;
    return [SBI_SUCCESS, 0n];
  }

  /** The harts selected by an SBI hart mask (base = -1: all harts). */
  private selected(mask: bigint, base: bigint): Hart[] {
    const harts = this.host.machine.harts;
    if (base === U64) return [...harts];
    return harts.filter((h) => {
      const bit = BigInt(h.hartId) - base;
      return bit >= 0n && bit < 64n && ((mask >> bit) & 1n) === 1n;
    });
  }

  private sendIpi(mask: bigint, base: bigint): [bigint, bigint] {
    for (const target of this.selected(mask, base)) {
      target.mipSoftware |= IRQ.SSI;
      target.interruptCheck = true;
    }
    return [SBI_SUCCESS, 0n];
  }

  private remoteFence(fid: number, mask: bigint, base: bigint): [bigint, bigint] {
    if (fid > 2) return [SBI_ERR_NOT_SUPPORTED, 0n];
    for (const target of this.selected(mask, base)) target.flushTranslations();
    return [SBI_SUCCESS, 0n];
  }

  private hsm(hart: Hart, fid: number, a: (i: number) => bigint): [bigint, bigint] {
    const harts = this.host.machine.harts;
    switch (fid) {
      case 0: {
        const target = harts[Number(a(0))];
        if (a(0) >= BigInt(harts.length) || target === undefined) return [SBI_ERR_INVALID_PARAM, 0n];
        if (target.powered) return [SBI_ERR_ALREADY_AVAILABLE, 0n];
        target.priv = PRIV_S;
        target.onPrivilegeChange();
        target.setPc(a(1));
        target.setX(10, a(0));
        target.setX(11, a(2));
        target.mstatus &= ~(MSTATUS.SIE);
        target.powered = true;
        target.waiting = false;
        return [SBI_SUCCESS, 0n];
      }
      case 1:
        hart.powered = false;
        hart.stopRequest = true;
        hart.interruptCheck = true;
        return [SBI_SUCCESS, 0n];
      case 2: {
        const target = harts[Number(a(0))];
        if (a(0) >= BigInt(harts.length) || target === undefined) return [SBI_ERR_INVALID_PARAM, 0n];
        return [SBI_SUCCESS, target.powered ? HSM_STARTED : HSM_STOPPED];
      }
      default: return [SBI_ERR_NOT_SUPPORTED, 0n];
    }
  }

  private systemReset(fid: number, type: bigint, reason: bigint): [bigint, bigint] {
    if (fid !== 0 || type > 2n) return [SBI_ERR_INVALID_PARAM, 0n];
    if (type === 0n) {
      const failure = reason === 1n;
      this.host.finish({
        kind: failure ? 'fail' : 'pass',
        code: failure ? 1 : 0,
        reason: `sbi: system shutdown${failure ? ' (reason: system failure)' : ''}`,
      });
    } else {
      this.host.finish({ kind: 'reset', code: 0, reason: `sbi: system ${type === 1n ? 'cold' : 'warm'} reboot` });
    }
    return [SBI_SUCCESS, 0n];
  }

  private debugConsole(fid: number, a: (i: number) => bigint): [bigint, bigint] {
    const ram = this.host.machine.ram;
    switch (fid) {
      case 0: {
        const length = a(0);
        const address = a(1) | (a(2) << 32n);
        const start = Number(address);
        if (length > BigInt(ram.size) || !ram.contains(start, Number(length))) return [SBI_ERR_INVALID_PARAM, 0n];
        const bytes = ram.bytes.subarray(start - ram.base, start - ram.base + Number(length));
        for (const byte of bytes) this.host.console(byte);
        return [SBI_SUCCESS, length];
      }
      case 1: return [SBI_SUCCESS, 0n];
      case 2: this.host.console(Number(a(0) & 0xffn)); return [SBI_SUCCESS, 0n];
      default: return [SBI_ERR_NOT_SUPPORTED, 0n];
    }
  }
}
