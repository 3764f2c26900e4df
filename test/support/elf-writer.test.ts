import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeElf64 } from './elf-writer.js';

const READELF = 'riscv64-unknown-elf-readelf';

function readelfAvailable(): boolean {
  try {
    execFileSync(READELF, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const code = Uint8Array.from([0x13, 0x05, 0x10, 0x00, 0x73, 0x00, 0x10, 0x00]);
const elf = writeElf64({
  base: 0x8000_0000n, entry: 0x8000_0004n, bytes: code,
  symbols: [{ name: '_start', value: 0x8000_0000n }, { name: 'after_start', value: 0x8000_0004n }],
});
const view = new DataView(elf.buffer);

describe('writeElf64', () => {
  it.each([
    ['magic', () => [...elf.slice(0, 4)], [0x7f, 0x45, 0x4c, 0x46]],
    ['class ELF64, little-endian', () => [elf[4], elf[5]], [2, 1]],
    ['type ET_EXEC, machine RISC-V', () => [view.getUint16(16, true), view.getUint16(18, true)], [2, 243]],
    ['entry', () => view.getBigUint64(24, true), 0x8000_0004n],
    ['one program header', () => view.getUint16(56, true), 1],
    ['PT_LOAD at the base', () => [view.getUint32(64, true), view.getBigUint64(64 + 16, true)], [1, 0x8000_0000n]],
    ['file size = memory size = code size', () => [view.getBigUint64(64 + 32, true), view.getBigUint64(64 + 40, true)], [8n, 8n]],
  ])('%s', (_name, read, expected) => {
    expect(read()).toEqual(expected);
  });

  it('places the bytes at the segment offset', () => {
    const offset = Number(view.getBigUint64(64 + 8, true));
    expect([...elf.slice(offset, offset + code.length)]).toEqual([...code]);
  });

  it.skipIf(!readelfAvailable())('is accepted by riscv64-unknown-elf-readelf with its symbols', () => {
    const dir = mkdtempSync(join(tmpdir(), 'elf-writer-'));
    try {
      const path = join(dir, 'prog.elf');
      writeFileSync(path, elf);
      const out = execFileSync(READELF, ['-W', '-h', '-l', '-s', path], { encoding: 'utf8' });
      expect(out).toMatch(/Entry point address:\s+0x80000004/);
      expect(out).toMatch(/LOAD\s+0x001000 0x0000000080000000 0x0000000080000000 0x000008 0x000008 RWE/);
      expect(out).toMatch(/0000000080000000\s+0 NOTYPE\s+GLOBAL DEFAULT\s+1 _start/);
      expect(out).toMatch(/after_start/);
      expect(out).not.toMatch(/Warning|Error/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
