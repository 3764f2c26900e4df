import { describe, expect, it } from 'vitest';
import { formatTable, median, mips, parseInstructionCount } from './stats.js';

describe('median', () => {
  it.each([
    { values: [5], expected: 5 },
    { values: [3, 1, 2], expected: 2 },
    { values: [4, 1, 3, 2], expected: 2.5 },
    { values: [10, 10, 1000], expected: 10 },
  ])('median($values) = $expected', ({ values, expected }) => {
    expect(median(values)).toBe(expected);
  });

  it('is NaN for no values', () => {
    expect(median([])).toBeNaN();
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('mips', () => {
  it.each([
    { instructions: 400e6, wallMs: 1000, expected: 400 },
    { instructions: 1e6, wallMs: 500, expected: 2 },
  ])('$instructions instructions in $wallMs ms = $expected MIPS', ({ instructions, wallMs, expected }) => {
    expect(mips(instructions, wallMs)).toBeCloseTo(expected, 9);
  });
});

describe('parseInstructionCount', () => {
  it.each([
    { text: 'instructions: 385123456\n', expected: 385123456 },
    { text: 'exits: 12\ninstructions:  42 \nMIPS: 3\n', expected: 42 },
    { text: 'no stats here\n', expected: undefined },
    { text: 'instructions: many\n', expected: undefined },
  ])('$text -> $expected', ({ text, expected }) => {
    expect(parseInstructionCount(text)).toBe(expected);
  });
});

describe('formatTable', () => {
  it('pads every column to its widest cell', () => {
    expect(formatTable(['guest', 'ms'], [['hello', '12.5'], ['bench', '1500.0']])).toBe(
      ['guest  ms', '-----  ------', 'hello  12.5', 'bench  1500.0'].join('\n'),
    );
  });
});
