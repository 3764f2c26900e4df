import { describe, expect, it } from 'vitest';
import { assembleWithGnu, buildImage } from './build.js';
import { CATEGORIES, generateBatch } from './generate.js';
import { PAGE } from './layout.js';
import { programText } from './program.js';
import { Prng } from './prng.js';

/** Mnemonics whose first operand is a source, not a destination. */
const FIRST_OPERAND_READ = /^(s[bhwd]|fs[wd]|c\.s[wd]|c\.s[wd]sp|c\.fsd|c\.fsdsp|b\w+|c\.beqz|c\.bnez|c\.jr|c\.jalr|csr[sc]i?|csrw|fscsr|fsrm|fsflags|fs[wd])$/;

function gnuAvailable(): boolean {
  try {
    assembleWithGnu('  .globl _start\n_start:\n  nop\n');
    return true;
  } catch {
    return false;
  }
}

describe('Prng', () => {
  it('is a pure function of its seed', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    expect(Array.from({ length: 8 }, () => a.next32())).toEqual(Array.from({ length: 8 }, () => b.next32()));
    expect(new Prng(43).next32()).not.toBe(new Prng(42).next32());
  });

  it.each([[1, 6], [5, 5], [-3, 3]])('range(%i, %i) stays inside its bounds', (lo, hi) => {
    const rng = new Prng(7);
    for (let i = 0; i < 200; i++) {
      const v = rng.range(lo, hi);
      expect(v).toBeGreaterThanOrEqual(lo);
      expect(v).toBeLessThanOrEqual(hi);
    }
  });
});

describe('generateBatch', () => {
  const batch = generateBatch(123, 48);
  const text = programText(batch);

  it('is deterministic for a seed', () => {
    expect(programText(generateBatch(123, 48))).toBe(text);
    expect(programText(generateBatch(124, 48))).not.toBe(text);
  });

  it('cycles through every category', () => {
    expect(new Set(batch.map((c) => c.category))).toEqual(new Set(CATEGORIES));
  });

  it('never lets a body write gp, the harness base register', () => {
    for (const line of batch.flatMap((c) => c.body.flat())) {
      const m = /^\s+([\w.]+)\s+gp\s*,/.exec(line);
      if (m) expect(FIRST_OPERAND_READ.test(m[1]!), line).toBe(true);
    }
  });

  it('keeps every backward branch behind a counter', () => {
    for (const c of batch) {
      const lines = c.body.flat();
      lines.forEach((line, at) => {
        const target = /^\s+bnez\s+(\w+),\s*(L\w+)$/.exec(line);
        if (!target || lines.indexOf(`${target[2]}:`) > at) return;
        expect(lines[at - 1]).toBe(`  addi ${target[1]}, ${target[1]}, -1`);
      });
    }
  });

  it('assembles with dejavm\'s assembler into an image that fits the code area', () => {
    const image = buildImage(text, 'dejavm');
    expect(image.bytes.length).toBeGreaterThan(Number(PAGE));
    expect(image.bytes.length).toBeLessThan(0x10_0000);
  });

  it.skipIf(!gnuAvailable())('is also valid GNU as input (riscv64-unknown-elf-as)', () => {
    expect(buildImage(text, 'gnu').bytes.length).toBeGreaterThan(Number(PAGE));
  });
});
