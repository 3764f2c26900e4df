import { decode } from '../../isa/decode.js';
import { Op } from '../../isa/opcodes.js';
import type { Ram } from '../../mem/ram.js';

/**
 * A decoded instruction as the interpreter executes it. Register fields are
 * pre-multiplied by two (indices into the halves arrays); an integer
 * destination x0 becomes the sink slot 64, so writes need no x0 check. For
 * `CSRR*I`, the 5-bit immediate is `rs1 >> 1`.
 */
export class ExecInsn {
  constructor(
    readonly op: Op,
    readonly rd: number,
    readonly rs1: number,
    readonly rs2: number,
    readonly rs3: number,
    readonly imm: number,
    readonly rm: number,
    readonly len: number,
    readonly raw: number,
  ) {}
}

/** Operations whose destination is an f register (x0's sink rule must not apply). */
function writesFpRegister(op: Op): boolean {
  return op === Op.FLW || op === Op.FLD ||
    (op >= Op.FMADD_S && op <= Op.FMAX_S) ||
    (op >= Op.FCVT_S_W && op <= Op.FMV_W_X) ||
    (op >= Op.FMADD_D && op <= Op.FCVT_D_S) ||
    (op >= Op.FCVT_D_W && op <= Op.FMV_D_X);
}

/** Decode instruction bits into the interpreter's form. */
export function toExecInsn(raw: number): ExecInsn {
  const d = decode(raw);
  const rd = d.rd === 0 && !writesFpRegister(d.op) ? 64 : d.rd * 2;
  return new ExecInsn(d.op, rd, d.rs1 * 2, d.rs2 * 2, d.rs3 * 2, d.imm, d.rm, d.len, d.raw);
}

/**
 * Decoded instructions cached per physical RAM page, shared by all harts.
 * A write to RAM drops exactly the entries whose bytes it touched (an entry
 * for a 4-byte instruction starting 2 bytes before the write included), so a
 * page mixing code and data keeps its other decoded instructions.
 */
export class CodeCache {
  private readonly pages: Array<Array<ExecInsn | undefined> | undefined>;

  constructor(private readonly ram: Ram) {
    this.pages = new Array(ram.codePages.length).fill(undefined);
    ram.onCodeWrite((offset, len) => this.invalidate(offset, len));
  }

  /** The decoded-instruction slots (one per 2 bytes) for RAM page `page`. */
  page(page: number): Array<ExecInsn | undefined> {
    let slots = this.pages[page];
    if (slots === undefined) {
      slots = new Array<ExecInsn | undefined>(2048).fill(undefined);
      this.pages[page] = slots;
      this.ram.markCode(page);
    }
    return slots;
  }

  private invalidate(offset: number, len: number): void {
    const slots = this.pages[offset >>> 12];
    if (slots === undefined) return;
    const first = Math.max(0, ((offset & 4095) - 2) >> 1);
    const last = ((offset & 4095) + len - 1) >> 1;
    for (let i = first; i <= last; i++) slots[i] = undefined;
  }
}
