import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EM_RISCV, functionAt, ImageError, isElf, parseElf } from '../../../src/machine/elf.js';

interface SegmentSpec { paddr: bigint; vaddr?: bigint; data: number[]; memsz?: bigint; flags?: number }
interface SymbolSpec { name: string; value: bigint; size?: bigint; type?: number; bind?: number }
interface ElfSpec { entry?: bigint; type?: number; machine?: number; segments?: SegmentSpec[]; symbols?: SymbolSpec[] }

/** Offsets of the interesting parts of a built ELF, for targeted corruption. */
interface BuiltElf { bytes: Uint8Array; phoff: number; shoff: number; symtab: number; strtab: number }

/**
 * Writes a minimal ELF64 LE executable: header, program headers, segment
 * bytes, .symtab, .strtab, and section headers [null, .symtab, .strtab].
 */
function buildElf(spec: ElfSpec = {}): BuiltElf {
  const segments = spec.segments ?? [{ paddr: 0x8000_0000n, data: [0x13, 0, 0, 0, 0x6f, 0, 0, 0], memsz: 0x20n, flags: 5 }];
  const symbols = spec.symbols ?? [
    { name: '_start', value: 0x8000_0000n, size: 8n, type: 2, bind: 1 },
    { name: 'tohost', value: 0x8000_1000n, size: 8n, type: 1, bind: 1 },
  ];
  const names = [0];
  let strtab = [0];
  for (const symbol of symbols) {
    names.push(strtab.length);
    strtab = strtab.concat([...Buffer.from(symbol.name)], [0]);
  }
  const phoff = 64;
  let cursor = phoff + segments.length * 56;
  const dataOffsets = segments.map((segment) => { const at = cursor; cursor += segment.data.length; return at; });
  const symtab = cursor;
  cursor += (symbols.length + 1) * 24;
  const strtabOffset = cursor;
  cursor += strtab.length;
  cursor = (cursor + 7) & ~7;
  const shoff = cursor;
  const bytes = new Uint8Array(shoff + 3 * 64);
  const view = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  view.setUint16(16, spec.type ?? 2, true);
  view.setUint16(18, spec.machine ?? EM_RISCV, true);
  view.setUint32(20, 1, true);
  view.setBigUint64(24, spec.entry ?? 0x8000_0000n, true);
  view.setBigUint64(32, BigInt(phoff), true);
  view.setBigUint64(40, BigInt(shoff), true);
  view.setUint16(52, 64, true);
  view.setUint16(54, 56, true);
  view.setUint16(56, segments.length, true);
  view.setUint16(58, 64, true);
  view.setUint16(60, 3, true);
  view.setUint16(62, 2, true);
  segments.forEach((segment, index) => {
    const at = phoff + index * 56;
    view.setUint32(at, 1, true);
    view.setUint32(at + 4, segment.flags ?? 7, true);
    view.setBigUint64(at + 8, BigInt(dataOffsets[index] as number), true);
    view.setBigUint64(at + 16, segment.vaddr ?? segment.paddr, true);
    view.setBigUint64(at + 24, segment.paddr, true);
    view.setBigUint64(at + 32, BigInt(segment.data.length), true);
    view.setBigUint64(at + 40, segment.memsz ?? BigInt(segment.data.length), true);
    bytes.set(segment.data, dataOffsets[index] as number);
  });
  symbols.forEach((symbol, index) => {
    const at = symtab + (index + 1) * 24;
    view.setUint32(at, names[index + 1] as number, true);
    bytes[at + 4] = ((symbol.bind ?? 1) << 4) | (symbol.type ?? 0);
    view.setUint16(at + 6, 1, true);
    view.setBigUint64(at + 8, symbol.value, true);
    view.setBigUint64(at + 16, symbol.size ?? 0n, true);
  });
  bytes.set(strtab, strtabOffset);
  const section = (index: number, type: number, offset: number, size: number, link: number, entsize: number) => {
    const at = shoff + index * 64;
    view.setUint32(at + 4, type, true);
    view.setBigUint64(at + 24, BigInt(offset), true);
    view.setBigUint64(at + 32, BigInt(size), true);
    view.setUint32(at + 40, link, true);
    view.setBigUint64(at + 56, BigInt(entsize), true);
  };
  section(1, 2, symtab, (symbols.length + 1) * 24, 2, 24);
  section(2, 3, strtabOffset, strtab.length, 0, 0);
  return { bytes, phoff, shoff, symtab, strtab: strtabOffset };
}

function patched(built: BuiltElf, patch: (view: DataView, built: BuiltElf) => void): Uint8Array {
  const copy = built.bytes.slice();
  patch(new DataView(copy.buffer), built);
  return copy;
}

