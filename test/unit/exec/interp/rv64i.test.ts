import { describe, expect, it } from 'vitest';
import { HartHarness, RAM_BASE, operands, runAsm } from '../../../support/hart-harness.js';

const MASK = (1n << 64n) - 1n;
const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const sext32 = (v: bigint): bigint => u64(BigInt.asIntN(32, v));

/** BigInt references for the register-register operations (unsigned 64-bit in and out). */
const REGISTER_OPS: Record<string, (a: bigint, b: bigint) => bigint> = {
  add: (a, b) => (a + b) & MASK,
  sub: (a, b) => (a - b) & MASK,
  sll: (a, b) => (a << (b & 63n)) & MASK,
  slt: (a, b) => (s64(a) < s64(b) ? 1n : 0n),
  sltu: (a, b) => (a < b ? 1n : 0n),
  xor: (a, b) => a ^ b,
  srl: (a, b) => a >> (b & 63n),
  sra: (a, b) => u64(s64(a) >> (b & 63n)),
  or: (a, b) => a | b,
  and: (a, b) => a & b,
  addw: (a, b) => sext32(a + b),
  subw: (a, b) => sext32(a - b),
  sllw: (a, b) => sext32(a << (b & 31n)),
  srlw: (a, b) => sext32((a & 0xffffffffn) >> (b & 31n)),
  sraw: (a, b) => sext32(BigInt.asIntN(32, a) >> (b & 31n)),
};

describe('RV64I register-register operations against BigInt references', () => {
  const values = operands(1, 12);
  for (const [name, reference] of Object.entries(REGISTER_OPS)) {
    it(name, () => {
      const h = new HartHarness().load(`${name} a0, a1, a2`);
      for (const a of values) {
        for (const b of [...values, 0n, 31n, 32n, 63n, 64n + 5n]) {
          h.step({ a1: a, a2: b });
          if (h.x('a0') !== reference(a, b)) expect.fail(`${name} 0x${a.toString(16)}, 0x${b.toString(16)}: got 0x${h.x('a0').toString(16)}`);
        }
      }
      expect(h.traps).toEqual([]);
    });
  }
});

/** [instruction, a1, expected a0] */
const IMMEDIATE_CASES: ReadonlyArray<readonly [string, bigint, bigint]> = [
  ['addi a0, a1, -1', 0n, MASK],
  ['addi a0, a1, 1', 0xffffffffn, 0x100000000n],
  ['addi a0, a1, -2048', 0x100000000n, 0xfffff800n],
  ['addi a0, a1, 2047', MASK, 2046n],
  ['slti a0, a1, -1', u64(-2n), 1n],
  ['slti a0, a1, -1', 0n, 0n],
  ['sltiu a0, a1, -1', 0xfffffffffffffffen, 1n],
  ['sltiu a0, a1, -1', MASK, 0n],
  ['sltiu a0, a1, 1', 0n, 1n],
  ['xori a0, a1, -1', 0x0123456789abcdefn, u64(~0x0123456789abcdefn)],
  ['ori a0, a1, -2048', 0x1n, 0xfffffffffffff801n],
  ['andi a0, a1, -16', 0x123456789abcdeffn, 0x123456789abcdef0n],
  ['andi a0, a1, 0x7ff', MASK, 0x7ffn],
  ['slli a0, a1, 0', 0x8000000180000001n, 0x8000000180000001n],
  ['slli a0, a1, 31', 0x3n, 0x180000000n],
  ['slli a0, a1, 32', 0x80000001n, 0x8000000100000000n],
  ['slli a0, a1, 63', 0x3n, 0x8000000000000000n],
  ['srli a0, a1, 0', 0x8000000000000001n, 0x8000000000000001n],
  ['srli a0, a1, 31', 0x8000000000000000n, 0x100000000n],
  ['srli a0, a1, 32', 0x8000000100000000n, 0x80000001n],
  ['srli a0, a1, 63', 0x8000000000000000n, 1n],
  ['srai a0, a1, 0', 0x8000000000000001n, 0x8000000000000001n],
  ['srai a0, a1, 31', 0x8000000000000000n, 0xffffffff00000000n],
  ['srai a0, a1, 32', 0x8000000100000000n, 0xffffffff80000001n],
  ['srai a0, a1, 63', 0x8000000000000000n, MASK],
  ['srai a0, a1, 63', 0x7fffffffffffffffn, 0n],
  ['addiw a0, a1, 1', 0x7fffffffn, 0xffffffff80000000n],
  ['addiw a0, a1, 0', 0x1234567880000000n, 0xffffffff80000000n],
  ['addiw a0, a1, -1', 0n, MASK],
  ['slliw a0, a1, 0', 0xffffffff7fffffffn, 0x7fffffffn],
  ['slliw a0, a1, 31', 1n, 0xffffffff80000000n],
  ['slliw a0, a1, 1', 0x40000000n, 0xffffffff80000000n],
  ['srliw a0, a1, 0', 0x80000000n, 0xffffffff80000000n],
  ['srliw a0, a1, 31', 0xffffffff80000000n, 1n],
  ['srliw a0, a1, 4', 0xabcdef0080000000n, 0x08000000n],
  ['sraiw a0, a1, 0', 0x180000000n, 0xffffffff80000000n],
  ['sraiw a0, a1, 31', 0x80000000n, MASK],
  ['sraiw a0, a1, 4', 0x12345678f0000000n, 0xffffffffff000000n],
];

