import type { BodyWriter } from './gen-context.js';
import type { Prng } from './prng.js';

/** Double-precision bit patterns at the corners: zeros, infinities, NaNs (quiet and signalling), subnormals, limits, ties. */
export const DOUBLE_EDGES: readonly bigint[] = [
  0x0n, 0x8000_0000_0000_0000n, 0x7ff0_0000_0000_0000n, 0xfff0_0000_0000_0000n, 0x7ff8_0000_0000_0000n,
  0x7ff0_0000_0000_0001n, 0xfff8_0000_0000_0000n, 0x7ff4_0000_0000_0000n, 0x1n, 0x000f_ffff_ffff_ffffn,
  0x0010_0000_0000_0000n, 0x7fef_ffff_ffff_ffffn, 0x3ff0_0000_0000_0000n, 0xbff0_0000_0000_0000n,
  0x3fe0_0000_0000_0000n, 0x43e0_0000_0000_0000n, 0x43f0_0000_0000_0000n, 0xc3e0_0000_0000_0000n,
  0x41e0_0000_0000_0000n, 0x41f0_0000_0000_0000n, 0xc1e0_0000_0020_0000n, 0x3ff8_0000_0000_0000n,
  0x4004_0000_0000_0000n, 0xbff8_0000_0000_0000n, 0x3fb9_9999_9999_999an, 0x8000_0000_0000_0001n,
  0x36a0_0000_0000_0000n, 0x47ef_ffff_e000_0000n, 0x3ff0_0000_0000_0001n,
];

/** Single-precision bit patterns at the corners (32 bits, unboxed). */
export const SINGLE_EDGES: readonly number[] = [
  0x0, 0x8000_0000, 0x7f80_0000, 0xff80_0000, 0x7fc0_0000, 0x7f80_0001, 0xffc0_0000, 0x7fa0_0000, 0x1,
  0x007f_ffff, 0x0080_0000, 0x7f7f_ffff, 0x3f80_0000, 0xbf80_0000, 0x3f00_0000, 0x5f00_0000, 0x5f80_0000,
  0xdf00_0000, 0x4f00_0000, 0x4f80_0000, 0xcf00_0001, 0x3fc0_0000, 0x4020_0000, 0xbfc0_0000, 0x3dcc_cccd,
  0x8000_0001, 0x3380_0000, 0x3f80_0001,
];

const ROUNDING = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'dyn'] as const;
const ARITH = ['fadd', 'fsub', 'fmul', 'fdiv'] as const;
const FUSED = ['fmadd', 'fmsub', 'fnmsub', 'fnmadd'] as const;
const SIGN_MINMAX = ['fsgnj', 'fsgnjn', 'fsgnjx', 'fmin', 'fmax'] as const;
const COMPARE = ['feq', 'flt', 'fle', 'fclass'] as const;
const INT_TYPES = ['w', 'wu', 'l', 'lu'] as const;

/** One f-register initial value: a boxed single, a double, or a random pattern (often a NaN-boxing violation). */
export function fpValue(rng: Prng): bigint {
  const r = rng.below(10);
  if (r < 4) return 0xffff_ffff_0000_0000n | BigInt(rng.chance(0.8) ? rng.pick(SINGLE_EDGES) : rng.next32());
  if (r < 8) return rng.pick(DOUBLE_EDGES);
  return rng.next64();
}

const f = (w: BodyWriter): string => `f${w.rng.below(32)}`;
const fmt = (w: BodyWriter): 's' | 'd' => (w.rng.chance(0.5) ? 's' : 'd');

/** A rounding-mode operand (`, rtz`), or none (the assembler default, dynamic). */
function rm(w: BodyWriter): string {
  return w.rng.chance(0.2) ? '' : `, ${w.rng.pick(ROUNDING)}`;
}

/** Set an x register to an integer corner value before converting it. */
function intSource(w: BodyWriter): string {
  const reg = w.rd(false);
  w.emit(w.li(reg, w.value()));
  return reg;
}

