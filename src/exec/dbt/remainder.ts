import * as alu from '../../cpu/alu64.js';

const TWO_16 = 65536;

/**
 * `t mod d` for integers t < 2^49 and 0 < d < 2^32, without the double `%`
 * (V8 calls the C library's fmod for it). Why exact: the quotient t / d
 * rounds to nearest and never below the true quotient's integer part, so
 * its floor is that part or one more, and `t - q * d` (exact: below 2^50)
 * is the remainder or the remainder minus d.
 */
function modWord(t: number, d: number): number {
  const r = t - Math.floor(t / d) * d;
  return r < 0 ? r + d : r;
}

/**
 * RISC-V REMU of (al, ah) by (bl, bh) into `alu.out`, as `alu.remu` computes
 * it, with a faster path for a divisor below 2^32 (as in hashing modulo a
 * 32-bit prime): long division in 16-bit digits through `modWord`.
 */
export function remu(al: number, ah: number, bl: number, bh: number): void {
  if (bh !== 0 || bl === 0) {
    alu.remu(al, ah, bl, bh);
    return;
  }
  const d = bl >>> 0;
  let r = modWord(ah >>> 0, d);
  r = modWord(r * TWO_16 + (al >>> 16), d);
  alu.out[0] = modWord(r * TWO_16 + (al & 0xffff), d);
  alu.out[1] = 0;
}
