import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assemble } from '../../../src/isa/asm.js';
import { writeElf64 } from '../../support/elf-writer.js';
import { CODE_BASE } from './layout.js';

/** Which assembler turns program text into bytes. */
export type AssemblerKind = 'dejavm' | 'gnu';

/** An assembled batch image. */
export interface BuiltImage {
  /** Raw bytes loaded at `CODE_BASE`. */
  bytes: Uint8Array;
  /** The ELF executable wrapping `bytes` (entry = `CODE_BASE`). */
  elf: Uint8Array;
}

/** Assemble with binutils (`riscv64-unknown-elf-as`/`ld`/`objcopy`), linked at `CODE_BASE`. */
export function assembleWithGnu(source: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'deja-diff-'));
  try {
    const src = join(dir, 'prog.s');
    writeFileSync(src, source);
    try {
      execFileSync('riscv64-unknown-elf-as', ['-march=rv64gc', '-mno-relax', '-o', join(dir, 'prog.o'), src], { stdio: 'pipe' });
    } catch (error) {
      throw new Error(`riscv64-unknown-elf-as rejected the program:\n${String((error as { stderr?: Buffer }).stderr ?? error)}`);
    }
    execFileSync('riscv64-unknown-elf-ld', [
      '--no-relax', `-Ttext=0x${CODE_BASE.toString(16)}`, '-e', '_start', '-o', join(dir, 'prog.elf'), join(dir, 'prog.o'),
    ], { stdio: 'pipe' });
    execFileSync('riscv64-unknown-elf-objcopy', ['-O', 'binary', '-j', '.text', join(dir, 'prog.elf'), join(dir, 'prog.bin')], { stdio: 'pipe' });
    return new Uint8Array(readFileSync(join(dir, 'prog.bin')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Assemble `source` at `CODE_BASE` with dejavm's assembler (src/isa/asm.ts) or binutils, and wrap it in an ELF. */
export function buildImage(source: string, kind: AssemblerKind): BuiltImage {
  let bytes: Uint8Array;
  if (kind === 'gnu') {
    bytes = assembleWithGnu(source);
  } else {
    bytes = assemble(source, { origin: CODE_BASE }).bytes;
  }
  return { bytes, elf: writeElf64({ base: CODE_BASE, entry: CODE_BASE, bytes }) };
}
