import type { Decoded } from './decoded.js';
import { formOf } from './forms.js';
import { Op } from './opcodes.js';

/** Builds a 32-bit `Decoded` with zero defaults for the fields not given. */
export function fields(op: Op, values: Partial<Decoded>): Decoded {
  return { op, rd: 0, rs1: 0, rs2: 0, rs3: 0, imm: 0, rm: 0, len: 4, raw: 0, ...values };
}

/** Places a signed 12-bit immediate in bits 31..20 (I format). */
export function immI(imm: number): number {
  return ((imm & 0xfff) << 20) >>> 0;
}

/** Scatters a signed 12-bit immediate into the S format. */
export function immS(imm: number): number {
  return ((((imm >> 5) & 0x7f) << 25) | ((imm & 0x1f) << 7)) >>> 0;
}

/** Scatters a signed 13-bit even byte offset into the B format. */
export function immB(imm: number): number {
  return ((((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (((imm >> 1) & 0xf) << 8) | (((imm >> 11) & 1) << 7)) >>> 0;
}

/** Scatters a signed 21-bit even byte offset into the J format. */
export function immJ(imm: number): number {
  return ((((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20) | (((imm >> 12) & 0xff) << 12)) >>> 0;
}

/**
 * Encodes a decoded instruction as its 32-bit form (the inverse of `decode`
 * for 32-bit encodings; compressed `Decoded` values encode to the base
 * instruction they expand to). Fields are masked to their width, never
 * checked: range checks belong to the assembler.
 *
 * @throws Error for `Op.ILLEGAL`.
 */
export function encode(d: Decoded): number {
  const form = formOf(d.op);
  if (form === undefined) throw new Error(`cannot encode operation ${d.op}`);
  let bits = form.match;
  if (form.atomic) bits |= (d.rm & 3) << 25;
  for (const arg of form.args) {
    switch (arg) {
      case 'd': case 'D': bits |= (d.rd & 31) << 7; break;
      case 's': case 'S': case 'Z': case 'A': bits |= (d.rs1 & 31) << 15; break;
      case 't': case 'T': bits |= (d.rs2 & 31) << 20; break;
      case 'R': bits |= (d.rs3 & 31) << 27; break;
      case 'j': bits |= immI(d.imm); break;
      case 'o': bits |= immI(d.imm) | ((d.rs1 & 31) << 15); break;
      case 'q': bits |= immS(d.imm) | ((d.rs1 & 31) << 15); break;
      case 'u': bits |= d.imm & 0xfffff000; break;
      case 'a': bits |= immJ(d.imm); break;
      case 'p': bits |= immB(d.imm); break;
      case '>': bits |= (d.imm & 63) << 20; break;
      case '<': bits |= (d.imm & 31) << 20; break;
      case 'E': bits |= (d.imm & 0xfff) << 20; break;
      case 'm': bits |= (d.rm & 7) << 12; break;
      case 'P': bits |= immI(d.imm) | ((d.rd & 31) << 7) | ((d.rs1 & 31) << 15); break;
    }
  }
  if (d.op === Op.FENCE_I) bits |= immI(d.imm) | ((d.rd & 31) << 7) | ((d.rs1 & 31) << 15);
  return bits >>> 0;
}
