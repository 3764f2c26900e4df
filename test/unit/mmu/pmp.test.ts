import { describe, expect, it } from 'vitest';
import { CAUSE, MSTATUS, PRIV_M, PRIV_S, PRIV_U } from '../../../src/cpu/constants.js';
import { HartHarness, RAM_BASE, runAsm } from '../../support/hart-harness.js';

const BASE = BigInt(RAM_BASE);
const DATA = BASE + 0x8000n;
const R = 1, W = 2, X = 4, L = 0x80;
const TOR = 1 << 3, NA4 = 2 << 3, NAPOT = 3 << 3;
const ALL = (1n << 54n) - 1n;

/** pmpaddr for a NAPOT region of `size` bytes (a power of two >= 8) at `base`. */
function napot(base: bigint, size: bigint): bigint {
  return (base >> 2n) | ((size >> 3n) - 1n);
}

/**
 * A harness running `insn` once at `priv` with the given PMP entries (entry 0
 * replaced; code stays executable through the last entry when `codeEntry`).
 */
function withPmp(insn: string, priv: number, entries: ReadonlyArray<readonly [number, bigint]>, codeEntry = true): HartHarness {
  const h = new HartHarness().load(insn);
  h.setPmp(0, 0, 0n);
  entries.forEach(([config, address], i) => h.setPmp(i, config, address));
  if (codeEntry) h.setPmp(15, NAPOT | R | W | X, napot(BASE, 0x4000n));
  h.hart.priv = priv;
  h.hart.onPrivilegeChange();
  return h;
}

/** [what, instruction, address, privilege, entries, fault cause or -1] */
const PMP_CASES: ReadonlyArray<readonly [string, string, bigint, number, ReadonlyArray<readonly [number, bigint]>, number]> = [
  ['S load with no matching entry', 'ld a0, 0(a1)', DATA, PRIV_S, [], CAUSE.LOAD_ACCESS],
  ['U store with no matching entry', 'sd a0, 0(a1)', DATA, PRIV_U, [], CAUSE.STORE_ACCESS],
  ['M load with no matching entry', 'ld a0, 0(a1)', DATA, PRIV_M, [], -1],
  ['TOR read-only: load', 'ld a0, 0(a1)', DATA, PRIV_S, [[0, DATA >> 2n], [TOR | R, (DATA + 0x1000n) >> 2n]], -1],
  ['TOR read-only: store', 'sd a0, 0(a1)', DATA, PRIV_S, [[0, DATA >> 2n], [TOR | R, (DATA + 0x1000n) >> 2n]], CAUSE.STORE_ACCESS],
  ['TOR: just past the top', 'lw a0, 0(a1)', DATA + 0x1000n, PRIV_S, [[0, DATA >> 2n], [TOR | R, (DATA + 0x1000n) >> 2n]], CAUSE.LOAD_ACCESS],
  ['TOR entry 0 starts at 0', 'ld a0, 0(a1)', DATA, PRIV_S, [[TOR | R | X, (DATA + 8n) >> 2n]], -1],
  ['NA4: a word inside', 'lw a0, 0(a1)', DATA, PRIV_U, [[NA4 | R, DATA >> 2n]], -1],
  ['NA4: a doubleword only partly inside', 'ld a0, 0(a1)', DATA, PRIV_U, [[NA4 | R, DATA >> 2n]], CAUSE.LOAD_ACCESS],
  ['NAPOT 8 bytes', 'ld a0, 0(a1)', DATA, PRIV_S, [[NAPOT | R, napot(DATA, 8n)]], -1],
  ['NAPOT 4 KiB, last byte', 'lb a0, 0(a1)', DATA + 0xfffn, PRIV_S, [[NAPOT | R, napot(DATA, 0x1000n)]], -1],
  ['NAPOT 4 KiB, first byte after', 'lb a0, 0(a1)', DATA + 0x1000n, PRIV_S, [[NAPOT | R, napot(DATA, 0x1000n)]], CAUSE.LOAD_ACCESS],
  ['NAPOT everything, execute only', 'ld a0, 0(a1)', DATA, PRIV_S, [[NAPOT | X, ALL]], CAUSE.LOAD_ACCESS],
  ['a partial match is denied even in M', 'ld a0, 0(a1)', DATA + 4n, PRIV_M, [[NAPOT | R | W, napot(DATA, 8n)]], CAUSE.LOAD_ACCESS],
  ['the lowest entry wins', 'sd a0, 0(a1)', DATA, PRIV_S, [[NAPOT | R, napot(DATA, 0x1000n)], [NAPOT | R | W | X, ALL]], CAUSE.STORE_ACCESS],
  ['unlocked entries do not apply to M', 'sd a0, 0(a1)', DATA, PRIV_M, [[NAPOT, napot(DATA, 0x1000n)]], -1],
  ['locked entries apply to M: store to read-only', 'sd a0, 0(a1)', DATA, PRIV_M, [[L | NAPOT | R, napot(DATA, 0x1000n)]], CAUSE.STORE_ACCESS],
  ['locked entries apply to M: load allowed', 'ld a0, 0(a1)', DATA, PRIV_M, [[L | NAPOT | R, napot(DATA, 0x1000n)]], -1],
  ['an AMO needs W', 'amoadd.w a0, a0, (a1)', DATA, PRIV_S, [[NAPOT | R, napot(DATA, 0x1000n)]], CAUSE.STORE_ACCESS],
];

