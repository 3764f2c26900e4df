/**
 * The instruction decoder (src/isa/decode.ts) on real code: every
 * instruction of the bench guest's `.text`, compressed and full-size mixed as
 * GCC emitted them. `decodeInto` reuses one record (the interpreter's way);
 * `decode` allocates a new one per instruction.
 */
import { readFileSync } from 'node:fs';
import { decode, decodeInto } from '../../../src/isa/decode.js';
import { guestImage } from '../../guests/guests.js';
import type { MicroSuite } from './suite.js';

/** The bytes of section `name` of a little-endian ELF64 image. */
function elfSection(image: Buffer, name: string): Buffer {
  const headersAt = Number(image.readBigUInt64LE(0x28));
  const headerSize = image.readUInt16LE(0x3a);
  const count = image.readUInt16LE(0x3c);
  const header = (index: number): number => headersAt + index * headerSize;
  const namesAt = Number(image.readBigUInt64LE(header(image.readUInt16LE(0x3e)) + 0x18));
  for (let index = 0; index < count; index++) {
    const nameAt = namesAt + image.readUInt32LE(header(index));
    if (image.toString('latin1', nameAt, image.indexOf(0, nameAt)) === name) {
      const offset = Number(image.readBigUInt64LE(header(index) + 0x18));
      return image.subarray(offset, offset + Number(image.readBigUInt64LE(header(index) + 0x20)));
    }
  }
  throw new Error(`no section ${name}`);
}

/** Splits code into instruction words: 16-bit parcels for compressed ones, 32-bit words otherwise. */
function instructionWords(code: Buffer): number[] {
  const words: number[] = [];
  for (let offset = 0; offset + 2 <= code.length;) {
    const low = code.readUInt16LE(offset);
    const compressed = (low & 3) !== 3;
    if (!compressed && offset + 4 > code.length) break;
    words.push(compressed ? low : code.readUInt32LE(offset));
    offset += compressed ? 2 : 4;
  }
  return words;
}

const words = instructionWords(elfSection(readFileSync(guestImage('bench')), '.text'));

const suite: MicroSuite = {
  name: `decoder, the ${words.length} instructions of bench.elf .text per task`,
  register(bench) {
    const record = decode(0);
    bench
      .add('decodeInto (one reused record)', () => {
        let ops = 0;
        for (const word of words) ops += decodeInto(word, record).op;
        return ops;
      })
      .add('decode (new record each)', () => {
        let ops = 0;
        for (const word of words) ops += decode(word).op;
        return ops;
      });
  },
};

export default suite;
