import { describe, expect, it } from 'vitest';
import { PAGE_HOLDS_CODE, PAGE_WATCHED, Ram } from '../../../src/mem/ram.js';

const BASE = 0x8000_0000;
const PAGE = 4096;

/** A 16-page RAM and the code-write calls it makes. */
function ramWithListener(): { ram: Ram; codeWrites: Array<[number, number]> } {
  const ram = new Ram(BASE, 16 * PAGE);
  const codeWrites: Array<[number, number]> = [];
  ram.onCodeWrite((offset, len) => codeWrites.push([offset, len]));
  return { ram, codeWrites };
}

describe('Ram dirty-page tracking', () => {
  it('reports nothing and watches nothing before trackDirtyPages', () => {
    const { ram } = ramWithListener();
    ram.noteWrite(0, 8);
    ram.load(BASE + 3 * PAGE, new Uint8Array(10));
    expect(ram.takeDirtyPages()).toEqual([]);
    expect(ram.codePages.every((flags) => flags === 0)).toBe(true);
  });

  it('forgets writes made before tracking started', () => {
    const { ram } = ramWithListener();
    ram.noteWrite(5 * PAGE, 4);
    ram.trackDirtyPages();
    expect(ram.takeDirtyPages()).toEqual([]);
    expect(ram.codePages.every((flags) => flags === PAGE_WATCHED)).toBe(true);
  });

  it.each([
    ['a store in one page', (ram: Ram) => ram.noteWrite(7 * PAGE + 100, 8), [7]],
    ['a store straddling two pages', (ram: Ram) => ram.noteWrite(2 * PAGE - 3, 8), [1, 2]],
    ['a load of three and a half pages', (ram: Ram) => ram.load(BASE + 4 * PAGE + 2048, new Uint8Array(3 * PAGE)), [4, 5, 6, 7]],
    ['the last byte of RAM', (ram: Ram) => ram.noteWrite(16 * PAGE - 1, 1), [15]],
    ['writes in descending order', (ram: Ram) => { ram.noteWrite(9 * PAGE, 1); ram.noteWrite(3 * PAGE, 1); ram.noteWrite(0, 1); }, [0, 3, 9]],
    ['repeated writes to one page', (ram: Ram) => { for (let i = 0; i < 5; i++) ram.noteWrite(6 * PAGE + i * 64, 8); }, [6]],
    ['an empty load', (ram: Ram) => ram.load(BASE + PAGE, new Uint8Array(0)), []],
  ])('marks the pages of %s, in ascending order', (_, write, pages) => {
    const { ram } = ramWithListener();
    ram.trackDirtyPages();
    write(ram);
    expect(ram.takeDirtyPages()).toEqual(pages);
  });

  it('returns each page once, then re-arms it for the next interval', () => {
    const { ram } = ramWithListener();
    ram.trackDirtyPages();
    ram.noteWrite(2 * PAGE, 4);
    expect(ram.codePages[2]! & PAGE_WATCHED).toBe(0);
    expect(ram.takeDirtyPages()).toEqual([2]);
    expect(ram.codePages[2]! & PAGE_WATCHED).toBe(PAGE_WATCHED);
    expect(ram.takeDirtyPages()).toEqual([]);
    ram.noteWrite(2 * PAGE + 8, 4);
    ram.noteWrite(11 * PAGE, 4);
    expect(ram.takeDirtyPages()).toEqual([2, 11]);
  });

  it('trackDirtyPages again clears what was dirty', () => {
    const { ram } = ramWithListener();
    ram.trackDirtyPages();
    ram.noteWrite(4 * PAGE, 4);
    ram.trackDirtyPages();
    expect(ram.takeDirtyPages()).toEqual([]);
  });
});

describe('Ram code-write listeners with dirty tracking', () => {
  it.each([
    ['without tracking', false],
    ['with tracking (code pages also watched)', true],
  ])('fire only for pages holding code, %s', (_, tracking) => {
    const { ram, codeWrites } = ramWithListener();
    ram.markCode(3);
    if (tracking) {
      ram.trackDirtyPages();
      expect(ram.codePages[3]).toBe(PAGE_HOLDS_CODE | PAGE_WATCHED);
    }
    ram.noteWrite(2 * PAGE, 16);
    expect(codeWrites).toEqual([]);
    ram.noteWrite(3 * PAGE + 40, 8);
    ram.noteWrite(3 * PAGE + 48, 8);
    expect(codeWrites).toEqual([[3 * PAGE + 40, 8], [3 * PAGE + 48, 8]]);
    expect(ram.codePages[3]! & PAGE_HOLDS_CODE).toBe(PAGE_HOLDS_CODE);
    expect(ram.takeDirtyPages()).toEqual(tracking ? [2, 3] : []);
  });

  it('a multi-page write reports only the pieces inside code pages, page by page', () => {
    const { ram, codeWrites } = ramWithListener();
    ram.markCode(5);
    ram.markCode(7);
    ram.trackDirtyPages();
    ram.load(BASE + 5 * PAGE - 100, new Uint8Array(2 * PAGE + 300));
    expect(codeWrites).toEqual([[5 * PAGE, PAGE], [7 * PAGE, 200]]);
    expect(ram.takeDirtyPages()).toEqual([4, 5, 6, 7]);
  });

  it('a code page that is clean again (re-armed) still reports writes to its listeners', () => {
    const { ram, codeWrites } = ramWithListener();
    ram.trackDirtyPages();
    ram.markCode(1);
    ram.noteWrite(PAGE, 4);
    expect(ram.takeDirtyPages()).toEqual([1]);
    ram.noteWrite(PAGE + 4, 4);
    ram.noteWrite(PAGE + 8, 4);
    expect(codeWrites).toEqual([[PAGE, 4], [PAGE + 4, 4], [PAGE + 8, 4]]);
    expect(ram.takeDirtyPages()).toEqual([1]);
  });
});
