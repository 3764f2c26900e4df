import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Design rule 2: `nondet` is the only door for time, input and entropy.
 * Nothing in src/ may read host time, randomness or timers directly.
 */
const FORBIDDEN = [/\bDate\.now\b/, /\bnew Date\(/, /\bperformance\.now\b/, /\bMath\.random\b/, /\bsetTimeout\b/, /\bsetInterval\b/, /\bprocess\.hrtime\b/, /\bcrypto\.random/];

describe('determinism rules', () => {
  it('no file in src/ reads host time, randomness or timers', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, index) => {
        for (const pattern of FORBIDDEN) {
          if (pattern.test(line)) offenders.push(`${relative(SRC, file)}:${index + 1}: ${line.trim()}`);
        }
      });
    }
    expect(offenders).toEqual([]);
  });
});

/**
 * DESIGN.md's import direction: isa <- cpu, mmu, mem, devices <- machine <-
 * exec <- vmm <- rr. A folder may import its own files and lower layers only.
 */
const LAYER: Record<string, number> = { isa: 0, cpu: 1, mmu: 1, mem: 1, devices: 1, machine: 2, exec: 3, vmm: 4, rr: 5 };

describe('layering', () => {
  it('src/ folders import only from their own layer or below', () => {
    const violations: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const folder = relative(SRC, file).split('/')[0]!;
      const layer = LAYER[folder];
      if (layer === undefined) continue;
      for (const match of readFileSync(file, 'utf8').matchAll(/from '(\.\.?\/[^']+)'/g)) {
        const target = relative(SRC, join(file, '..', match[1]!)).split('/')[0]!;
        const targetLayer = LAYER[target];
        if (targetLayer !== undefined && targetLayer > layer) violations.push(`${relative(SRC, file)} imports ${match[1]}`);
      }
    }
    expect(violations).toEqual([]);
  });
});
