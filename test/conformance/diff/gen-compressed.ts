import type { BodyWriter } from './gen-context.js';
import { SCRATCH } from './layout.js';

/** Reserved 16-bit encodings: all-zero, c.addiw rd=0, c.lwsp rd=0, c.ldsp rd=0, c.jr rs1=0 (illegal instruction). */
const RESERVED_PARCELS = [0x0000, 0x2001, 0x4002, 0x6002, 0x8002] as const;
const REG_PAIR_OPS = ['c.sub', 'c.xor', 'c.or', 'c.and', 'c.subw', 'c.addw'] as const;

const nonZero = (w: BodyWriter, lo: number, hi: number): number => {
  const v = w.rng.range(lo, hi - 1);
  return v >= 0 ? v + 1 : v;
};
const cf = (w: BodyWriter): string => `f${8 + w.rng.below(8)}`;

/** A base register set to a scratch address that leaves room for the largest compressed offset (504). */
function compressedBase(w: BodyWriter, sp: boolean): string {
  const base = sp ? 'sp' : w.rdc();
  w.emit(w.li(base, SCRATCH + 64n + 8n * BigInt(w.rng.below(900))));
  return base;
}

/** One compressed instruction of any kind (memory, arithmetic, control flow, ebreak, reserved parcels). */
export function compressedOp(w: BodyWriter): void {
  switch (w.rng.below(14)) {
    case 0: {
      const base = compressedBase(w, false);
      const op = w.rng.pick(['c.lw', 'c.sw', 'c.ld', 'c.sd', 'c.fld', 'c.fsd']);
      const scale = op === 'c.lw' || op === 'c.sw' ? 4 : 8;
      const reg = op.includes('f') ? cf(w) : w.rdc();
      w.emit(`${op} ${reg}, ${scale * w.rng.below(32)}(${base})`);
      break;
    }
    case 1: {
      compressedBase(w, true);
      const op = w.rng.pick(['c.lwsp', 'c.ldsp', 'c.fldsp', 'c.swsp', 'c.sdsp', 'c.fsdsp']);
      const scale = op === 'c.lwsp' || op === 'c.swsp' ? 4 : 8;
      const loads = op === 'c.lwsp' || op === 'c.ldsp';
      const reg = op.includes('f') ? `f${w.rng.below(32)}` : loads ? w.rd(false) : w.rs();
      w.emit(`${op} ${reg}, ${scale * w.rng.below(64)}(sp)`);
      break;
    }
    case 2:
      w.emit(`c.addi4spn ${w.rdc()}, sp, ${4 * w.rng.range(1, 255)}`);
      break;
    case 3:
      w.emit(`c.addi16sp sp, ${16 * nonZero(w, -32, 31)}`);
      break;
    case 4:
      w.emit(w.rng.chance(0.2) ? 'c.nop' : `${w.rng.pick(['c.addi', 'c.addiw', 'c.li'])} ${w.rd(false)}, ${nonZero(w, -32, 31)}`);
      break;
    case 5: {
      const imm = w.rng.chance(0.5) ? w.rng.range(1, 31) : w.rng.range(0xfffe0, 0xfffff);
      w.emit(`c.lui ${w.rd(false, [2])}, 0x${imm.toString(16)}`);
      break;
    }
    case 6:
      w.emit(w.rng.chance(0.3)
        ? `c.andi ${w.rdc()}, ${w.rng.range(-32, 31)}`
        : `${w.rng.pick(['c.srli', 'c.srai'])} ${w.rdc()}, ${w.rng.range(1, 63)}`);
      break;
    case 7:
      w.emit(`${w.rng.pick(REG_PAIR_OPS)} ${w.rdc()}, ${w.rdc()}`);
      break;
    case 8:
      w.emit(w.rng.chance(0.5) ? `c.slli ${w.rd(false)}, ${w.rng.range(1, 63)}` : `${w.rng.pick(['c.mv', 'c.add'])} ${w.rd(false)}, ${w.rd(false)}`);
      break;
    case 9: {
      const target = w.label();
      const kind = w.rng.below(3);
      if (kind === 0) w.emit(`c.j ${target}`);
      else w.emit(`${kind === 1 ? 'c.beqz' : 'c.bnez'} ${w.rdc()}, ${target}`);
      w.emit(`c.addi ${w.rd(false)}, ${nonZero(w, -32, 31)}`, `${target}:`);
      break;
    }
    case 10: {
      const target = w.label();
      const via = w.rd(false, [1]);
      w.emit(`la ${via}, ${target}`, `${w.rng.chance(0.5) ? 'c.jr' : 'c.jalr'} ${via}`);
      w.emit(`c.addi ${w.rd(false)}, 1`, `${target}:`);
      break;
    }
    case 11:
      w.emit('c.ebreak');
      break;
    case 12:
      w.emit(`.half 0x${w.rng.pick(RESERVED_PARCELS).toString(16)}`);
      break;
    default:
      w.emit(`c.addi ${w.rdc()}, ${nonZero(w, -32, 31)}`);
  }
}
