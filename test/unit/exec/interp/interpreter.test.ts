import { describe, expect, it } from 'vitest';
import { CAUSE, IRQ, MSTATUS, PRIV_M } from '../../../../src/cpu/constants.js';
import { ExitReason } from '../../../../src/exec/backend.js';
import { Prng } from '../../../conformance/diff/prng.js';
import { HartHarness, RAM_BASE, TRAP_STORM, runAsm } from '../../../support/hart-harness.js';

const BASE = BigInt(RAM_BASE);

describe('exact budget', () => {
  it.each([1, 2, 3, 7, 100, 1000])('run(h, %s) retires exactly that many instructions', (budget) => {
    const h = new HartHarness().load('loop:\n addi a0, a0, 1\n c.addi a1, 1\n j loop');
    expect(h.run(budget)).toBe(ExitReason.BUDGET);
    expect(h.hart.icount).toBe(budget);
    expect(h.x('a0')).toBe(BigInt(Math.ceil(budget / 3)));
  });

  it('consecutive runs add up and stop at the same place as one run', () => {
    const source = 'li a0, 0\nloop:\n addi a0, a0, 3\n slli a1, a0, 1\n bnez a0, loop';
    const once = new HartHarness().load(source);
    once.run(1001);
    const pieces = new HartHarness().load(source);
    for (const piece of [1, 10, 90, 400, 500]) pieces.run(piece);
    expect(pieces.hart.icount).toBe(1001);
    expect(pieces.hart.getPc()).toBe(once.hart.getPc());
    expect(pieces.x('a0')).toBe(once.x('a0'));
    expect(pieces.x('a1')).toBe(once.x('a1'));
  });

  it('a trapping instruction does not retire; the handler\'s instructions do', () => {
    const h = new HartHarness().load('ecall\n nop\nhandler:\n nop\n nop\n nop');
    h.hart.mtvec = h.label('handler');
    h.run(2);
    expect(h.hart.icount).toBe(2);
    expect(h.hart.getPc()).toBe(h.label('handler') + 8n);
  });

  it('an interrupt is taken at the boundary and does not count', () => {
    const h = new HartHarness().load('nop\n nop\nhandler:\n nop\n nop');
    h.hart.mtvec = h.label('handler');
    h.hart.mie = IRQ.MTI;
    h.hart.mstatus |= MSTATUS.MIE;
    h.run(1);
    h.hart.setPending(IRQ.MTI, true);
    h.run(1);
    expect(h.hart.icount).toBe(2);
    expect(h.hart.getPc()).toBe(h.label('handler') + 4n);
    expect(h.onlyTrap()).toMatchObject({ interrupt: true, icount: 1, epc: BASE + 4n });
  });

  it('a stop request ends the run at the next boundary', () => {
    const h = new HartHarness().load('loop:\n j loop');
    h.run(5);
    h.hart.stopRequest = true;
    h.hart.interruptCheck = true;
    expect(h.run(100)).toBe(ExitReason.STOP);
    expect(h.hart.icount).toBe(5);
  });
});

describe('self-modifying code', () => {
  it('a store over an instruction already executed changes what runs next time', () => {
    const h = runAsm([
      '  li s0, 2',
      'again:',
      'patched:',
      '  addi a0, a0, 1',
      '  la t0, patched',
      '  la t2, replacement',
      '  lw t1, 0(t2)',
      '  sw t1, 0(t0)',
      '  addi s0, s0, -1',
      '  bnez s0, again',
      '  wfi',
      'replacement:',
      '  addi a0, a0, 100',
    ].join('\n'));
    expect(h.x('a0')).toBe(101n);
  });

  it('a 2-byte store over the upper half of a 4-byte instruction is seen (new immediate)', () => {
    const h = runAsm([
      '  li s0, 2',
      'again:',
      'patched:',
      '  addi a0, a0, 1',
      '  la t0, patched',
      '  li t1, 0x7ff5',
      '  sh t1, 2(t0)',
      '  addi s0, s0, -1',
      '  bnez s0, again',
      '  wfi',
    ].join('\n'));
    expect(h.x('a0')).toBe(1n + 0x7ffn);
  });

  it('a compressed instruction replaced by a store just before it runs', () => {
    const h = runAsm([
      '  la t0, target',
      '  li t1, 0x0505',
      '  sh t1, 0(t0)',
      'target:',
      '  c.nop',
      '  wfi',
    ].join('\n'));
    expect(h.x('a0')).toBe(1n);
  });

  it('an AMO over code already executed is seen', () => {
    const h = runAsm([
      '  li s0, 2',
      'again:',
      'patched:',
      '  addi a0, a0, 1',
      '  addi a1, a1, 1',
      '  la t0, patched',
      '  li t1, 0x100000',
      '  amoadd.w zero, t1, (t0)',
      '  addi s0, s0, -1',
      '  bnez s0, again',
      '  wfi',
    ].join('\n'));
    expect(h.x('a0')).toBe(1n + 2n);
  });

  it('code written by the host loader (ram.load) replaces cached code', () => {
    const h = new HartHarness().load('addi a0, a0, 1\n wfi');
    h.run(1);
    h.write(RAM_BASE, 4, 0x00a50513n);
    h.hart.pc = RAM_BASE;
    h.run(1);
    expect(h.x('a0')).toBe(1n + 10n);
  });
});

