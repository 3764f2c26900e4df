import { ImageError } from './errors.js';

export { ImageError } from './errors.js';

/** ELF machine number of RISC-V. */
export const EM_RISCV = 243;

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const EV_CURRENT = 1;
const ET_EXEC = 2;
const PT_LOAD = 1;
const SHT_SYMTAB = 2;
const SHT_STRTAB = 3;
const SHT_NOBITS = 8;
const STT_FUNC = 2;
const STT_SECTION = 3;
const STT_FILE = 4;
const STB_LOCAL = 0;
const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
const SHDR_SIZE = 64;
const SYM_SIZE = 24;
const PN_XNUM = 0xffff;
const U64_LIMIT = 1n << 64n;
const NAME_DECODER = new TextDecoder();

/** One PT_LOAD segment. */
export interface ElfSegment {
  /** Load address: the physical address, as QEMU's ELF loader uses. */
  readonly paddr: bigint;
  /** Virtual address the program was linked for. */
  readonly vaddr: bigint;
  /** The file bytes to copy to `paddr` (a view into the parsed buffer). */
  readonly data: Uint8Array;
  /** Size in memory; bytes past `data.length` are zero (.bss). */
  readonly memsz: bigint;
  /** `p_flags`: 1 = execute, 2 = write, 4 = read. */
  readonly flags: number;
}

/** One named symbol from `.symtab`. */
export interface ElfSymbol {
  /** The symbol's name from `.strtab`. */
  readonly name: string;
  /** `st_value`: the address for functions and objects. */
  readonly value: bigint;
  /** `st_size` in bytes (0 when the assembler did not record one). */
  readonly size: bigint;
  /** True for STT_FUNC symbols. */
  readonly isFunction: boolean;
  /** True for STB_GLOBAL and STB_WEAK symbols. */
  readonly isGlobal: boolean;
}

/** A parsed ELF64 little-endian RISC-V executable. */
export interface ElfImage {
  /** The file name given to {@link parseElf}. */
  readonly name: string;
  /** `e_entry`. */
  readonly entry: bigint;
  /** Loadable segments with a non-zero memory size, in file order. */
  readonly segments: readonly ElfSegment[];
  /**
   * Symbol values by name (e.g. `tohost`, `fromhost`, `_start`), in a fresh
   * map the caller owns. When a name occurs more than once, a global symbol
   * wins over a local one, then the first in the table.
   */
  readonly symbols: Map<string, bigint>;
  /** Function symbols with a non-zero size, sorted by address, for naming pcs. */
  readonly functions: readonly ElfSymbol[];
}

/** Whether `bytes` starts with the ELF magic number. */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ELF_MAGIC.every((byte, index) => bytes[index] === byte);
}