/** Parses, returning the ImageError or null; any other exception fails the test. */
function parseOrError(bytes: Uint8Array): ImageError | null {
  try {
    parseElf(bytes, 'fuzz.elf');
    return null;
  } catch (error) {
    if (error instanceof ImageError) return error;
    throw error;
  }
}

/** Deterministic xorshift32, so a failing fuzz case reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
}

describe('parseElf on a hand-built executable', () => {
  it('reads entry, segments and symbols', () => {
    const image = parseElf(buildElf({
      entry: 0x8000_0004n,
      segments: [
        { paddr: 0x8000_0000n, vaddr: 0xffff_ffff_8000_0000n, data: [1, 2, 3, 4], memsz: 0x100n, flags: 5 },
        { paddr: 0x8000_1000n, data: [9], flags: 6 },
      ],
      symbols: [
        { name: 'main', value: 0x8000_0010n, size: 0x20n, type: 2 },
        { name: '_start', value: 0x8000_0000n, size: 0x10n, type: 2 },
        { name: 'tohost', value: 0x8000_1000n, size: 8n, type: 1 },
        { name: 'fromhost', value: 0x8000_1040n, size: 8n, type: 1 },
      ],
    }).bytes, 'hand.elf');
    expect(image.name).toBe('hand.elf');
    expect(image.entry).toBe(0x8000_0004n);
    expect(image.segments).toEqual([
      { paddr: 0x8000_0000n, vaddr: 0xffff_ffff_8000_0000n, data: Uint8Array.from([1, 2, 3, 4]), memsz: 0x100n, flags: 5 },
      { paddr: 0x8000_1000n, vaddr: 0x8000_1000n, data: Uint8Array.from([9]), memsz: 1n, flags: 6 },
    ]);
    expect(Object.fromEntries(image.symbols)).toEqual({
      main: 0x8000_0010n, _start: 0x8000_0000n, tohost: 0x8000_1000n, fromhost: 0x8000_1040n,
    });
    expect(image.functions.map((f) => f.name)).toEqual(['_start', 'main']);
  });

  it.each([
    [0x8000_0000n, '_start'],
    [0x8000_000fn, '_start'],
    [0x8000_0010n, 'main'],
    [0x8000_002fn, 'main'],
    [0x8000_0030n, null],
    [0x7fff_ffffn, null],
  ])('functionAt(%i) is %s', (pc, expected) => {
    const image = parseElf(buildElf({
      symbols: [
        { name: 'main', value: 0x8000_0010n, size: 0x20n, type: 2 },
        { name: '_start', value: 0x8000_0000n, size: 0x10n, type: 2 },
        { name: 'data', value: 0x8000_0030n, size: 0x10n, type: 1 },
      ],
    }).bytes, 'hand.elf');
    expect(functionAt(image, pc)?.name ?? null).toBe(expected);
  });

  it('prefers a global symbol over a local one of the same name', () => {
    const image = parseElf(buildElf({
      symbols: [
        { name: 'loop', value: 1n, bind: 0 },
        { name: 'loop', value: 2n, bind: 1 },
        { name: 'loop', value: 3n, bind: 0 },
      ],
    }).bytes, 'dup.elf');
    expect(image.symbols.get('loop')).toBe(2n);
  });

  it('skips empty segments and accepts an image without sections', () => {
    const built = buildElf({ segments: [{ paddr: 0x8000_0000n, data: [], memsz: 0n }, { paddr: 0x8000_0000n, data: [1] }] });
    const bytes = patched(built, (view) => { view.setBigUint64(40, 0n, true); view.setUint16(60, 0, true); });
    const image = parseElf(bytes, 'nosections.elf');
    expect(image.segments).toHaveLength(1);
    expect(image.symbols.size).toBe(0);
  });

  it('recognises the magic number', () => {
    expect(isElf(buildElf().bytes)).toBe(true);
    expect(isElf(Uint8Array.from([0x7f, 0x45, 0x4c]))).toBe(false);
    expect(isElf(Uint8Array.from([0x13, 0, 0, 0, 0]))).toBe(false);
  });
});

describe('parseElf rejects malformed input with an ImageError naming the problem and byte', () => {
  const base = buildElf();
  const cases: [string, Uint8Array, RegExp, number][] = [
    ['an empty file', new Uint8Array(0), /not an ELF file/, 0],
    ['a raw binary', Uint8Array.from([0x97, 0x02, 0, 0, 0x93]), /not an ELF file/, 0],
    ['ELF32', patched(base, (v) => v.setUint8(4, 1)), /ELF32/, 4],
    ['big-endian', patched(base, (v) => v.setUint8(5, 2)), /big-endian/, 5],
    ['a bad ident version', patched(base, (v) => v.setUint8(6, 0)), /ELF version 0/, 6],
    ['a truncated header', base.bytes.slice(0, 40), /header truncated/, 40],
    ['a relocatable object', buildElf({ type: 1 }).bytes, /not an executable \(e_type 1/, 16],
    ['a shared object', buildElf({ type: 3 }).bytes, /not an executable/, 16],
    ['an x86-64 file', buildElf({ machine: 62 }).bytes, /not a RISC-V file \(e_machine 62/, 18],
    ['a wrong phentsize', patched(base, (v) => v.setUint16(54, 32, true)), /e_phentsize is 32/, 54],
    ['extended program header numbering', patched(base, (v) => v.setUint16(56, 0xffff, true)), /extended program header/, 56],
    ['a program header table past the end', patched(base, (v) => v.setBigUint64(32, 0xffff_ffff_ffffn, true)), /program header table .* extends past the end/, 32],
    ['segment data past the end', patched(base, (v, b) => { v.setBigUint64(b.phoff + 32, 0x10000n, true); v.setBigUint64(b.phoff + 40, 0x10000n, true); }), /segment 0 data .* extends past/, base.phoff + 8],
    ['filesz above memsz', patched(base, (v, b) => v.setBigUint64(b.phoff + 40, 1n, true)), /p_filesz 0x8 exceeds p_memsz 0x1/, base.phoff + 32],
    ['a segment wrapping past 2^64', patched(base, (v, b) => v.setBigUint64(b.phoff + 24, 0xffff_ffff_ffff_fff0n, true)), /wraps past 2\^64/, base.phoff + 24],
    ['overlapping segments', buildElf({ segments: [{ paddr: 0x1000n, data: [1], memsz: 0x100n }, { paddr: 0x10ffn, data: [2] }] }).bytes, /segments overlap: \[0x1000, 0x1100\) and \[0x10ff, 0x1100\)/, 64 + 56],
    ['a wrong shentsize', patched(base, (v) => v.setUint16(58, 40, true)), /e_shentsize is 40/, 58],
    ['extended section numbering', patched(base, (v) => v.setUint16(60, 0, true)), /extended section numbering/, 60],
    ['a section header table past the end', patched(base, (v) => v.setUint16(60, 200, true)), /section header table .* extends past/, 40],
    ['section data past the end', patched(base, (v, b) => v.setBigUint64(b.shoff + 64 + 32, 0x100000n, true)), /section 1 .* extends past/, base.shoff + 64 + 24],
    ['a wrong symbol entry size', patched(base, (v, b) => v.setBigUint64(b.shoff + 64 + 56, 16n, true)), /symbol table entry size is 16/, base.shoff + 64 + 56],
    ['a symtab linked to a non-string section', patched(base, (v, b) => v.setUint32(b.shoff + 64 + 40, 1, true)), /links to section 1, which is not a string table/, base.shoff + 64 + 40],
    ['a symtab linked to a missing section', patched(base, (v, b) => v.setUint32(b.shoff + 64 + 40, 9, true)), /links to section 9/, base.shoff + 64 + 40],
    ['a symbol name outside the string table', patched(base, (v, b) => v.setUint32(b.symtab + 24, 5000, true)), /name offset 5000 is outside/, base.symtab + 24],
    ['an unterminated symbol name', patched(base, (v, b) => v.setUint8(b.strtab + 14, 0x41)), /not NUL-terminated/, base.strtab + 8],
  ];

  it.each(cases)('%s', (_name, bytes, message, offset) => {
    const error = parseOrError(bytes);
    expect(error).toBeInstanceOf(ImageError);
    expect(error?.message).toMatch(message);
    expect(error?.message).toMatch(/^fuzz\.elf: /);
    expect(error?.message).not.toMatch(/\n/);
    expect(error?.file).toBe('fuzz.elf');
    expect(error?.offset).toBe(offset);
  });
});

/** Builds a small real program with the cross compiler, or returns null when it is not installed. */
function compileGuest(directory: string): Uint8Array | null {
  const source = join(directory, 'guest.S');
  const output = join(directory, 'guest.elf');
  writeFileSync(source, [
    '.text', '.globl _start', '.type _start, @function', '_start:',
    '  la t0, counter', '  call add_one', '  li t1, 1', '  la t2, tohost', '  sd t1, 0(t2)', '1: j 1b', '.size _start, . - _start',
    '.globl add_one', '.type add_one, @function', 'add_one:', '  addi a0, a0, 1', '  ret', '.size add_one, . - add_one',
    '.section .tohost, "aw", @progbits', '.align 6', '.globl tohost', 'tohost: .dword 0', '.size tohost, 8',
    '.align 6', '.globl fromhost', 'fromhost: .dword 0', '.size fromhost, 8',
    '.bss', '.globl counter', 'counter: .zero 4096', '',
  ].join('\n'));
  try {
    execFileSync('riscv64-unknown-elf-gcc', [
      '-nostdlib', '-nostartfiles', '-march=rv64gc', '-mabi=lp64d', '-mcmodel=medany', '-static',
      '-Wl,-Ttext=0x80000000', '-Wl,--no-relax', '-o', output, source,
    ], { stdio: 'pipe' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return Uint8Array.from(readFileSync(output));
}

describe('parseElf on a program built by riscv64-unknown-elf-gcc', () => {
  let directory = '';
  let compiled: Uint8Array | null = null;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'dejavm-elf-'));
    compiled = compileGuest(directory);
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('finds the entry, the tohost symbols, the functions and the .bss size', (context) => {
    if (compiled === null) return context.skip('riscv64-unknown-elf-gcc is not installed');
    const image = parseElf(compiled, 'guest.elf');
    expect(image.entry).toBe(0x8000_0000n);
    expect(image.symbols.get('_start')).toBe(0x8000_0000n);
    const tohost = image.symbols.get('tohost') as bigint;
    expect(image.symbols.get('fromhost')).toBe(tohost + 64n);
    const addOne = image.functions.find((f) => f.name === 'add_one');
    expect(addOne?.size).toBe(4n);
    expect(functionAt(image, (addOne?.value ?? 0n) + 2n)?.name).toBe('add_one');
    const code = image.segments.find((s) => s.paddr <= 0x8000_0000n && 0x8000_0000n < s.paddr + s.memsz);
    expect(code?.flags).toBe(5);
    // The first instruction is `auipc t0, ...`, whose low byte is 0x97.
    const first = Number(0x8000_0000n - (code?.paddr ?? 0n));
    expect(code?.data[first]).toBe(0x97);
    const counter = image.symbols.get('counter') as bigint;
    expect(image.segments.some((s) => s.paddr <= counter && counter + 4096n <= s.paddr + s.memsz)).toBe(true);
  });

  it('survives truncations and mutations of the real file with ImageError only', (context) => {
    if (compiled === null) return context.skip('riscv64-unknown-elf-gcc is not installed');
    const next = random(0x5eed);
    const original = compiled;
    for (let round = 0; round < 1500; round++) {
      const bytes = original.slice(0, round % 3 === 0 ? Math.floor(next() * original.length) : original.length);
      const flips = 1 + Math.floor(next() * 8);
      for (let flip = 0; flip < flips && bytes.length > 0; flip++) {
        // Aim half of the mutations at the headers, where the parser decides most.
        const limit = next() < 0.5 ? Math.min(bytes.length, 256) : bytes.length;
        bytes[Math.floor(next() * limit)] = Math.floor(next() * 256);
      }
      parseOrError(bytes);
    }
  });
});

describe('parseElf never throws anything but ImageError', () => {
  it('on every truncation of a valid file', () => {
    const { bytes } = buildElf();
    for (let length = 0; length < bytes.length; length++) parseOrError(bytes.slice(0, length));
  });

  it('on random mutations of a valid file', () => {
    const next = random(0xc0ffee);
    const { bytes: original } = buildElf();
    for (let round = 0; round < 3000; round++) {
      const bytes = original.slice();
      const flips = 1 + Math.floor(next() * 6);
      for (let flip = 0; flip < flips; flip++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      parseOrError(bytes);
    }
  });

  it('on random bytes, with and without an ELF64 RISC-V header in front', () => {
    const next = random(1234567);
    for (let round = 0; round < 1000; round++) {
      const bytes = Uint8Array.from({ length: Math.floor(next() * 400) }, () => Math.floor(next() * 256));
      if (round % 2 === 0 && bytes.length >= 20) bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 243, 0]);
      parseOrError(bytes);
    }
  });
});

describe('parseElf on installed firmware', () => {
  const opensbi = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.elf';
  it('loads OpenSBI fw_dynamic.elf at 0x80000000', (context) => {
    if (!existsSync(opensbi)) return context.skip('opensbi is not installed');
    const image = parseElf(readFileSync(opensbi), opensbi);
    expect(image.entry).toBe(0x8000_0000n);
    expect(image.segments[0]?.paddr).toBe(0x8000_0000n);
  });
});