describe('RV64I register-immediate operations', () => {
  it.each(IMMEDIATE_CASES)('%s with a1=%s', (insn, a1, expected) => {
    const h = new HartHarness().load(insn).step({ a1 });
    expect(h.x('a0')).toBe(expected);
    expect(h.traps).toEqual([]);
  });
});

describe('upper immediates', () => {
  it.each([
    ['lui a0, 0x80000', 0xffffffff80000000n],
    ['lui a0, 0xfffff', 0xfffffffffffff000n],
    ['lui a0, 0x7ffff', 0x7ffff000n],
    ['lui a0, 0', 0n],
  ] as const)('%s', (insn, expected) => {
    expect(new HartHarness().load(insn).step().x('a0')).toBe(expected);
  });

  it.each([
    ['auipc a0, 0', BigInt(RAM_BASE)],
    ['auipc a0, 0xfffff', BigInt(RAM_BASE) - 0x1000n],
    ['auipc a0, 0x80000', u64(BigInt(RAM_BASE) - 0x80000000n)],
    ['auipc a0, 0x7ffff', BigInt(RAM_BASE) + 0x7ffff000n],
  ] as const)('%s at 0x80000000', (insn, expected) => {
    expect(new HartHarness().load(insn).step().x('a0')).toBe(expected);
  });
});

describe('x0 as destination stays zero', () => {
  it.each([
    'addi x0, a1, 5', 'add x0, a1, a1', 'lui x0, 0x12345', 'auipc x0, 1', 'slli x0, a1, 3', 'addiw x0, a1, 1',
    'mul x0, a1, a1', 'ld x0, 0(sp)', 'csrr x0, mscratch',
  ])('%s', (insn) => {
    const h = new HartHarness().load(insn);
    h.step({ a1: 0x1234n, sp: BigInt(RAM_BASE) });
    expect(h.x(0)).toBe(0n);
    expect(h.hart.x[0]).toBe(0);
    expect(h.hart.x[1]).toBe(0);
    expect(h.traps).toEqual([]);
    expect(h.hart.getPc()).toBe(BigInt(RAM_BASE) + 4n);
  });
});

/** [branch, a1, a2, taken] */
const BRANCH_CASES: ReadonlyArray<readonly [string, bigint, bigint, boolean]> = [
  ['beq', 5n, 5n, true], ['beq', 5n, 0x100000005n, false],
  ['bne', 5n, 0x100000005n, true], ['bne', MASK, MASK, false],
  ['blt', MASK, 0n, true], ['blt', 0n, MASK, false], ['blt', 0x8000000000000000n, 0x7fffffffffffffffn, true],
  ['blt', 3n, 3n, false], ['blt', 0x80000000n, 0x100000000n, true],
  ['bge', 3n, 3n, true], ['bge', MASK, 0n, false], ['bge', 0x7fffffffffffffffn, 0x8000000000000000n, true],
  ['bltu', 0n, MASK, true], ['bltu', MASK, 0n, false], ['bltu', 0xffffffffn, 0x100000000n, true],
  ['bltu', 0x100000000n, 0xffffffffn, false],
  ['bgeu', MASK, 0n, true], ['bgeu', 0n, MASK, false], ['bgeu', 7n, 7n, true],
  ['bgeu', 0x80000000n, 0x100000000n, false],
];

