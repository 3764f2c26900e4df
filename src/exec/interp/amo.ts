import { Access, CAUSE } from '../../cpu/constants.js';
import { Op } from '../../isa/opcodes.js';
import type { ExecInsn } from './code-cache.js';
import type { InterpHart } from './interpreter.js';

function readWord(core: InterpHart, offset: number, addr: number, size: 4 | 8, access: Access): [number, number] {
  const mem = core.mem;
  if (offset >= 0) {
    const lo = mem.view.getInt32(offset, true);
    return [lo, size === 8 ? mem.view.getInt32(offset + 4, true) : lo >> 31];
  }
  const v = mem.deviceRead(mem.lastPaddr, size, addr, access);
  const lo = Number(v & 0xffffffffn) | 0;
  return [lo, size === 8 ? Number(v >> 32n) | 0 : lo >> 31];
}

function writeWord(core: InterpHart, offset: number, addr: number, size: 4 | 8, lo: number, hi: number): void {
  const mem = core.mem;
  if (offset >= 0) {
    mem.view.setInt32(offset, lo, true);
    if (size === 8) mem.view.setInt32(offset + 4, hi, true);
    if (mem.ram.codePages[offset >>> 12] !== 0) mem.ram.noteWrite(offset, size);
    return;
  }
  const value = size === 8 ? (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0) : BigInt(lo >>> 0);
  mem.deviceWrite(mem.lastPaddr, size, value, addr);
}

function lessSigned(al: number, ah: number, bl: number, bh: number): boolean {
  return ah < bh || (ah === bh && al >>> 0 < bl >>> 0);
}

function lessUnsigned(al: number, ah: number, bl: number, bh: number): boolean {
  return ah >>> 0 < bh >>> 0 || (ah === bh && al >>> 0 < bl >>> 0);
}

/** Execute an A-extension instruction (LR, SC, AMO*) of width W or D. */
export function executeAmo(core: InterpHart, d: ExecInsn): void {
  const h = core.hart;
  const x = h.x;
  const wide = d.op >= Op.LR_D;
  const size = wide ? 8 : 4;
  const kind = d.op - (wide ? Op.LR_D : Op.LR_W);
  const addr = core.dataAddress(d.rs1, 0, kind === 0 ? Access.LOAD : Access.STORE);
  const misaligned = (addr & (size - 1)) !== 0;
  if (kind === 0) {
    if (misaligned) throw h.trap.raise(CAUSE.MISALIGNED_LOAD, BigInt.asUintN(64, BigInt(addr)));
    const offset = core.mem.translateForAmo(addr, size, Access.LOAD);
    const [lo, hi] = readWord(core, offset, addr, size, Access.LOAD);
    h.reservation = addr;
    h.reservationLo = lo;
    h.reservationHi = hi;
    x[d.rd] = lo;
    x[d.rd + 1] = hi;
    return;
  }
  if (kind === 1) {
    const reserved = h.reservation;
    h.reservation = NaN;
    if (reserved !== addr) {
      x[d.rd] = 1;
      x[d.rd + 1] = 0;
      return;
    }
    if (misaligned) throw h.trap.raise(CAUSE.MISALIGNED_STORE, BigInt.asUintN(64, BigInt(addr)));
    const offset = core.mem.translateForAmo(addr, size, Access.STORE);
    const [lo, hi] = readWord(core, offset, addr, size, Access.STORE);
    const success = lo === h.reservationLo && hi === h.reservationHi;
    if (success) writeWord(core, offset, addr, size, x[d.rs2]!, x[d.rs2 + 1]!);
    x[d.rd] = success ? 0 : 1;
    x[d.rd + 1] = 0;
    return;
  }
  if (misaligned) throw h.trap.raise(CAUSE.MISALIGNED_STORE, BigInt.asUintN(64, BigInt(addr)));
  const offset = core.mem.translateForAmo(addr, size, Access.STORE);
  const [al, ah] = readWord(core, offset, addr, size, Access.STORE);
  const bl = x[d.rs2]!;
  const bh = wide ? x[d.rs2 + 1]! : bl >> 31;
  let rl: number;
  let rh: number;
  switch (kind) {
    case 2: rl = bl; rh = bh; break;
    case 3: {
      const s = (al >>> 0) + (bl >>> 0);
      rl = s | 0;
      rh = (ah + bh + (s > 0xffffffff ? 1 : 0)) | 0;
      break;
    }
    case 4: rl = al ^ bl; rh = ah ^ bh; break;
    case 5: rl = al & bl; rh = ah & bh; break;
    case 6: rl = al | bl; rh = ah | bh; break;
    case 7: [rl, rh] = lessSigned(al, ah, bl, bh) ? [al, ah] : [bl, bh]; break;
    case 8: [rl, rh] = lessSigned(al, ah, bl, bh) ? [bl, bh] : [al, ah]; break;
    case 9: [rl, rh] = lessUnsigned(al, ah, bl, bh) ? [al, ah] : [bl, bh]; break;
    default: [rl, rh] = lessUnsigned(al, ah, bl, bh) ? [bl, bh] : [al, ah]; break;
  }
  writeWord(core, offset, addr, size, rl, rh);
  x[d.rd] = al;
  x[d.rd + 1] = ah;
}
