import { describe, expect, it } from 'vitest';
import { Ram } from '../../../src/mem/ram.js';

describe('Ram', () => {
  it.each([
    [0x80000000, 1, true],
    [0x80000000 + 0x2000 - 8, 8, true],
    [0x80000000 + 0x2000 - 4, 8, false],
    [0x7fffffff, 1, false],
    [0x80002000, 1, false],
  ])('contains(0x%s, %s) = %s', (paddr, len, inside) => {
    expect(new Ram(0x80000000, 0x2000).contains(paddr, len)).toBe(inside);
  });

  it('tells listeners only about writes to pages marked as code, split at page boundaries', () => {
    const ram = new Ram(0x80000000, 0x3000);
    const seen: Array<[number, number]> = [];
    ram.onCodeWrite((offset, len) => seen.push([offset, len]));
    ram.noteWrite(0x10, 4);
    expect(seen).toEqual([]);
    ram.markCode(1);
    ram.markCode(2);
    ram.noteWrite(0xffe, 8);
    ram.noteWrite(0x1ffc, 8);
    expect(seen).toEqual([[0x1000, 6], [0x1ffc, 4], [0x2000, 4]]);
  });

  it('load copies bytes and reports the write', () => {
    const ram = new Ram(0x80000000, 0x2000);
    const seen: Array<[number, number]> = [];
    ram.onCodeWrite((offset, len) => seen.push([offset, len]));
    ram.markCode(0);
    ram.load(0x80000100, new Uint8Array([1, 2, 3]));
    expect([...ram.bytes.subarray(0x100, 0x103)]).toEqual([1, 2, 3]);
    expect(seen).toEqual([[0x100, 3]]);
  });
});
