import type { Decoded } from './decoded.js';
import type { OperandPrinter } from './disasm.js';

const ARITHMETIC_NAMES = ['c.sub', 'c.xor', 'c.or', 'c.and', 'c.subw', 'c.addw'];

/** The `c.` mnemonic and operands objdump -M no-aliases prints for a legal parcel. */
function compressedForm(d: Decoded, p: OperandPrinter): string {
  const c = d.raw;
  const { rd, rs1, rs2, imm } = d;
  const x = (reg: number): string => p.x(reg);
  const funct3 = c >>> 13;
  const shift64 = zeroShiftName(c);
  if (shift64 !== undefined) return `${shift64} ${x(rd)}`;
  switch (c & 3) {
    case 0: {
      const names = ['c.addi4spn', 'c.fld', 'c.lw', 'c.ld', '', 'c.fsd', 'c.sw', 'c.sd'];
      if (funct3 === 0) return `c.addi4spn ${x(rd)},sp,${imm}`;
      if (funct3 === 1) return `c.fld ${p.f(rd)},${p.memory(imm, rs1)}`;
      if (funct3 === 5) return `c.fsd ${p.f(rs2)},${p.memory(imm, rs1)}`;
      return `${names[funct3]} ${x(funct3 < 4 ? rd : rs2)},${p.memory(imm, rs1)}`;
    }
    case 1:
      switch (funct3) {
        case 0: return `c.addi ${x(rd)},${imm}`;
        case 1: return `c.addiw ${x(rd)},${imm}`;
        case 2: return `c.li ${x(rd)},${imm}`;
        case 3: return rd === 2 ? `c.addi16sp sp,${imm}` : `c.lui ${x(rd)},${p.hex((imm >>> 12) & 0xfffff)}`;
        case 4: {
          const funct2 = (c >>> 10) & 3;
          if (funct2 === 0) return `c.srli ${x(rd)},${p.hex(imm)}`;
          if (funct2 === 1) return `c.srai ${x(rd)},${p.hex(imm)}`;
          if (funct2 === 2) return `c.andi ${x(rd)},${imm}`;
          return `${ARITHMETIC_NAMES[(((c >>> 12) & 1) << 2) | ((c >>> 5) & 3)]} ${x(rd)},${x(rs2)}`;
        }
        case 5: return `c.j ${p.target(imm)}`;
        case 6: return `c.beqz ${x(rs1)},${p.target(imm)}`;
        default: return `c.bnez ${x(rs1)},${p.target(imm)}`;
      }
    default:
      switch (funct3) {
        case 0: return `c.slli ${x(rd)},${p.hex(imm)}`;
        case 1: return `c.fldsp ${p.f(rd)},${p.memory(imm, 2)}`;
        case 2: return `c.lwsp ${x(rd)},${p.memory(imm, 2)}`;
        case 3: return `c.ldsp ${x(rd)},${p.memory(imm, 2)}`;
        case 4:
          if ((c >>> 12) & 1) {
            if (rs2 !== 0) return `c.add ${x(rd)},${x(rs2)}`;
            return rs1 === 0 ? 'c.ebreak' : `c.jalr ${x(rs1)}`;
          }
          return rs2 !== 0 ? `c.mv ${x(rd)},${x(rs2)}` : `c.jr ${x(rs1)}`;
        case 5: return `c.fsdsp ${p.f(rs2)},${p.memory(imm, 2)}`;
        case 6: return `c.swsp ${x(rs2)},${p.memory(imm, 2)}`;
        default: return `c.sdsp ${x(rs2)},${p.memory(imm, 2)}`;
      }
  }
}

/** `c.slli64`, `c.srli64`, `c.srai64`: the names objdump gives shifts by 0 (RV128 shifts by 64, HINTs in RV64). */
function zeroShiftName(c: number): string | undefined {
  if ((c & 0x107c) !== 0) return undefined;
  if ((c & 0xe003) === 0x0002) return 'c.slli64';
  if ((c & 0xec03) === 0x8001) return 'c.srli64';
  if ((c & 0xec03) === 0x8401) return 'c.srai64';
  return undefined;
}

/** True for the HINT forms objdump prints by their `c.` names even by default (`c.li`, `c.lui`, `c.slli`, `c.mv`, `c.add` with rd = x0). */
function isZeroDestinationHint(c: number): boolean {
  if (((c >>> 7) & 31) !== 0) return false;
  const quadrant = c & 3;
  const funct3 = c >>> 13;
  if (quadrant === 1) return funct3 === 2 || funct3 === 3;
  return quadrant === 2 && (funct3 === 0 || (funct3 === 4 && ((c >>> 2) & 31) !== 0));
}

/**
 * Disassembles a legal compressed instruction: with `aliases`, as objdump's
 * default output (the expanded instruction through `expanded`, except
 * `c.mv`, printed `mv`, `c.addi rd, 0`, printed `add rd,rd,0`, the `c.addi x0`
 * HINTs, printed `c.nop imm`, and the HINTs objdump keeps under `c.` names);
 * otherwise by its `c.` name as `objdump -M no-aliases` does.
 */
export function disassembleCompressed(d: Decoded, p: OperandPrinter, aliases: boolean, expanded: (d: Decoded) => string): string {
  const c = d.raw;
  if (!aliases || zeroShiftName(c) !== undefined || isZeroDestinationHint(c)) return compressedForm(d, p);
  if ((c & 3) === 2 && c >>> 12 === 0x8 && d.rs2 !== 0) return `mv ${p.x(d.rd)},${p.x(d.rs2)}`;
  if ((c & 3) === 1 && c >>> 13 === 0 && d.rd === 0 && d.imm !== 0) return `c.nop ${d.imm}`;
  if ((c & 3) === 1 && c >>> 13 === 0 && d.imm === 0 && d.rd !== 0) return `add ${p.x(d.rd)},${p.x(d.rd)},0`;
  return expanded(d);
}
