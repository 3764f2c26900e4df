/** One symbol for the ELF symbol table (a global `NOTYPE`/`FUNC` address). */
export interface ElfSymbol {
  name: string;
  value: bigint;
}

/** What {@link writeElf64} packs: one loadable image at `base`, entered at `entry`. */
export interface ElfImage {
  /** Load (virtual = physical) address of the first byte of `bytes`; e.g. 0x8000_0000. */
  base: bigint;
  /** Entry point address. */
  entry: bigint;
  /** The segment contents (code and data, one RWX `PT_LOAD`). */
  bytes: Uint8Array;
  /** Optional symbols, written to `.symtab`/`.strtab` for debuggers and `readelf -s`. */
  symbols?: readonly ElfSymbol[];
}

const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
const SHDR_SIZE = 64;
const SYM_SIZE = 24;
const EM_RISCV = 243;
const RVC_DOUBLE_ABI = 0x5; // EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE

/** Collects NUL-terminated strings and hands out their offsets. */
class StringTable {
  private readonly parts: string[] = [''];
  private size = 1;

  add(text: string): number {
    const offset = this.size;
    this.parts.push(text);
    this.size += Buffer.byteLength(text) + 1;
    return offset;
  }

  bytes(): Uint8Array {
    return Buffer.from(this.parts.join('\0') + '\0');
  }
}

function align(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}

/**
 * Build a little-endian ELF64 RISC-V executable with exactly one `PT_LOAD`
 * segment, a `.text` section covering it, and (when symbols are given)
 * `.symtab`/`.strtab`. Enough for `qemu -kernel`, dejavm's loader and
 * `riscv64-unknown-elf-readelf`/`objdump`.
 */
export function writeElf64(image: ElfImage): Uint8Array {
  const symbols = image.symbols ?? [];
  const shstr = new StringTable();
  const nameText = shstr.add('.text');
  const nameSymtab = shstr.add('.symtab');
  const nameStrtab = shstr.add('.strtab');
  const nameShstrtab = shstr.add('.shstrtab');
  const strtab = new StringTable();
  const symNames = symbols.map((s) => strtab.add(s.name));
  const strBytes = strtab.bytes();
  const shstrBytes = shstr.bytes();

  const textOffset = 0x1000;
  const symtabOffset = align(textOffset + image.bytes.length, 8);
  const symtabSize = (symbols.length + 1) * SYM_SIZE;
  const strtabOffset = symtabOffset + symtabSize;
  const shstrOffset = strtabOffset + strBytes.length;
  const shdrOffset = align(shstrOffset + shstrBytes.length, 8);
  const sectionCount = 5;
  const total = shdrOffset + sectionCount * SHDR_SIZE;

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0);
  view.setUint16(16, 2, true); // ET_EXEC
  view.setUint16(18, EM_RISCV, true);
  view.setUint32(20, 1, true);
  view.setBigUint64(24, image.entry, true);
  view.setBigUint64(32, BigInt(EHDR_SIZE), true);
  view.setBigUint64(40, BigInt(shdrOffset), true);
  view.setUint32(48, RVC_DOUBLE_ABI, true);
  view.setUint16(52, EHDR_SIZE, true);
  view.setUint16(54, PHDR_SIZE, true);
  view.setUint16(56, 1, true);
  view.setUint16(58, SHDR_SIZE, true);
  view.setUint16(60, sectionCount, true);
  view.setUint16(62, 4, true); // .shstrtab index

  const ph = EHDR_SIZE;
  view.setUint32(ph, 1, true); // PT_LOAD
  view.setUint32(ph + 4, 7, true); // RWX
  view.setBigUint64(ph + 8, BigInt(textOffset), true);
  view.setBigUint64(ph + 16, image.base, true);
  view.setBigUint64(ph + 24, image.base, true);
  view.setBigUint64(ph + 32, BigInt(image.bytes.length), true);
  view.setBigUint64(ph + 40, BigInt(image.bytes.length), true);
  view.setBigUint64(ph + 48, 0x1000n, true);

  out.set(image.bytes, textOffset);
  symbols.forEach((sym, i) => {
    const at = symtabOffset + (i + 1) * SYM_SIZE;
    view.setUint32(at, symNames[i]!, true);
    out[at + 4] = 0x10; // STB_GLOBAL, STT_NOTYPE
    view.setUint16(at + 6, 1, true); // .text
    view.setBigUint64(at + 8, sym.value, true);
  });
  out.set(strBytes, strtabOffset);
  out.set(shstrBytes, shstrOffset);

  const section = (index: number, fields: [number, number, bigint, bigint, number, number, number, number, number]) => {
    const [name, type, flags, addr, offset, size, link, info, entsize] = fields;
    const at = shdrOffset + index * SHDR_SIZE;
    view.setUint32(at, name, true);
    view.setUint32(at + 4, type, true);
    view.setBigUint64(at + 8, flags, true);
    view.setBigUint64(at + 16, addr, true);
    view.setBigUint64(at + 24, BigInt(offset), true);
    view.setBigUint64(at + 32, BigInt(size), true);
    view.setUint32(at + 40, link, true);
    view.setUint32(at + 44, info, true);
    view.setBigUint64(at + 48, type === 1 ? 4n : 8n, true);
    view.setBigUint64(at + 56, BigInt(entsize), true);
  };
  section(1, [nameText, 1, 7n, image.base, textOffset, image.bytes.length, 0, 0, 0]);
  section(2, [nameSymtab, 2, 0n, 0n, symtabOffset, symtabSize, 3, 1, SYM_SIZE]);
  section(3, [nameStrtab, 3, 0n, 0n, strtabOffset, strBytes.length, 0, 0, 0]);
  section(4, [nameShstrtab, 3, 0n, 0n, shstrOffset, shstrBytes.length, 0, 0, 0]);
  return out;
}
