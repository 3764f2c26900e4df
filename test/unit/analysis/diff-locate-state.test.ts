import { describe, expect, it } from 'vitest';
import { Hart } from '../../../src/cpu/hart.js';
import { firstRamDifference, memoryDifferences, registerDifferences, TransferLog, WriteLog } from '../../../src/analysis/locate-state.js';
import { Ram } from '../../../src/mem/ram.js';

const RAM_BASE = 0x8000_0000;

describe('registerDifferences', () => {
  it.each([
    ['the same state', () => undefined, []],
    ['an x register (both halves shown as one 64-bit value)', (hart: Hart) => { hart.x[2 * 6] = 0x27b; hart.x[2 * 6 + 1] = -1; },
      [{ name: 't1', a: 0n, b: 0xffff_ffff_0000_027bn }]],
    ['an f register', (hart: Hart) => { hart.f[2 * 3 + 1] = 0x4000_0000; }, [{ name: 'ft3', a: 0n, b: 0x4000_0000_0000_0000n }]],
    ['the pc (control flow)', (hart: Hart) => { hart.pc = 0x8000_0010; }, [{ name: 'pc', a: 0x8000_0000n, b: 0x8000_0010n }]],
    ['a CSR', (hart: Hart) => { hart.mepc = 0x8000_0004n; }, [{ name: 'mepc', a: 0n, b: 0x8000_0004n }]],
    ['the privilege level', (hart: Hart) => { hart.priv = 1; }, [{ name: 'privilege', a: 3n, b: 1n }]],
  ])('%s', (_name, change, expected) => {
    const a = new Hart(0);
    const b = new Hart(0);
    a.pc = b.pc = 0x8000_0000;
    change(b);
    expect(registerDifferences(a, b)).toEqual(expected);
  });

  it('ignores the x0 sink slot', () => {
    const a = new Hart(0);
    const b = new Hart(0);
    b.x[64] = 5;
    expect(registerDifferences(a, b)).toEqual([]);
  });
});

describe('RAM comparison', () => {
  it('WriteLog reports every store range, and memoryDifferences keeps the ranges whose bytes differ', () => {
    const a = new Ram(RAM_BASE, 2 * 4096);
    const b = new Ram(RAM_BASE, 2 * 4096);
    const writesA = new WriteLog(a);
    const writesB = new WriteLog(b);
    a.bytes.set([1, 2, 3, 4], 4100);
    a.noteWrite(4100, 4);
    b.bytes.set([1, 2, 9, 4], 4100);
    b.noteWrite(4100, 4);
    b.bytes[16] = 7;
    b.noteWrite(16, 1);
    a.bytes[16] = 7;
    a.noteWrite(16, 1);
    const ranges = [...writesA.take(), ...writesB.take()];
    expect(ranges).toEqual([[4100, 4], [16, 1], [4100, 4], [16, 1]]);
    expect(memoryDifferences(a, b, ranges)).toEqual([{ address: BigInt(RAM_BASE + 4100), a: Uint8Array.of(1, 2, 3, 4), b: Uint8Array.of(1, 2, 9, 4) }]);
    expect(writesA.take()).toEqual([]);
  });

  it.each([
    ['equal RAM', -1, -1],
    ['a byte in the second page', 4097, 4097],
    ['the last byte', 8191, 8191],
  ])('firstRamDifference: %s', (_name, changed, expected) => {
    const a = new Ram(RAM_BASE, 2 * 4096);
    const b = new Ram(RAM_BASE, 2 * 4096);
    if (changed >= 0) b.bytes[changed] = 1;
    expect(firstRamDifference(a, b)).toBe(expected);
  });
});

describe('TransferLog', () => {
  it.each([
    ['straight-line code of known lengths', [[0, 0x100, 4], [1, 0x104, 2], [2, 0x106, 4]], []],
    ['a taken branch', [[0, 0x100, 4], [1, 0x104, 4], [2, 0x80, 4]], [{ icount: 1, from: 0x104n, to: 0x80n }]],
    ['a step of 4 after a 2-byte instruction is a jump', [[0, 0x100, 2], [1, 0x104, 4]], [{ icount: 0, from: 0x100n, to: 0x104n }]],
    ['unknown lengths accept steps of 2 and 4', [[0, 0x100, 0], [1, 0x102, 0], [2, 0x106, 0], [3, 0x200, 0]], [{ icount: 2, from: 0x106n, to: 0x200n }]],
  ])('%s', (_name, steps, expected) => {
    const log = new TransferLog();
    for (const [icount, pc, len] of steps as number[][]) log.note(icount!, BigInt(pc!), len!);
    expect(log.transfers).toEqual(expected);
  });

  it('keeps the last eight transfers', () => {
    const log = new TransferLog();
    for (let icount = 0; icount < 20; icount++) log.note(icount, BigInt(icount % 2 === 0 ? 0x100 : 0x200), 4);
    expect(log.transfers).toHaveLength(8);
    expect(log.transfers[0]!.icount).toBe(11);
  });
});
