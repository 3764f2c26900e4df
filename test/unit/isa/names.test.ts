import { describe, expect, it } from 'vitest';
import { causeName, exceptionName, interruptName } from '../../../src/isa/causes.js';
import { F_REGISTER_NAMES, parseFRegister, parseXRegister, X_REGISTER_NAMES } from '../../../src/isa/registers.js';

describe('register names', () => {
  const x: [string, number][] = [['zero', 0], ['x0', 0], ['ra', 1], ['sp', 2], ['fp', 8], ['s0', 8], ['a0', 10], ['A7', 17], ['s11', 27], ['t6', 31], ['x31', 31]];
  it.each(x)('parses integer register %s as x%i', (name, reg) => expect(parseXRegister(name)).toBe(reg));

  const f: [string, number][] = [['ft0', 0], ['f0', 0], ['fs0', 8], ['fa0', 10], ['fs11', 27], ['ft11', 31], ['f31', 31]];
  it.each(f)('parses FP register %s as f%i', (name, reg) => expect(parseFRegister(name)).toBe(reg));

  it('rejects unknown names and the other register file', () => {
    expect([parseXRegister('x32'), parseXRegister('fa0'), parseFRegister('a0'), parseFRegister('f32'), parseXRegister('')]).toEqual([-1, -1, -1, -1, -1]);
  });

  it('prints every register by a name that parses back', () => {
    X_REGISTER_NAMES.forEach((name, i) => expect(parseXRegister(name)).toBe(i));
    F_REGISTER_NAMES.forEach((name, i) => expect(parseFRegister(name)).toBe(i));
  });
});

describe('trap cause names', () => {
  const causes: [bigint, string][] = [
    [0n, 'instruction address misaligned'],
    [2n, 'illegal instruction'],
    [3n, 'breakpoint'],
    [7n, 'store/AMO access fault'],
    [8n, 'environment call from U-mode'],
    [11n, 'environment call from M-mode'],
    [15n, 'store/AMO page fault'],
    [10n, 'exception 10'],
    [(1n << 63n) | 1n, 'supervisor software interrupt'],
    [(1n << 63n) | 7n, 'machine timer interrupt'],
    [(1n << 63n) | 11n, 'machine external interrupt'],
    [(1n << 63n) | 13n, 'interrupt 13'],
  ];
  it.each(causes)('names mcause %s "%s"', (mcause, name) => expect(causeName(mcause)).toBe(name));

  it('names codes directly', () => {
    expect(exceptionName(13)).toBe('load page fault');
    expect(interruptName(9)).toBe('supervisor external interrupt');
  });
});