describe('PMP checks on loads and stores', () => {
  it.each(PMP_CASES)('%s', (_what, insn, address, priv, entries, cause) => {
    const h = withPmp(insn, priv, entries).step({ a1: address });
    if (cause < 0) expect(h.traps).toEqual([]);
    else expect(h.onlyTrap()).toMatchObject({ cause, tval: address });
  });

  it('a cached translation does not outlive a PMP change', () => {
    const h = withPmp('ld a0, 0(a1)', PRIV_S, [[NAPOT | R, napot(DATA, 0x1000n)]]);
    h.step({ a1: DATA });
    expect(h.traps).toEqual([]);
    h.setPmp(0, NAPOT, napot(DATA, 0x1000n)).step({ a1: DATA });
    expect(h.onlyTrap().cause).toBe(CAUSE.LOAD_ACCESS);
  });

  it('a region smaller than a page is checked on every access, not cached per page', () => {
    const h = withPmp('ld a0, 0(a1)', PRIV_S, [[NAPOT | R, napot(DATA, 8n)]]);
    h.step({ a1: DATA });
    h.step({ a1: DATA + 8n });
    expect(h.onlyTrap()).toMatchObject({ cause: CAUSE.LOAD_ACCESS, tval: DATA + 8n });
  });
});

describe('PMP checks on fetches and page-table walks', () => {
  it('S fetch with no matching entry is an instruction access fault', () => {
    const h = withPmp('nop', PRIV_S, [], false);
    h.run(1);
    expect(h.traps[0]).toMatchObject({ cause: CAUSE.FETCH_ACCESS, tval: BASE, fromPriv: PRIV_S });
  });

  it('fetch from a region without X', () => {
    const h = withPmp('nop', PRIV_U, [[NAPOT | R | W, napot(BASE, 0x4000n)]], false);
    h.run(1);
    expect(h.traps[0]).toMatchObject({ cause: CAUSE.FETCH_ACCESS });
  });

  it.each([
    ['denied', NAPOT, CAUSE.LOAD_ACCESS],
    ['allowed', NAPOT | R, -1],
  ] as const)('a page-table walk PMP has %s reads the PTE or faults with the access type', (_what, tableConfig, cause) => {
    const h = withPmp('ld a0, 0(a1)', PRIV_M, [[tableConfig, napot(DATA, 0x1000n)], [NAPOT | R | W, ALL]]);
    h.write(DATA + 8n, 8, ((BASE >> 12n) << 10n) | 0xcfn);
    h.write(BASE + 0x10000n, 8, 0x5an);
    h.hart.satp = (8n << 60n) | (DATA >> 12n);
    h.hart.mstatus |= MSTATUS.MPRV | (PRIV_S << MSTATUS.MPP_SHIFT);
    h.hart.onPrivilegeChange();
    h.hart.flushTranslations();
    h.step({ a1: 0x40010000n });
    if (cause < 0) expect(h.x('a0')).toBe(0x5an);
    else expect(h.onlyTrap()).toMatchObject({ cause, tval: 0x40010000n });
  });
});

