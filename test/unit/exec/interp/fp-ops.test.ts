import { describe, expect, it } from 'vitest';
import { CAUSE, MSTATUS } from '../../../../src/cpu/constants.js';
import { HartHarness, RAM_BASE, runAsm } from '../../../support/hart-harness.js';

const FS_INITIAL = 1 << MSTATUS.FS_SHIFT;
const FS_DIRTY = 3 << MSTATUS.FS_SHIFT;
const BOX = 0xffffffff00000000n;
const DATA = BigInt(RAM_BASE) + 0x1000n;
const NV = 0x10n, DZ = 0x08n, NX = 0x01n;

const f32 = (v: number): bigint => BigInt(new Uint32Array(new Float32Array([v]).buffer)[0]!);
const f64 = (v: number): bigint => new BigUint64Array(new Float64Array([v]).buffer)[0]!;

/** Run `body` with FS = Initial and the given doubles/singles in memory at DATA (a1 points there). */
function fp(body: string, memory: readonly bigint[] = [], fs = FS_INITIAL): HartHarness {
  return runAsm(`${body}\n csrr s11, fflags\n wfi`, (h) => {
    h.hart.mstatus |= fs;
    memory.forEach((v, i) => h.write(DATA + BigInt(8 * i), 8, v));
    h.setX('a1', DATA);
  });
}

describe('FS = Off makes every F/D instruction illegal', () => {
  it.each(['flw fa0, 0(a1)', 'fsd fa0, 0(a1)', 'fadd.d fa0, fa1, fa2', 'fmv.x.w a0, fa0', 'fcvt.d.l fa0, a0', 'fclass.s a0, fa0'])('%s', (insn) => {
    const h = new HartHarness().load(insn).step({ a1: DATA });
    expect(h.onlyTrap()).toMatchObject({ cause: CAUSE.ILLEGAL_INSTRUCTION, tval: h.read(RAM_BASE, 4) });
  });
});

describe('NaN boxing', () => {
  it('FLW and FMV.W.X box singles in ones; FLD and FMV.D.X do not', () => {
    const h = fp('flw fa0, 0(a1)\n li a2, 0x3f800000\n fmv.w.x fa1, a2\n fld fa2, 0(a1)\n fmv.d.x fa3, a1', [0x12345678_40490fdbn]);
    expect(h.f('fa0')).toBe(BOX | 0x40490fdbn);
    expect(h.f('fa1')).toBe(BOX | 0x3f800000n);
    expect(h.f('fa2')).toBe(0x12345678_40490fdbn);
    expect(h.f('fa3')).toBe(DATA);
  });

  it('a single whose box is broken reads as the canonical NaN', () => {
    const h = fp('fld fa0, 0(a1)\n flw fa1, 8(a1)\n fadd.s fa2, fa0, fa1\n fmv.x.w a0, fa2', [0x00000000_3f800000n, f32(1)]);
    expect(h.f('fa2')).toBe(BOX | 0x7fc00000n);
    expect(h.x('a0')).toBe(0x7fc00000n);
  });

  it('FMV.X.W sign-extends and FSW stores the low word', () => {
    const h = fp('flw fa0, 0(a1)\n fmv.x.w a0, fa0\n fsw fa0, 12(a1)', [0xbf800000n]);
    expect(h.x('a0')).toBe(0xffffffffbf800000n);
    expect(h.read(DATA + 12n, 4)).toBe(0xbf800000n);
  });
});

