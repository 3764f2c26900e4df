import type { Hart } from '../cpu/hart.js';
import type { CsrFile } from '../cpu/csr.js';
import { csrName as standardCsrName } from '../isa/csr-names.js';

/**
 * The registers the server shows, numbered as gdb numbers RISC-V registers
 * (gdb/features/riscv/*.xml): x0-x31 are 0-31, pc 32, f0-f31 33-64, a CSR is
 * 65 + its number (fflags 66, frm 67, fcsr 68), and the virtual `priv`
 * register is 65 + 4096.
 */

/** Which target-description feature a register belongs to. */
export type RegisterFeature = 'cpu' | 'fpu' | 'csr' | 'virtual';

/** One register: its gdb number, name, size and type in the target description. */
export interface RegisterInfo {
  readonly regnum: number;
  readonly name: string;
  readonly bits: 32 | 64;
  readonly type: string;
  readonly feature: RegisterFeature;
}

/** gdb's number for the pc. */
const PC_REGNUM = 32;
/** gdb's number of the first f register. */
const FIRST_FP_REGNUM = 33;
/** gdb's number for CSR 0. */
export const FIRST_CSR_REGNUM = 65;
/** gdb's number for the virtual privilege-level register. */
export const PRIV_REGNUM = FIRST_CSR_REGNUM + 4096;
/** Registers in a `g` reply: x0-x31 and the pc (the rest are read with `p`, as QEMU does). */
export const G_PACKET_REGISTERS = 33;

const X_NAMES = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 'fp', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
];
const F_NAMES = [
  'ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7', 'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3', 'fa4', 'fa5',
  'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11', 'ft8', 'ft9', 'ft10', 'ft11',
];
/** The floating-point CSRs, shown in the fpu feature as gdb's own description does. */
const FP_CSRS = [0x001, 0x002, 0x003];
/** The machine and supervisor CSRs shown in the csr feature (counters, trap setup and handling, translation, PMP). */
const MAIN_CSRS = [
  0xc00, 0xc01, 0xc02,
  0x100, 0x104, 0x105, 0x106, 0x10a, 0x140, 0x141, 0x142, 0x143, 0x144, 0x180,
  0xf11, 0xf12, 0xf13, 0xf14,
  0x300, 0x301, 0x302, 0x303, 0x304, 0x305, 0x306, 0x30a, 0x320,
  0x340, 0x341, 0x342, 0x343, 0x344,
  0x3a0, 0x3a2, ...Array.from({ length: 16 }, (_, i) => 0x3b0 + i),
  0xb00, 0xb02,
];

function csrName(csr: number): string {
  return standardCsrName(csr) ?? `csr${csr}`;
}

function buildRegisters(): RegisterInfo[] {
  const list: RegisterInfo[] = [];
  X_NAMES.forEach((name, i) => list.push({
    regnum: i, name, bits: 64, feature: 'cpu',
    type: i === 1 ? 'code_ptr' : i === 2 || i === 3 || i === 4 || i === 8 ? 'data_ptr' : 'int',
  }));
  list.push({ regnum: PC_REGNUM, name: 'pc', bits: 64, type: 'code_ptr', feature: 'cpu' });
  F_NAMES.forEach((name, i) => list.push({ regnum: FIRST_FP_REGNUM + i, name, bits: 64, type: 'riscv_double', feature: 'fpu' }));
  for (const csr of FP_CSRS) list.push({ regnum: FIRST_CSR_REGNUM + csr, name: csrName(csr), bits: 32, type: 'int', feature: 'fpu' });
  for (const csr of MAIN_CSRS) list.push({ regnum: FIRST_CSR_REGNUM + csr, name: csrName(csr), bits: 64, type: 'int', feature: 'csr' });
  list.push({ regnum: PRIV_REGNUM, name: 'priv', bits: 64, type: 'int', feature: 'virtual' });
  return list;
}

/** Every register the server shows, in gdb-number order. */
export const REGISTERS: readonly RegisterInfo[] = buildRegisters();

const BY_NUMBER = new Map(REGISTERS.map((info) => [info.regnum, info]));

/** The register with gdb number `regnum`, if the server shows it. */
export function registerInfo(regnum: number): RegisterInfo | undefined {
  return BY_NUMBER.get(regnum);
}

/**
 * Read and write a hart's registers by gdb number. CSR reads skip the
 * privilege checks (the debugger sees everything); values are unsigned.
 */
export class RegisterAccess {
  constructor(private readonly hart: Hart, private readonly csr: CsrFile) {}

  /** The value of register `regnum`, or undefined if the server does not show it. */
  read(regnum: number): bigint | undefined {
    const h = this.hart;
    if (regnum < PC_REGNUM) return h.getX(regnum);
    if (regnum === PC_REGNUM) return h.getPc();
    if (regnum < FIRST_CSR_REGNUM) return h.getF(regnum - FIRST_FP_REGNUM);
    if (regnum === PRIV_REGNUM) return BigInt(h.priv);
    if (!BY_NUMBER.has(regnum) || !this.csr.read(regnum - FIRST_CSR_REGNUM)) return undefined;
    return this.csr.value;
  }

  /**
   * Write register `regnum`; false if the server does not show it. CSR writes
   * follow the CSR's WARL rules, as a guest write would; read-only CSRs ignore
   * the write.
   */
  write(regnum: number, value: bigint): boolean {
    const h = this.hart;
    if (regnum < PC_REGNUM) h.setX(regnum, value);
    else if (regnum === PC_REGNUM) h.setPc(value);
    else if (regnum < FIRST_CSR_REGNUM) {
      const i = regnum - FIRST_FP_REGNUM;
      h.f[2 * i] = Number(BigInt.asIntN(32, value));
      h.f[2 * i + 1] = Number(BigInt.asIntN(32, value >> 32n));
    } else if (regnum === PRIV_REGNUM) {
      const priv = Number(value & 3n);
      if (priv === 2) return true;
      h.priv = priv;
      h.onPrivilegeChange();
      h.interruptCheck = true;
    } else {
      const csr = regnum - FIRST_CSR_REGNUM;
      if (!BY_NUMBER.has(regnum)) return false;
      if (csr >> 10 !== 3) this.csr.write(csr, value);
    }
    return true;
  }
}
