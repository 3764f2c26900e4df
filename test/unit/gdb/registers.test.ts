import { describe, expect, it } from 'vitest';
import { Hart } from '../../../src/cpu/hart.js';
import { CsrFile } from '../../../src/cpu/csr.js';
import { FIRST_CSR_REGNUM, PRIV_REGNUM, RegisterAccess, registerInfo, REGISTERS } from '../../../src/gdb/registers.js';

function access(): { hart: Hart; registers: RegisterAccess } {
  const hart = new Hart(0);
  return { hart, registers: new RegisterAccess(hart, new CsrFile(hart)) };
}

describe('registers as gdb numbers them', () => {
  it.each([
    [0, 'zero', 64], [1, 'ra', 64], [8, 'fp', 64], [31, 't6', 64], [32, 'pc', 64],
    [33, 'ft0', 64], [64, 'ft11', 64], [66, 'fflags', 32], [67, 'frm', 32], [68, 'fcsr', 32],
    [FIRST_CSR_REGNUM + 0x300, 'mstatus', 64], [FIRST_CSR_REGNUM + 0x180, 'satp', 64], [FIRST_CSR_REGNUM + 0x3b0, 'pmpaddr0', 64],
    [PRIV_REGNUM, 'priv', 64],
  ])('%i is %s, %i bits', (regnum, name, bits) => {
    expect(registerInfo(regnum)).toMatchObject({ name, bits });
  });

  it('numbers are unique and every register reads on a fresh hart', () => {
    expect(new Set(REGISTERS.map((info) => info.regnum)).size).toBe(REGISTERS.length);
    const { registers } = access();
    for (const info of REGISTERS) expect(registers.read(info.regnum), info.name).toBeTypeOf('bigint');
    expect(registers.read(FIRST_CSR_REGNUM + 0x7b0)).toBeUndefined();
  });

  it.each([
    ['x5', 5, 0xfedcba9876543210n, 0xfedcba9876543210n],
    ['x0 stays zero', 0, 7n, 0n],
    ['pc', 32, 0x80001234n, 0x80001234n],
    ['f3 (raw 64 bits)', 36, 0xffffffff3f800000n, 0xffffffff3f800000n],
    ['fcsr', 68, 0xffn, 0xffn],
    ['mscratch', FIRST_CSR_REGNUM + 0x340, 0x1122334455667788n, 0x1122334455667788n],
    ['mepc keeps its WARL rule', FIRST_CSR_REGNUM + 0x341, 0x80000003n, 0x80000002n],
    ['mhartid is read-only', FIRST_CSR_REGNUM + 0xf14, 9n, 0n],
    ['priv', PRIV_REGNUM, 1n, 1n],
    ['priv 2 is reserved and ignored', PRIV_REGNUM, 2n, 3n],
  ])('write then read %s', (_, regnum, value, readBack) => {
    const { hart, registers } = access();
    hart.mstatus |= 1 << 13;
    expect(registers.write(regnum, value)).toBe(true);
    expect(registers.read(regnum)).toBe(readBack);
  });

  it('writing a register the server does not show is refused', () => {
    expect(access().registers.write(FIRST_CSR_REGNUM + 0x7b0, 1n)).toBe(false);
  });
});