describe('locked PMP registers', () => {
  it('a locked pmpcfg byte and its pmpaddr ignore writes', () => {
    const h = runAsm([
      'li t0, 0x1000',
      'csrw pmpaddr0, t0',
      'li t0, 0x99',
      'csrw pmpcfg0, t0',
      'li t0, 0x2000',
      'csrw pmpaddr0, t0',
      'csrw pmpcfg0, zero',
      'csrr a0, pmpaddr0',
      'csrr a1, pmpcfg0',
      'wfi',
    ].join('\n'), (hh) => hh.setPmp(0, 0, 0n));
    expect(h.x('a0')).toBe(0x1000n);
    expect(h.x('a1')).toBe(0x99n);
  });

  it('a locked TOR entry also locks the pmpaddr below it', () => {
    const h = runAsm([
      'li t0, 0x1000',
      'csrw pmpaddr0, t0',
      'li t0, 0x8900',
      'csrw pmpcfg0, t0',
      'li t0, 0x3000',
      'csrw pmpaddr0, t0',
      'csrr a0, pmpaddr0',
      'csrr a1, pmpcfg0',
      'wfi',
    ].join('\n'), (hh) => hh.setPmp(0, 0, 0n));
    expect(h.x('a0')).toBe(0x1000n);
    expect(h.x('a1')).toBe(0x8900n);
  });

  it('odd pmpcfg CSRs do not exist on RV64', () => {
    const h = runAsm('csrr a0, pmpcfg1');
    expect(h.onlyTrap().cause).toBe(CAUSE.ILLEGAL_INSTRUCTION);
  });

  it('pmpaddr keeps 54 bits', () => {
    const h = runAsm('li t0, -1\n csrw pmpaddr3, t0\n csrr a0, pmpaddr3\n wfi');
    expect(h.x('a0')).toBe(ALL);
  });
});

describe('physical addresses with nothing behind them', () => {
  it.each([
    ['load', 'ld a0, 0(a1)', 0x1000n, CAUSE.LOAD_ACCESS],
    ['store', 'sd a0, 0(a1)', 0x1000n, CAUSE.STORE_ACCESS],
    ['AMO', 'amoor.d a0, a0, (a1)', 0x1000n, CAUSE.STORE_ACCESS],
    ['LR', 'lr.w a0, (a1)', 0x1000n, CAUSE.LOAD_ACCESS],
    ['load past the end of RAM', 'lw a0, 0(a1)', BASE + 0x100000n, CAUSE.LOAD_ACCESS],
    ['load above 2^56', 'ld a0, 0(a1)', 0x100000000000000n, CAUSE.LOAD_ACCESS],
    ['store to a negative address', 'sd a0, 0(a1)', 0xfffffffffffff000n, CAUSE.STORE_ACCESS],
  ] as const)('%s at 0x%s is an access fault in M-mode', (_what, insn, address, cause) => {
    const h = new HartHarness().load(insn).step({ a1: address });
    expect(h.onlyTrap()).toMatchObject({ cause, tval: address });
  });

  it.each([0x2000n, 0x8000000000000000n, 0xfffffffffffffffen, 0x0020000000000002n])('a jump to unmapped 0x%s is an instruction access fault with epc = tval = target', (target) => {
    const h = new HartHarness().load('jr a1').step({ a1: target });
    h.run(1);
    expect(h.traps[0]).toMatchObject({ cause: CAUSE.FETCH_ACCESS, tval: target, epc: target });
    expect(h.hart.mepc).toBe(target);
  });

  it('M-mode with MPRV and MPP = U is subject to PMP', () => {
    const h = withPmp('ld a0, 0(a1)', PRIV_M, []);
    h.hart.mstatus |= MSTATUS.MPRV;
    h.hart.onPrivilegeChange();
    h.step({ a1: DATA });
    expect(h.onlyTrap()).toMatchObject({ cause: CAUSE.LOAD_ACCESS, tval: DATA });
  });
});