describe('misaligned accesses succeed in bare mode', () => {
  it.each([
    ['lh', 0x1n, 2], ['lhu', 0xfffn, 2], ['lw', 0x3n, 4], ['lw', 0xffen, 4], ['lwu', 0xffdn, 4],
    ['ld', 0x5n, 8], ['ld', 0xffbn, 8], ['ld', 0xfffn, 8],
  ] as const)('%s at page offset 0x%s', (op, offset, size) => {
    const page = BASE + 0x3000n;
    const h = new HartHarness().load(`${op} a0, 0(a1)`);
    for (let i = 0n; i < 0x2000n; i += 1n) h.write(page + i, 1, (i * 37n + 0x81n) & 0xffn);
    h.step({ a1: page + offset });
    expect(h.traps).toEqual([]);
    const raw = h.read(page + offset, size);
    const expected = op.endsWith('u') || op === 'ld' ? raw : BigInt.asUintN(64, BigInt.asIntN(8 * size, raw));
    expect(h.x('a0')).toBe(expected);
  });

  it.each([
    ['sh', 0xfffn, 2],
    ['sw', 0xffdn, 4],
    ['sd', 0xff9n, 8],
    ['sd', 0x3n, 8],
  ] as const)('%s at +0x%s (across a page boundary when near 0x1000)', (op, offset, size) => {
    const page = BASE + 0x3000n;
    const h = new HartHarness().load(`${op} a0, 0(a1)`);
    h.step({ a1: page + offset, a0: 0x8877665544332211n });
    expect(h.traps).toEqual([]);
    const mask = (1n << BigInt(8 * size)) - 1n;
    let value = 0n;
    for (let i = size - 1; i >= 0; i--) value = (value << 8n) | h.read(page + offset + BigInt(i), 1);
    expect(value).toBe(0x8877665544332211n & mask);
  });

  it('a misaligned doubleword store over cached code invalidates it', () => {
    const h = runAsm([
      '  li s0, 2',
      'again:',
      '  addi a0, a0, 1',
      'patched:',
      '  addi a1, a1, 1',
      '  la t0, patched',
      '  ld t1, -2(t0)',
      '  li t2, 0xffffffff',
      '  slli t2, t2, 16',
      '  not t2, t2',
      '  and t1, t1, t2',
      '  la t3, replacement',
      '  lwu t3, 0(t3)',
      '  slli t3, t3, 16',
      '  or t1, t1, t3',
      '  sd t1, -2(t0)',
      '  addi s0, s0, -1',
      '  bnez s0, again',
      '  wfi',
      'replacement:',
      '  addi a1, a1, 100',
    ].join('\n'));
    expect(h.x('a0')).toBe(2n);
    expect(h.x('a1')).toBe(101n);
  });
});

describe('a guest never raises a host exception', () => {
  it('random bytes as code, in M, S and U, with random CSR state, for many seeds', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const prng = new Prng(seed);
      const h = new HartHarness({ ramSize: 64 * 1024 });
      const bytes = new Uint8Array(16 * 1024);
      for (let i = 0; i < bytes.length; i += 4) new DataView(bytes.buffer).setUint32(i, prng.next32(), true);
      h.ram.load(RAM_BASE, bytes);
      h.hart.pc = RAM_BASE + 4 * prng.below(1024);
      h.hart.priv = prng.pick([0, 1, PRIV_M]);
      h.hart.mtvec = BASE + BigInt(4 * prng.below(2048));
      h.hart.stvec = BASE + BigInt(4 * prng.below(2048));
      h.hart.mstatus = prng.next32() & 0x7e19aa;
      h.hart.satp = prng.chance(0.5) ? (8n << 60n) | BigInt(0x80000 + prng.below(16)) : 0n;
      h.hart.medeleg = prng.next32() & 0xb3ff;
      h.hart.pmpcfg[0] = 0x1f;
      h.hart.pmpaddr[0] = (1n << 54n) - 1n;
      h.hart.onPmpChange();
      h.hart.onPrivilegeChange();
      for (let r = 1; r < 32; r++) h.setX(r, prng.chance(0.5) ? BASE + BigInt(prng.below(0x10000)) : prng.next64());
      expect(() => h.run(5000), `seed ${seed}`).not.toThrow();
    }
  });
});

describe('a trap loop that never retires', () => {
  it('ends the run with TRAP_LOOP (an illegal instruction at the trap vector)', () => {
    const h = new HartHarness().load('.word 0');
    h.hart.mtvec = BASE;
    expect(h.run(100)).toBe(ExitReason.TRAP_LOOP);
    expect(h.hart.icount).toBe(0);
    expect(h.traps.length).toBeLessThanOrEqual(100);
    expect(h.traps[0]).toMatchObject({ cause: CAUSE.ILLEGAL_INSTRUCTION });
    expect(h.traps.length).toBeLessThan(TRAP_STORM);
  });
});