/** A raw OP-FP arithmetic encoding (fadd/fsub/fmul/fdiv/fsqrt) with a reserved static rm (5 or 6): illegal instruction. */
function reservedRoundingMode(w: BodyWriter): void {
  const funct5 = w.rng.pick([0x00, 0x01, 0x02, 0x03, 0x0b]);
  const double = w.rng.below(2);
  const rs2 = funct5 === 0x0b ? 0 : w.rng.below(32);
  const word = ((funct5 << 27) | (double << 25) | (rs2 << 20) | (w.rng.below(32) << 15) | (w.rng.range(5, 6) << 12)
    | (w.rng.below(32) << 7) | 0x53) >>> 0;
  w.emit(`.word 0x${word.toString(16)}`);
}

/** One F/D operation of any kind, or an fcsr/frm/fflags access, or an FP load/store. */
export function fpOp(w: BodyWriter): void {
  const t = fmt(w);
  switch (w.rng.below(12)) {
    case 0:
    case 1:
      w.emit(`${w.rng.pick(ARITH)}.${t} ${f(w)}, ${f(w)}, ${f(w)}${rm(w)}`);
      break;
    case 2:
      w.emit(`${w.rng.pick(FUSED)}.${t} ${f(w)}, ${f(w)}, ${f(w)}, ${f(w)}${rm(w)}`);
      break;
    case 3:
      w.emit(w.rng.chance(0.3) ? `fsqrt.${t} ${f(w)}, ${f(w)}${rm(w)}` : `${w.rng.pick(SIGN_MINMAX)}.${t} ${f(w)}, ${f(w)}, ${f(w)}`);
      break;
    case 4: {
      const op = w.rng.pick(COMPARE);
      w.emit(op === 'fclass' ? `fclass.${t} ${w.rd()}, ${f(w)}` : `${op}.${t} ${w.rd()}, ${f(w)}, ${f(w)}`);
      break;
    }
    case 5:
      w.emit(`fcvt.${w.rng.pick(INT_TYPES)}.${t} ${w.rd()}, ${f(w)}${rm(w)}`);
      break;
    case 6: {
      const it = w.rng.pick(INT_TYPES);
      const src = intSource(w);
      const exact = t === 'd' && (it === 'w' || it === 'wu');
      w.emit(`fcvt.${t}.${it} ${f(w)}, ${src}${exact ? '' : rm(w)}`);
      break;
    }
    case 7:
      w.emit(w.rng.chance(0.5) ? `fcvt.s.d ${f(w)}, ${f(w)}${rm(w)}` : `fcvt.d.s ${f(w)}, ${f(w)}`);
      break;
    case 8: {
      const toInt = w.rng.chance(0.5);
      const name = t === 's' ? 'w' : 'd';
      if (toInt) w.emit(`fmv.x.${name} ${w.rd()}, ${f(w)}`);
      else w.emit(`fmv.${name}.x ${f(w)}, ${w.rng.chance(0.5) ? intSource(w) : w.rs()}`);
      break;
    }
    case 9:
      fcsrAccess(w);
      break;
    case 10: {
      const base = w.rd(false);
      const size = t === 's' ? 4 : 8;
      const skew = w.rng.chance(0.1) ? w.rng.range(1, size - 1) : 0;
      w.emit(w.li(base, w.scratchAddress(8, skew)));
      const op = w.rng.chance(0.5) ? (t === 's' ? 'flw' : 'fld') : t === 's' ? 'fsw' : 'fsd';
      w.emit(`${op} ${f(w)}, ${w.rng.range(-4, 4) * size}(${base})`);
      break;
    }
    default:
      reservedRoundingMode(w);
  }
}

/** Read or write fcsr, frm or fflags with the register and immediate forms (frm values 5..7 make `dyn` illegal). */
export function fcsrAccess(w: BodyWriter): void {
  switch (w.rng.below(7)) {
    case 0:
      w.emit(`frcsr ${w.rd()}`);
      break;
    case 1:
      w.emit(`fscsr ${w.rd()}, ${intSource(w)}`);
      break;
    case 2:
      w.emit(`fsrm ${w.rd()}, ${intSource(w)}`);
      break;
    case 3:
      w.emit(`fsflags ${w.rd()}, ${intSource(w)}`);
      break;
    case 4:
      w.emit(`fsrmi ${w.rd()}, ${w.rng.chance(0.7) ? w.rng.range(0, 4) : w.rng.range(5, 7)}`);
      break;
    case 5:
      w.emit(`fsflagsi ${w.rd()}, ${w.rng.below(32)}`);
      break;
    default:
      w.emit(`${w.rng.pick(['frrm', 'frflags'])} ${w.rd()}`);
  }
}