describe('branches', () => {
  it.each(BRANCH_CASES)('%s a1=%s a2=%s taken=%s', (branch, a1, a2, taken) => {
    const h = new HartHarness().load(`${branch} a1, a2, target\n nop\n nop\ntarget:\n nop`);
    h.step({ a1, a2 });
    expect(h.hart.getPc()).toBe(BigInt(RAM_BASE) + (taken ? 12n : 4n));
  });

  it('branches backwards with a negative offset', () => {
    const h = new HartHarness().load('j start\nback:\n wfi\nstart:\n beq zero, zero, back');
    h.run(2);
    expect(h.hart.getPc()).toBe(h.label('back'));
  });
});

describe('jumps and link values', () => {
  it('JAL links the next pc and jumps forward and back', () => {
    const h = runAsm('jal ra, fwd\n nop\nfwd:\n jal t0, 1f\n1:\n wfi');
    expect(h.x('ra')).toBe(BigInt(RAM_BASE) + 4n);
    expect(h.x('t0')).toBe(BigInt(RAM_BASE) + 12n);
  });

  it.each([
    ['jalr ra, 0(a1)', 0n, 0n],
    ['jalr ra, 1(a1)', 0n, 0n],
    ['jalr ra, 3(a1)', 0n, 2n],
    ['jalr ra, -1(a1)', 8n, 6n],
    ['jalr a1, 5(a1)', 8n, 12n],
  ] as const)('%s clears bit 0 of the target (base offset %s)', (insn, baseOffset, targetOffset) => {
    const base = BigInt(RAM_BASE) + 0x100n;
    const h = new HartHarness().load(insn).step({ a1: base + baseOffset });
    expect(h.hart.getPc()).toBe(base + targetOffset);
    const link = insn.startsWith('jalr a1') ? h.x('a1') : h.x('ra');
    expect(link).toBe(BigInt(RAM_BASE) + 4n);
  });

  it('JALR with rd == rs1 uses the old register value as base', () => {
    const h = runAsm('la t0, target\n jalr t0, 0(t0)\n nop\ntarget:\n wfi');
    expect(h.x('t0')).toBe(h.label('target') - 4n);
  });

  it('a jump to a misaligned (2-byte) target is fine with C', () => {
    const h = runAsm('la t0, target\n jalr zero, 0(t0)\n .half 0\ntarget:\n c.nop\n wfi');
    expect(h.traps).toEqual([]);
    expect(h.label('target') % 4n).toBe(2n);
    expect(h.hart.getPc()).toBe(h.label('target') + 6n);
  });
});

/** [load, stored doubleword, offset, expected] */
const LOAD_CASES: ReadonlyArray<readonly [string, bigint, number, bigint]> = [
  ['lb', 0x80n, 0, 0xffffffffffffff80n],
  ['lbu', 0x80n, 0, 0x80n],
  ['lb', 0x7f00n, 1, 0x7fn],
  ['lh', 0x8001n, 0, 0xffffffffffff8001n],
  ['lhu', 0x8001n, 0, 0x8001n],
  ['lw', 0x80000001n, 0, 0xffffffff80000001n],
  ['lwu', 0x80000001n, 0, 0x80000001n],
  ['lw', 0x7fffffff00000000n, 4, 0x7fffffffn],
  ['ld', 0x8123456789abcdefn, 0, 0x8123456789abcdefn],
  ['lhu', 0xffffffffffffffffn, 6, 0xffffn],
];

describe('loads sign- and zero-extend', () => {
  it.each(LOAD_CASES)('%s of 0x%s at +%s', (op, stored, offset, expected) => {
    const h = new HartHarness().load(`${op} a0, ${offset}(a1)`);
    const data = BigInt(RAM_BASE) + 0x800n;
    h.write(data, 8, stored).step({ a1: data });
    expect(h.x('a0')).toBe(expected);
  });
});

describe('stores write exactly their width', () => {
  it.each([
    ['sb', 0x11111111111111ffn, 0xaaaaaaaaaaaaaaffn],
    ['sh', 0x111111111111beefn, 0xaaaaaaaaaaaabeefn],
    ['sw', 0x11111111deadbeefn, 0xaaaaaaaadeadbeefn],
    ['sd', 0x0123456789abcdefn, 0x0123456789abcdefn],
  ] as const)('%s', (op, value, expected) => {
    const data = BigInt(RAM_BASE) + 0x800n;
    const h = new HartHarness().load(`${op} a2, -8(a1)`);
    h.write(data - 8n, 8, 0xaaaaaaaaaaaaaaaan).step({ a1: data, a2: value });
    expect(h.read(data - 8n, 8)).toBe(expected);
  });
});
