import { CAUSE, MSTATUS, PRIV_M, PRIV_S, PRIV_U } from '../../cpu/constants.js';
import { mret, sret, wakeUpPending } from '../../cpu/trap.js';
import { Op } from '../../isa/opcodes.js';
import { ExitReason } from '../backend.js';
import type { ExecInsn } from './code-cache.js';
import type { InterpHart } from './interpreter.js';

const ECALL_CAUSE = [CAUSE.ECALL_FROM_U, CAUSE.ECALL_FROM_S, 10, CAUSE.ECALL_FROM_M] as const;

/**
 * Execute a system instruction (CSR access, ECALL/EBREAK, xRET, WFI, fences).
 * It sets the pc itself; the caller counts the instruction as retired.
 * Returns an exit reason for the VMM, or -1 to keep running.
 */
export function executeSystem(core: InterpHart, d: ExecInsn): number {
  const h = core.hart;
  const next = h.pc + d.len;
  switch (d.op) {
    case Op.CSRRW: case Op.CSRRS: case Op.CSRRC: case Op.CSRRWI: case Op.CSRRSI: case Op.CSRRCI:
      executeCsr(core, d);
      break;
    case Op.ECALL:
      if (h.priv !== PRIV_S || h.supervisorCall === undefined) throw h.trap.raise(ECALL_CAUSE[h.priv]!, 0n);
      h.supervisorCall(h);
      break;
    case Op.EBREAK:
      throw h.trap.raise(CAUSE.BREAKPOINT, 0n);
    case Op.MRET:
      if (h.priv !== PRIV_M) core.illegal(d);
      mret(h);
      return -1;
    case Op.SRET:
      if (h.priv === PRIV_U || (h.priv === PRIV_S && (h.mstatus & MSTATUS.TSR) !== 0)) core.illegal(d);
      sret(h);
      return -1;
    case Op.WFI:
      if (h.priv === PRIV_U || (h.priv === PRIV_S && (h.mstatus & MSTATUS.TW) !== 0)) core.illegal(d);
      h.pc = next;
      if (!wakeUpPending(h)) {
        h.waiting = true;
        return ExitReason.WFI;
      }
      return -1;
    case Op.SFENCE_VMA:
      if (h.priv === PRIV_U || (h.priv === PRIV_S && (h.mstatus & MSTATUS.TVM) !== 0)) core.illegal(d);
      h.flushTranslations();
      break;
    case Op.FENCE_I:
      break;
    default:
      core.illegal(d);
  }
  h.pc = next;
  return -1;
}

function executeCsr(core: InterpHart, d: ExecInsn): void {
  const h = core.hart;
  const csrNumber = d.imm & 0xfff;
  const immediateForm = d.op >= Op.CSRRWI;
  const source = immediateForm ? BigInt(d.rs1 >> 1) : h.getX(d.rs1 >> 1);
  const kind = immediateForm ? d.op - Op.CSRRWI : d.op - Op.CSRRW;
  // Why the value and not the register number: QEMU 7.2 writes (and checks
  // for a read-only CSR) only when the set/clear mask is nonzero, so
  // `csrrs a0, cycle, a1` with a1 = 0 is legal and changes nothing (no FS
  // dirtying through fflags, no mcycle rewrite).
  const writes = kind === 0 || source !== 0n;
  const reads = kind !== 0 || d.rd !== 64;
  const csr = core.csr;
  if (!csr.accessible(csrNumber, writes)) core.illegal(d);
  if (!csr.read(csrNumber)) core.illegal(d);
  const old = csr.value;
  if (writes) {
    const value = kind === 0 ? source : kind === 1 ? old | source : old & ~source;
    csr.write(csrNumber, BigInt.asUintN(64, value));
  }
  if (reads) h.setX(d.rd >> 1, old);
}
