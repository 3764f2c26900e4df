import { describe, expect, it } from 'vitest';
import { CAUSE } from '../../../../src/cpu/constants.js';
import { HartHarness, RAM_BASE, runAsm } from '../../../support/hart-harness.js';

const MASK = (1n << 64n) - 1n;
const DATA = BigInt(RAM_BASE) + 0x1000n;
const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);

/** What each AMO stores, given the old memory value and rs2 (both as signed 64-bit). */
const AMO_RESULTS: Record<string, (old: bigint, src: bigint) => bigint> = {
  amoswap: (_old, src) => src,
  amoadd: (old, src) => old + src,
  amoxor: (old, src) => old ^ src,
  amoand: (old, src) => old & src,
  amoor: (old, src) => old | src,
  amomin: (old, src) => (old < src ? old : src),
  amomax: (old, src) => (old > src ? old : src),
  amominu: (old, src) => (u64(old) < u64(src) ? old : src),
  amomaxu: (old, src) => (u64(old) > u64(src) ? old : src),
};

/** Operand pairs where signed and unsigned order disagree, and plain ones. */
const AMO_OPERANDS: ReadonlyArray<readonly [bigint, bigint]> = [
  [5n, 9n],
  [0xffffffffffffffffn, 1n],
  [0x8000000000000000n, 0x7fffffffffffffffn],
  [0x80000000n, 0x7fffffffn],
  [0xffffffff80000000n, 0x12345678n],
  [0x00000000fffffff0n, 0xffffffff0000000fn],
];

describe('every AMO, word and doubleword', () => {
  for (const [name, result] of Object.entries(AMO_RESULTS)) {
    it.each(AMO_OPERANDS)(`${name}.d memory=0x%s rs2=0x%s`, (old, src) => {
      const h = new HartHarness().load(`${name}.d a0, a2, (a1)`);
      h.write(DATA, 8, old).step({ a1: DATA, a2: src });
      expect(h.x('a0')).toBe(old);
      expect(h.read(DATA, 8)).toBe(u64(result(s64(old), s64(src))));
    });

    it.each(AMO_OPERANDS)(`${name}.w memory=0x%s rs2=0x%s (low words)`, (oldWide, src) => {
      const old = oldWide & 0xffffffffn;
      const h = new HartHarness().load(`${name}.w a0, a2, (a1)`);
      h.write(DATA, 8, 0xa5a5a5a500000000n | old).step({ a1: DATA, a2: src });
      expect(h.x('a0')).toBe(u64(BigInt.asIntN(32, old)));
      const stored = BigInt.asUintN(32, result(BigInt.asIntN(32, old), BigInt.asIntN(32, src)));
      expect(h.read(DATA, 8)).toBe(0xa5a5a5a500000000n | stored);
    });
  }
});

/**
 * dejavm follows the spec here: AMO exceptions are store/AMO ones (6, 7, 15).
 * QEMU 7.2 with one hart reports them as load exceptions (its non-parallel AMO
 * loads first); test/conformance/diff/quirks.ts accepts exactly that difference.
 */
describe('misaligned atomics', () => {
  it.each([
    ['amoadd.w', DATA + 2n, CAUSE.MISALIGNED_STORE],
    ['amoswap.d', DATA + 4n, CAUSE.MISALIGNED_STORE],
    ['amomaxu.d', DATA + 1n, CAUSE.MISALIGNED_STORE],
    ['lr.w', DATA + 1n, CAUSE.MISALIGNED_LOAD],
    ['lr.d', DATA + 4n, CAUSE.MISALIGNED_LOAD],
  ] as const)('%s at 0x%s traps with cause %s and tval = address', (op, address, cause) => {
    const source = op.startsWith('lr') ? `${op} a0, (a1)` : `${op} a0, a2, (a1)`;
    const h = new HartHarness().load(source);
    h.write(DATA, 8, 0x1111111111111111n).step({ a1: address, a2: 5n, a0: 0x77n });
    const trap = h.onlyTrap();
    expect(trap.cause).toBe(cause);
    expect(trap.tval).toBe(address);
    expect(h.x('a0')).toBe(0x77n);
    expect(h.read(DATA, 8)).toBe(0x1111111111111111n);
  });

  it('a misaligned SC fails without trapping: QEMU compares with the reservation first', () => {
    const h = runAsm('lr.d a0, (a1)\n addi a1, a1, 4\n sc.d a3, a2, (a1)\n wfi', (hh) => {
      hh.write(DATA, 8, 10n).setX('a1', DATA).setX('a2', 99n);
    });
    expect(h.traps).toEqual([]);
    expect(h.x('a3')).toBe(1n);
    expect(h.read(DATA, 8)).toBe(10n);
  });
});

describe('LR/SC', () => {
  it('SC succeeds after LR to the same address, writes memory and returns 0', () => {
    const h = runAsm('lr.d a0, (a1)\n addi a0, a0, 1\n sc.d a3, a0, (a1)\n wfi', (hh) => {
      hh.write(DATA, 8, 41n).setX('a1', DATA);
    });
    expect(h.x('a3')).toBe(0n);
    expect(h.read(DATA, 8)).toBe(42n);
  });

  it('LR.W sign-extends and SC.W stores a word', () => {
    const h = runAsm('lr.w a0, (a1)\n sc.w a3, a2, (a1)\n wfi', (hh) => {
      hh.write(DATA, 8, 0x1111111180000000n).setX('a1', DATA).setX('a2', 0x7fn);
    });
    expect(h.x('a0')).toBe(0xffffffff80000000n);
    expect(h.x('a3')).toBe(0n);
    expect(h.read(DATA, 8)).toBe(0x111111110000007fn);
  });

  it.each([
    ['without any LR', 'sc.d a3, a2, (a1)', 10n],
    ['to a different address', 'lr.d a0, (a4)\n sc.d a3, a2, (a1)', 10n],
    ['a second time', 'lr.d a0, (a1)\n sc.d a3, a5, (a1)\n sc.d a3, a2, (a1)', 11n],
    ['after the reserved value changed', 'lr.d a0, (a1)\n sd a5, 0(a1)\n sc.d a3, a2, (a1)', 11n],
    ['after a trap in between', 'lr.d a0, (a1)\n la t0, 1f\n csrw mtvec, t0\n ecall\n1:\n sc.d a3, a2, (a1)', 10n],
  ] as const)('SC fails %s: returns 1 and does not store', (_what, body, memory) => {
    const h = runAsm(`${body}\n wfi`, (hh) => {
      hh.write(DATA, 8, 10n).setX('a1', DATA).setX('a2', 99n).setX('a4', DATA + 8n).setX('a5', 11n);
    });
    expect(h.x('a3')).toBe(1n);
    expect(h.read(DATA, 8)).toBe(memory);
  });
});

describe('AMO results land in rd even when rd is rs2', () => {
  it('amoadd.d a2, a2, (a1)', () => {
    const h = new HartHarness().load('amoadd.d a2, a2, (a1)');
    h.write(DATA, 8, 100n).step({ a1: DATA, a2: 5n });
    expect(h.x('a2')).toBe(100n);
    expect(h.read(DATA, 8)).toBe(105n);
  });

  it('amoswap.w with rd = x0 still swaps', () => {
    const h = new HartHarness().load('amoswap.w x0, a2, (a1)');
    h.write(DATA, 4, 1n).step({ a1: DATA, a2: MASK });
    expect(h.read(DATA, 4)).toBe(0xffffffffn);
    expect(h.x(0)).toBe(0n);
  });
});