/** [instruction(s) producing fa0 or a0, memory (a1 points at it), register, expected bits, expected fflags] */
const OPERATION_CASES: ReadonlyArray<readonly [string, readonly bigint[], string, bigint, bigint]> = [
  ['flw fa1, 0(a1)\n flw fa2, 8(a1)\n fadd.s fa0, fa1, fa2', [f32(1.5), f32(2.25)], 'fa0', BOX | f32(3.75), 0n],
  ['flw fa1, 0(a1)\n flw fa2, 8(a1)\n fdiv.s fa0, fa1, fa2', [f32(1), f32(0)], 'fa0', BOX | f32(Infinity), DZ],
  ['flw fa1, 0(a1)\n flw fa2, 8(a1)\n fdiv.s fa0, fa1, fa2', [f32(1), f32(3)], 'fa0', BOX | f32(1 / 3), NX],
  ['flw fa1, 0(a1)\n fcvt.w.s a0, fa1', [0x7fc00000n], 'a0', 0x7fffffffn, NV],
  ['flw fa1, 0(a1)\n fcvt.wu.s a0, fa1, rtz', [f32(-1.5)], 'a0', 0n, NV],
  ['flw fa1, 0(a1)\n flw fa2, 8(a1)\n fmin.s fa0, fa1, fa2', [f32(-0), f32(0)], 'fa0', BOX | 0x80000000n, 0n],
  ['flw fa1, 0(a1)\n flw fa2, 8(a1)\n fmax.s fa0, fa1, fa2', [0x7f800001n, f32(2)], 'fa0', BOX | f32(2), NV],
  ['flw fa1, 0(a1)\n flw fa2, 8(a1)\n flt.s a0, fa1, fa2', [0x7fc00000n, f32(2)], 'a0', 0n, NV],
  ['flw fa1, 0(a1)\n flw fa2, 8(a1)\n feq.s a0, fa1, fa2', [0x7fc00000n, f32(2)], 'a0', 0n, 0n],
  ['fld fa1, 0(a1)\n fld fa2, 8(a1)\n fmul.d fa0, fa1, fa2', [f64(1.5), f64(-4)], 'fa0', f64(-6), 0n],
  ['fld fa1, 0(a1)\n fsqrt.d fa0, fa1', [f64(-1)], 'fa0', 0x7ff8000000000000n, NV],
  ['fld fa1, 0(a1)\n fld fa2, 8(a1)\n fld fa3, 16(a1)\n fmadd.d fa0, fa1, fa2, fa3', [f64(2), f64(3), f64(0.5)], 'fa0', f64(6.5), 0n],
  ['fld fa1, 0(a1)\n fsgnjn.d fa0, fa1, fa1', [f64(2.5)], 'fa0', f64(-2.5), 0n],
  ['fld fa1, 0(a1)\n fsgnjx.d fa0, fa1, fa1', [f64(-2.5)], 'fa0', f64(2.5), 0n],
  ['fld fa1, 0(a1)\n fcvt.s.d fa0, fa1', [f64(0.1)], 'fa0', BOX | f32(0.1), NX],
  ['flw fa1, 0(a1)\n fcvt.d.s fa0, fa1', [f32(0.1)], 'fa0', f64(Math.fround(0.1)), 0n],
  ['li a2, -3\n fcvt.d.l fa0, a2', [], 'fa0', f64(-3), 0n],
  ['li a2, -1\n fcvt.s.lu fa0, a2', [], 'fa0', BOX | f32(2 ** 64), NX],
  ['fld fa1, 0(a1)\n fcvt.l.d a0, fa1, rdn', [f64(-2.5)], 'a0', BigInt.asUintN(64, -3n), NX],
  ['fld fa1, 0(a1)\n fcvt.l.d a0, fa1, rmm', [f64(2.5)], 'a0', 3n, NX],
  ['fld fa1, 0(a1)\n fclass.d a0, fa1', [0xfff0000000000000n], 'a0', 1n, 0n],
  ['flw fa1, 0(a1)\n fclass.s a0, fa1', [0x7f800001n], 'a0', 0x100n, 0n],
];