/** The function symbol whose [value, value + size) contains `pc`, or null. */
export function functionAt(image: ElfImage, pc: bigint): ElfSymbol | null {
  const functions = image.functions;
  let low = 0;
  let high = functions.length - 1;
  let candidate: ElfSymbol | null = null;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const symbol = functions[middle] as ElfSymbol;
    if (symbol.value <= pc) {
      candidate = symbol;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return candidate !== null && pc < candidate.value + candidate.size ? candidate : null;
}

/**
 * Parses an ELF64 little-endian RISC-V executable.
 * @param bytes the whole file
 * @param name the file name, used in error messages
 * @throws ImageError for every malformed or unsupported input, naming what is
 *   wrong and where; never any other exception.
 */
export function parseElf(bytes: Uint8Array, name: string): ElfImage {
  return new ElfParser(bytes, name).parse();
}

interface SectionHeader {
  readonly index: number;
  readonly headerOffset: number;
  readonly type: number;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly entsize: bigint;
}

class ElfParser {
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array, private readonly name: string) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  parse(): ElfImage {
    this.checkIdentity();
    const entry = this.view.getBigUint64(24, true);
    const segments = this.readSegments();
    const sections = this.readSections();
    const symbols = this.readSymbols(sections);
    const chosen = new Map<string, ElfSymbol>();
    for (const symbol of symbols) {
      const known = chosen.get(symbol.name);
      if (known === undefined || (symbol.isGlobal && !known.isGlobal)) chosen.set(symbol.name, symbol);
    }
    const byName = new Map(Array.from(chosen, ([symbolName, symbol]) => [symbolName, symbol.value]));
    const functions = symbols
      .filter((symbol) => symbol.isFunction && symbol.size > 0n)
      .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    return { name: this.name, entry, segments, symbols: byName, functions };
  }

  private checkIdentity(): void {
    if (!isElf(this.bytes)) this.fail('not an ELF file (bad magic number)', 0);
    const elfClass = this.bytes[4];
    if (elfClass !== ELFCLASS64) {
      this.fail(elfClass === 1 ? 'ELF32 file, expected ELF64 (RV64)' : `invalid ELF class ${elfClass}`, 4);
    }
    const data = this.bytes[5];
    if (data !== ELFDATA2LSB) this.fail(data === 2 ? 'big-endian ELF, expected little-endian' : `invalid ELF data encoding ${data}`, 5);
    if (this.bytes[6] !== EV_CURRENT) this.fail(`unsupported ELF version ${this.bytes[6]}`, 6);
    if (this.bytes.length < EHDR_SIZE) {
      this.fail(`ELF header truncated: file has ${this.bytes.length} bytes, the header needs ${EHDR_SIZE}`, this.bytes.length);
    }
    const type = this.view.getUint16(16, true);
    if (type !== ET_EXEC) this.fail(`not an executable (e_type ${type}, expected ET_EXEC = 2)`, 16);
    const machine = this.view.getUint16(18, true);
    if (machine !== EM_RISCV) this.fail(`not a RISC-V file (e_machine ${machine}, expected ${EM_RISCV})`, 18);
  }

  private readSegments(): ElfSegment[] {
    const count = this.view.getUint16(56, true);
    if (count === 0) return [];
    if (count === PN_XNUM) this.fail('extended program header numbering (e_phnum = 0xffff) is not supported', 56);
    const entrySize = this.view.getUint16(54, true);
    if (entrySize !== PHDR_SIZE) this.fail(`e_phentsize is ${entrySize}, expected ${PHDR_SIZE}`, 54);
    const table = this.fileRange(this.view.getBigUint64(32, true), BigInt(count * PHDR_SIZE), 'program header table', 32);
    const segments: (ElfSegment & { readonly headerOffset: number })[] = [];
    for (let index = 0; index < count; index++) {
      const at = table + index * PHDR_SIZE;
      if (this.view.getUint32(at, true) !== PT_LOAD) continue;
      const flags = this.view.getUint32(at + 4, true);
      const fileOffset = this.view.getBigUint64(at + 8, true);
      const vaddr = this.view.getBigUint64(at + 16, true);
      const paddr = this.view.getBigUint64(at + 24, true);
      const filesz = this.view.getBigUint64(at + 32, true);
      const memsz = this.view.getBigUint64(at + 40, true);
      if (filesz > memsz) this.fail(`segment ${index}: p_filesz 0x${filesz.toString(16)} exceeds p_memsz 0x${memsz.toString(16)}`, at + 32);
      if (paddr + memsz > U64_LIMIT) this.fail(`segment ${index}: paddr 0x${paddr.toString(16)} + memsz wraps past 2^64`, at + 24);
      const start = this.fileRange(fileOffset, filesz, `segment ${index} data`, at + 8);
      if (memsz === 0n) continue;
      segments.push({
        paddr, vaddr, memsz, flags, headerOffset: at,
        data: this.bytes.subarray(start, start + Number(filesz)),
      });
    }
    this.checkOverlaps(segments);
    return segments.map(({ paddr, vaddr, data, memsz, flags }) => ({ paddr, vaddr, data, memsz, flags }));
  }

  private checkOverlaps(segments: readonly (ElfSegment & { readonly headerOffset: number })[]): void {
    const ordered = [...segments].sort((a, b) => (a.paddr < b.paddr ? -1 : a.paddr > b.paddr ? 1 : 0));
    for (let index = 1; index < ordered.length; index++) {
      const previous = ordered[index - 1] as ElfSegment & { readonly headerOffset: number };
      const current = ordered[index] as ElfSegment & { readonly headerOffset: number };
      if (previous.paddr + previous.memsz > current.paddr) {
        this.fail(
          `loadable segments overlap: [0x${previous.paddr.toString(16)}, 0x${(previous.paddr + previous.memsz).toString(16)}) ` +
            `and [0x${current.paddr.toString(16)}, 0x${(current.paddr + current.memsz).toString(16)})`,
          current.headerOffset,
        );
      }
    }
  }

  private readSections(): SectionHeader[] {
    const tableOffset = this.view.getBigUint64(40, true);
    const count = this.view.getUint16(60, true);
    if (count === 0) {
      if (tableOffset !== 0n) this.fail('extended section numbering (e_shnum = 0 with e_shoff set) is not supported', 60);
      return [];
    }
    const entrySize = this.view.getUint16(58, true);
    if (entrySize !== SHDR_SIZE) this.fail(`e_shentsize is ${entrySize}, expected ${SHDR_SIZE}`, 58);
    const table = this.fileRange(tableOffset, BigInt(count * SHDR_SIZE), 'section header table', 40);
    const sections: SectionHeader[] = [];
    for (let index = 0; index < count; index++) {
      const at = table + index * SHDR_SIZE;
      const type = this.view.getUint32(at + 4, true);
      const size = this.view.getBigUint64(at + 32, true);
      const offset = type === SHT_NOBITS ? 0 : this.fileRange(this.view.getBigUint64(at + 24, true), size, `section ${index}`, at + 24);
      sections.push({
        index, headerOffset: at, type, offset,
        size: type === SHT_NOBITS ? 0 : Number(size),
        link: this.view.getUint32(at + 40, true),
        entsize: this.view.getBigUint64(at + 56, true),
      });
    }
    return sections;
  }

  private readSymbols(sections: readonly SectionHeader[]): ElfSymbol[] {
    const table = sections.find((section) => section.type === SHT_SYMTAB);
    if (table === undefined) return [];
    if (table.entsize !== BigInt(SYM_SIZE)) this.fail(`symbol table entry size is ${table.entsize}, expected ${SYM_SIZE}`, table.headerOffset + 56);
    const strings = sections[table.link];
    if (strings === undefined || strings.type !== SHT_STRTAB) {
      this.fail(`symbol table links to section ${table.link}, which is not a string table`, table.headerOffset + 40);
    }
    const symbols: ElfSymbol[] = [];
    const count = Math.floor(table.size / SYM_SIZE);
    for (let index = 1; index < count; index++) {
      const at = table.offset + index * SYM_SIZE;
      const info = this.bytes[at + 4] as number;
      const type = info & 0xf;
      if (type === STT_SECTION || type === STT_FILE) continue;
      const name = this.stringAt(strings, this.view.getUint32(at, true), at);
      if (name === '') continue;
      symbols.push({
        name,
        value: this.view.getBigUint64(at + 8, true),
        size: this.view.getBigUint64(at + 16, true),
        isFunction: type === STT_FUNC,
        isGlobal: info >> 4 !== STB_LOCAL,
      });
    }
    return symbols;
  }

  private stringAt(strings: SectionHeader, nameOffset: number, symbolOffset: number): string {
    if (nameOffset >= strings.size) this.fail(`symbol name offset ${nameOffset} is outside its string table (${strings.size} bytes)`, symbolOffset);
    const start = strings.offset + nameOffset;
    const end = this.bytes.indexOf(0, start);
    if (end === -1 || end >= strings.offset + strings.size) this.fail('symbol name is not NUL-terminated inside its string table', start);
    return NAME_DECODER.decode(this.bytes.subarray(start, end));
  }

  /** Checks that [offset, offset + size) lies in the file and returns offset as a number. */
  private fileRange(offset: bigint, size: bigint, what: string, fieldOffset: number): number {
    if (offset + size > BigInt(this.bytes.length)) {
      this.fail(`${what} (offset 0x${offset.toString(16)}, size 0x${size.toString(16)}) extends past the end of the file (${this.bytes.length} bytes)`, fieldOffset);
    }
    return Number(offset);
  }

  private fail(problem: string, offset: number): never {
    throw new ImageError(this.name, problem, offset);
  }
}
