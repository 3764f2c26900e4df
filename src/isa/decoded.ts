import type { Op } from './opcodes.js';

/**
 * One instruction after decoding, in a form independent of its encoding.
 *
 * Field meanings by instruction class:
 * - register numbers `rd`, `rs1`, `rs2`, `rs3` are 0..31 and name integer or
 *   floating-point registers as the operation defines (e.g. `FLD`: `rd` is an
 *   f register, `rs1` an x register);
 * - `imm` is the sign-extended immediate as a signed 32-bit integer (`LUI` and
 *   `AUIPC`: already shifted left by 12; branches and jumps: the byte offset);
 *   shifts: the shift amount; `CSR*`: the CSR number (0..4095), with the 5-bit
 *   immediate of `CSRR*I` in `rs1`; `FENCE`: instruction bits 31..20;
 * - `rm` is the FP rounding-mode field (0..7, 7 = dynamic), or `aq << 1 | rl`
 *   for A-extension operations, otherwise 0;
 * - `len` is 2 for compressed encodings (which decode to the base operation
 *   they expand to) and 4 otherwise;
 * - `raw` is the instruction bits as an unsigned number (the 16-bit parcel for
 *   compressed instructions).
 */
export interface Decoded {
  op: Op;
  rd: number;
  rs1: number;
  rs2: number;
  rs3: number;
  imm: number;
  rm: number;
  len: 2 | 4;
  raw: number;
}
