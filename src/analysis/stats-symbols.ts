/**
 * Names guest addresses with the ELF symbols of the images a trace header
 * lists. An image is used only when it is on disk and its SHA-256 matches the
 * header's (the image that was recorded); raw images have no symbols, so
 * their addresses stay raw.
 */
import { functionAt, isElf, parseElf, type ElfImage } from '../machine/elf.js';
import { ImageError } from '../machine/errors.js';
import type { TraceHeader } from '../trace/schema.js';
import { recordedImagesOnDisk } from './recorded-images.js';

/** Names an address `function+0xoffset`, or undefined when no image has a function there. */
export type Symbolizer = (pc: bigint) => string | undefined;

/** The ELF images of `header` that are on disk unchanged, parsed. */
export function loadRecordedElfImages(header: TraceHeader): ElfImage[] {
  const images: ElfImage[] = [];
  for (const { image, bytes } of recordedImagesOnDisk(header)) {
    if (!isElf(bytes)) continue;
    try {
      images.push(parseElf(bytes, image.name));
    } catch (error) {
      if (!(error instanceof ImageError)) throw error;
    }
  }
  return images;
}

/**
 * A symbolizer over `images`: the sized function symbol holding the address,
 * else (hand-written assembly has labels without sizes) the nearest symbol at
 * or below it in the same executable segment. The first image that knows
 * the address names it.
 */
export function symbolizerFor(images: readonly ElfImage[]): Symbolizer {
  const labels = images.map(executableLabels);
  return (pc) => {
    for (const [index, image] of images.entries()) {
      const symbol = functionAt(image, pc);
      if (symbol !== null) return withOffset(symbol.name, pc - symbol.value);
      const label = nearestLabel(labels[index]!, pc);
      if (label !== undefined) return withOffset(label.name, pc - label.value);
    }
    return undefined;
  };
}

interface Label {
  name: string;
  value: bigint;
  /** End of the executable segment holding the label. */
  segmentEnd: bigint;
}

/** Symbols inside executable segments (virtual addresses), sorted by address. */
function executableLabels(image: ElfImage): Label[] {
  const labels: Label[] = [];
  for (const [name, value] of image.symbols) {
    const segment = image.segments.find((s) => (s.flags & 1) !== 0 && value >= s.vaddr && value < s.vaddr + s.memsz);
    // `$x`/`$d` (and `$x<isa>`) are RISC-V mapping symbols, `.L` assembler locals: not names for people.
    if (segment !== undefined && name !== '' && !name.startsWith('$') && !name.startsWith('.L')) labels.push({ name, value, segmentEnd: segment.vaddr + segment.memsz });
  }
  return labels.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : a.name.localeCompare(b.name)));
}

function nearestLabel(labels: readonly Label[], pc: bigint): Label | undefined {
  let low = 0;
  let high = labels.length - 1;
  let found: Label | undefined;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (labels[middle]!.value <= pc) {
      found = labels[middle];
      low = middle + 1;
    } else high = middle - 1;
  }
  return found !== undefined && pc < found.segmentEnd ? found : undefined;
}

function withOffset(name: string, offset: bigint): string {
  return offset === 0n ? name : `${name}+0x${offset.toString(16)}`;
}
