import { XREG, type BodyWriter } from './gen-context.js';
import { SCRATCH } from './layout.js';

const REG_OPS = [
  'add', 'sub', 'sll', 'slt', 'sltu', 'xor', 'srl', 'sra', 'or', 'and', 'addw', 'subw', 'sllw', 'srlw', 'sraw',
  'mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu', 'mulw', 'divw', 'divuw', 'remw', 'remuw',
] as const;
const IMM_OPS = ['addi', 'slti', 'sltiu', 'xori', 'ori', 'andi', 'addiw'] as const;
const SHIFT_OPS: ReadonlyArray<readonly [string, number]> = [
  ['slli', 63], ['srli', 63], ['srai', 63], ['slliw', 31], ['srliw', 31], ['sraiw', 31],
];
const DIVISION_OPS = ['div', 'divu', 'rem', 'remu', 'divw', 'divuw', 'remw', 'remuw'] as const;
const LOADS: ReadonlyArray<readonly [string, number]> = [
  ['lb', 1], ['lbu', 1], ['lh', 2], ['lhu', 2], ['lw', 4], ['lwu', 4], ['ld', 8],
];
const STORES: ReadonlyArray<readonly [string, number]> = [['sb', 1], ['sh', 2], ['sw', 4], ['sd', 8]];
const BRANCHES = ['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu'] as const;
const AMO_OPS = ['amoswap', 'amoadd', 'amoxor', 'amoand', 'amoor', 'amomin', 'amomax', 'amominu', 'amomaxu'] as const;
const ORDERING = ['', '.aq', '.rl', '.aqrl'] as const;

/** One register-register, register-immediate or shift operation, or an lui/auipc. */
export function aluOp(w: BodyWriter, exclude: readonly number[] = []): void {
  const rd = w.rd(true, exclude);
  switch (w.rng.below(6)) {
    case 0:
    case 1:
      w.emit(`${w.rng.pick(REG_OPS)} ${rd}, ${w.rs()}, ${w.rs()}`);
      break;
    case 2:
      w.emit(`${w.rng.pick(IMM_OPS)} ${rd}, ${w.rs()}, ${w.imm(12)}`);
      break;
    case 3: {
      const [op, max] = w.rng.pick(SHIFT_OPS);
      w.emit(`${op} ${rd}, ${w.rs()}, ${w.rng.chance(0.3) ? max : w.rng.range(0, max)}`);
      break;
    }
    case 4:
      w.emit(`${w.rng.pick(['lui', 'auipc'])} ${rd}, ${w.rng.below(1 << 20)}`);
      break;
    default: {
      const a = w.rd(false, exclude);
      const b = w.rd(false, exclude);
      w.emit(w.li(a, w.value()), w.li(b, w.rng.chance(0.3) ? w.rng.pick([0n, -1n, 1n]) : w.value()));
      w.emit(`${w.rng.pick(w.rng.chance(0.5) ? DIVISION_OPS : REG_OPS)} ${rd}, ${a}, ${b}`);
    }
  }
}

/** A load or store at a (possibly misaligned) scratch address through a freshly set base register. */
export function memoryOp(w: BodyWriter, misalignedChance = 0.15): void {
  const base = w.rd(false);
  const store = w.rng.chance(0.5);
  const [op, size] = w.rng.pick(store ? STORES : LOADS);
  const skew = size > 1 && w.rng.chance(misalignedChance) ? w.rng.range(1, size - 1) : 0;
  const offset = w.rng.range(-8, 8) * size;
  w.emit(w.li(base, w.scratchAddress(Math.max(size, 8), skew) - BigInt(offset)));
  if (store) w.emit(`${op} ${w.rs()}, ${offset}(${base})`);
  else w.emit(`${op} ${w.rd()}, ${offset}(${base})`);
}

/** A forward conditional branch over a few operations, or a jal/jalr to a forward label. */
export function controlFlow(w: BodyWriter): void {
  const target = w.label();
  const kind = w.rng.below(4);
  if (kind <= 1) w.emit(`${w.rng.pick(BRANCHES)} ${w.rs()}, ${w.rs()}, ${target}`);
  else if (kind === 2) w.emit(`jal ${w.rd()}, ${target}`);
  else {
    const link = w.rd(false);
    w.emit(`la ${link}, ${target}`, `jalr ${w.rd()}, 0(${link})`);
  }
  for (let i = w.rng.range(1, 3); i > 0; i--) aluOp(w);
  w.emit(`${target}:`);
}

/** A bounded backward loop: a counter register counts down from 1..8 around a few ALU operations. */
export function countedLoop(w: BodyWriter): void {
  const counter = w.rd(false);
  const top = w.label();
  w.emit(`li ${counter}, ${w.rng.range(1, 8)}`, `${top}:`);
  for (let i = w.rng.range(1, 4); i > 0; i--) aluOp(w, [xIndex(counter)]);
  w.emit(`addi ${counter}, ${counter}, -1`, `bnez ${counter}, ${top}`);
}

/** An AMO (.w or .d, any ordering bits) on an aligned scratch word, sometimes misaligned (a trap). */
export function amoOp(w: BodyWriter): void {
  const base = w.rd(false);
  const width = w.rng.chance(0.5) ? 'w' : 'd';
  const size = width === 'w' ? 4 : 8;
  const skew = w.rng.chance(0.1) ? w.rng.range(1, size - 1) : 0;
  w.emit(w.li(base, w.scratchAddress(8, skew)));
  w.emit(`${w.rng.pick(AMO_OPS)}.${width}${w.rng.pick(ORDERING)} ${w.rd()}, ${w.rs()}, (${base})`);
}

/**
 * LR/SC pairs on the paths the ISA defines: success (LR then SC to the same
 * address with only ALU work between), failure by a second SC without a new LR,
 * failure by an SC outside the reservation (4 KiB away); sometimes a lone LR
 * or SC that faults (access fault at an unmapped address, or misaligned).
 */
export function lrScOp(w: BodyWriter): void {
  const width = w.rng.chance(0.5) ? 'w' : 'd';
  const base = w.rd(false);
  if (w.rng.chance(0.1)) {
    w.emit(w.li(base, w.rng.pick([0x0n, 0x8800_0000n, SCRATCH + 0x102n])));
    w.emit(w.rng.chance(0.5) ? `lr.${width} ${w.rd()}, (${base})` : `sc.${width} ${w.rd()}, ${w.rs()}, (${base})`);
    return;
  }
  const address = SCRATCH + BigInt(64 + w.rng.below(64) * 8);
  w.emit(w.li(base, address));
  const baseIndex = xIndex(base);
  const loaded = w.rd(true, [baseIndex]);
  w.emit(`lr.${width}${w.rng.pick(ORDERING)} ${loaded}, (${base})`);
  const path = w.rng.below(3);
  if (path === 2) {
    const far = w.rd(false, [baseIndex]);
    w.emit(`addi ${far}, ${base}, 2047`, `addi ${far}, ${far}, 2047`, `addi ${far}, ${far}, 2`);
    w.emit(`sc.${width} ${w.rd()}, ${w.rs()}, (${far})`);
    return;
  }
  for (let i = w.rng.range(0, 2); i > 0; i--) aluOp(w, [baseIndex]);
  w.emit(`sc.${width}${w.rng.pick(ORDERING)} ${w.rd(true, [baseIndex])}, ${w.rs()}, (${base})`);
  if (path === 1) w.emit(`sc.${width} ${w.rd()}, ${w.rs()}, (${base})`);
}

/** Index of an ABI register name (`a0` → 10). */
export function xIndex(name: string): number {
  return XREG.indexOf(name as (typeof XREG)[number]);
}