describe('F and D operations through the interpreter', () => {
  it.each(OPERATION_CASES)('%s', (body, memory, reg, expected, flags) => {
    const h = fp(body, memory);
    expect(h.traps).toEqual([]);
    expect(reg.startsWith('f') ? h.f(reg) : h.x(reg)).toBe(expected);
    expect(h.x('s11')).toBe(flags);
  });

  it('the dynamic rounding mode comes from frm', () => {
    const h = fp('csrwi frm, 2\n fld fa1, 0(a1)\n fcvt.l.d a0, fa1\n csrwi frm, 3\n fcvt.l.d a2, fa1', [f64(-2.5)]);
    expect(h.xs('a0')).toBe(-3n);
    expect(h.xs('a2')).toBe(-2n);
  });
});

/** fadd.s fa0, fa1, fa2 with the rounding-mode field `rm`. */
const faddWithRm = (rm: number): number => (12 << 20) | (11 << 15) | (rm << 12) | (10 << 7) | 0x53;

describe('reserved rounding modes are illegal', () => {
  it.each([5, 6])('static rm = %s', (rm) => {
    const h = fp(`.word ${faddWithRm(rm)}`);
    expect(h.onlyTrap()).toMatchObject({ cause: CAUSE.ILLEGAL_INSTRUCTION, tval: BigInt(faddWithRm(rm)) });
  });

  it.each([5, 6, 7])('dynamic rm with frm = %s', (frm) => {
    const h = fp(`csrwi frm, ${frm}\n .word ${faddWithRm(7)}`);
    expect(h.onlyTrap()).toMatchObject({ cause: CAUSE.ILLEGAL_INSTRUCTION, tval: BigInt(faddWithRm(7)) });
  });

  it.each([0, 1, 2, 3, 4])('static rm = %s is fine', (rm) => {
    expect(fp(`.word ${faddWithRm(rm)}`).traps).toEqual([]);
  });
});

describe('FS and SD tracking (as QEMU 7.2)', () => {
  it.each([
    ['an f-register write (fadd)', 'fadd.d fa0, fa1, fa2', true],
    ['a load into an f register', 'fld fa0, 0(a1)', true],
    ['fmv.w.x', 'fmv.w.x fa0, zero', true],
    ['a write to fflags', 'csrwi fflags, 0', true],
    ['a write to frm', 'csrwi frm, 1', true],
    ['a store (fsd)', 'fsd fa0, 0(a1)', false],
    ['fmv.x.d', 'fmv.x.d a0, fa0', false],
    ['a compare', 'flt.d a0, fa0, fa0', false],
    ['fclass', 'fclass.d a0, fa0', false],
    ['a conversion to an integer register', 'fcvt.w.d a0, fa0', false],
    ['reading fcsr', 'csrr a0, fcsr', false],
  ] as const)('%s dirty=%s', (_what, body, dirty) => {
    const h = fp(`${body}\n csrr a5, mstatus`, [f64(1)]);
    const mstatus = h.x('a5');
    expect(Number((mstatus >> 13n) & 3n)).toBe(dirty ? 3 : 1);
    expect(mstatus >> 63n).toBe(dirty ? 1n : 0n);
  });

  it('a compare that raises NV accrues fflags without making FS dirty', () => {
    const h = runAsm('feq.s a0, fa3, fa3\n csrr a5, mstatus\n csrr a6, fflags\n wfi', (hh) => {
      hh.hart.mstatus |= FS_INITIAL;
      hh.hart.f[2 * 13] = 0x7f800001;
      hh.hart.f[2 * 13 + 1] = -1;
    });
    expect(h.x('a6')).toBe(NV);
    expect(Number((h.x('a5') >> 13n) & 3n)).toBe(1);
  });

  it('clearing FS turns SD off again', () => {
    const h = fp('fmv.w.x fa0, zero\n li t0, 0x6000\n csrc mstatus, t0\n csrr a5, mstatus\n csrr a6, sstatus');
    expect(h.x('a5') >> 63n).toBe(0n);
    expect(h.x('a6') >> 63n).toBe(0n);
  });

  it('SD shows in sstatus when FS is dirty', () => {
    const h = fp('csrr a6, sstatus', [], FS_DIRTY);
    expect(h.x('a6') >> 63n).toBe(1n);
  });
});
