import { createHash } from 'node:crypto';
import type { Hart } from '../cpu/hart.js';
import type { Ram } from '../mem/ram.js';

/**
 * SHA-256 of the architectural state of every hart (x and f registers, pc,
 * privilege, the trap and translation CSRs, floating-point status) and of
 * all RAM: two runs with equal digests at the same position agree on
 * everything a guest can observe except device-internal state.
 */
export function machineDigest(harts: readonly Hart[], ram: Ram): Uint8Array {
  const hash = createHash('sha256');
  for (const hart of harts) {
    hash.update(new Uint8Array(hart.x.buffer, 0, 64 * 4));
    hash.update(new Uint8Array(hart.f.buffer));
    const csrs = [
      hart.getPc(), BigInt(hart.priv), BigInt(hart.mstatus >>> 0), hart.mepc, hart.sepc, hart.mcause, hart.scause,
      hart.mtval, hart.stval, hart.mtvec, hart.stvec, hart.satp, hart.mscratch, hart.sscratch,
      BigInt(hart.mie), BigInt(hart.mip), BigInt(hart.medeleg), BigInt(hart.mideleg), BigInt(hart.frm), BigInt(hart.fflags),
    ];
    const bytes = new DataView(new ArrayBuffer(8 * csrs.length));
    csrs.forEach((value, i) => bytes.setBigUint64(8 * i, BigInt.asUintN(64, value), true));
    hash.update(new Uint8Array(bytes.buffer));
  }
  hash.update(ram.bytes);
  return new Uint8Array(hash.digest());
}
