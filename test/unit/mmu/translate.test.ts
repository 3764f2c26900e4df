import { describe, expect, it } from 'vitest';
import { CAUSE, MSTATUS, PRIV_M, PRIV_S, PRIV_U } from '../../../src/cpu/constants.js';
import { HartHarness, RAM_BASE } from '../../support/hart-harness.js';

const V = 1n, R = 2n, W = 4n, X = 8n, U = 16n, A = 64n, D = 128n;
const RWX = R | W | X | A | D;
const BASE = BigInt(RAM_BASE);
/** Data the tests load through translations (physical). */
const DATA = BASE + 0x10000n;
const SV39 = 8n, SV48 = 9n;

/** Builds Sv39/Sv48 page tables in the harness's RAM, from a bump allocator at `start` (default +2 MiB). */
class PageTables {
  readonly root: bigint;

  constructor(private readonly h: HartHarness, readonly levels: 3 | 4, private next = BASE + 0x200000n) {
    this.root = this.allocate();
  }

  private allocate(): bigint {
    const page = this.next;
    this.next += 0x1000n;
    for (let i = 0n; i < 0x1000n; i += 8n) this.h.write(page + i, 8, 0n);
    return page;
  }

  /** Address of the PTE for `va` at `level` (0 = 4 KiB leaf), creating tables on the way. */
  pteAddress(va: bigint, level: number): bigint {
    let table = this.root;
    for (let l = this.levels - 1; ; l--) {
      const index = (va >> BigInt(12 + 9 * l)) & 511n;
      const address = table + index * 8n;
      if (l === level) return address;
      let pte = this.h.read(address, 8);
      if ((pte & V) === 0n) {
        const child = this.allocate();
        pte = ((child >> 12n) << 10n) | V;
        this.h.write(address, 8, pte);
      }
      table = ((pte >> 10n) & ((1n << 44n) - 1n)) << 12n;
    }
  }

  /** Map `va` to `pa` with `flags` (V added) as a leaf at `level`. */
  map(va: bigint, pa: bigint, flags: bigint, level = 0): bigint {
    const address = this.pteAddress(va, level);
    this.h.write(address, 8, ((pa >> 12n) << 10n) | flags | V);
    return address;
  }

  /** The satp value that selects these tables. */
  satp(): bigint {
    return ((this.levels === 3 ? SV39 : SV48) << 60n) | (this.root >> 12n);
  }
}

/**
 * A harness with 4 MiB of RAM, the program mapped at its physical address
 * (RWX, user bit as asked) and translation on, with `priv` as the privilege.
 */
function paged(source: string, priv: number, levels: 3 | 4 = 3, codeUser = false): { h: HartHarness; pt: PageTables } {
  const h = new HartHarness({ ramSize: 4 << 20 }).load(source);
  const pt = new PageTables(h, levels);
  for (let page = 0n; page < 4n; page++) pt.map(BASE + page * 0x1000n, BASE + page * 0x1000n, RWX | (codeUser ? U : 0n));
  h.hart.satp = pt.satp();
  h.hart.priv = priv;
  h.hart.onPrivilegeChange();
  h.hart.flushTranslations();
  return { h, pt };
}

describe('Sv39 and Sv48 walks', () => {
  it.each([
    ['Sv39 4 KiB page', 3, 0x40000000n, DATA, 0],
    ['Sv39 2 MiB megapage', 3, 0x40200000n, BASE, 1],
    ['Sv39 1 GiB gigapage', 3, 0xc0000000n, BASE, 2],
    ['Sv39 negative (upper half) address', 3, 0xffffffffc0000000n, BASE, 2],
    ['Sv48 4 KiB page', 4, 0x7f0000000000n, DATA, 0],
    ['Sv48 512 GiB terapage', 4, 0x8000000000n, 0n, 3],
    ['Sv48 negative address, 2 MiB', 4, 0xffff800000000000n, BASE, 1],
  ] as const)('%s', (_what, levels, va, pa, level) => {
    const { h, pt } = paged('ld a0, 0(a1)', PRIV_S, levels);
    pt.map(va, pa, R | A, level);
    const offset = DATA + 0x28n - pa;
    h.write(DATA + 0x28n, 8, 0x1122334455667788n);
    h.step({ a1: va + offset });
    expect(h.traps).toEqual([]);
    expect(h.x('a0')).toBe(0x1122334455667788n);
  });

  it.each([
    ['megapage with a PPN not 2 MiB aligned', 1, BASE + 0x1000n],
    ['gigapage with a PPN not 1 GiB aligned', 2, BASE + 0x200000n],
  ] as const)('%s is a page fault', (_what, level, pa) => {
    const { h, pt } = paged('ld a0, 0(a1)', PRIV_S);
    pt.map(0x40000000n, pa, R | A, level);
    h.step({ a1: 0x40000010n });
    expect(h.onlyTrap()).toMatchObject({ cause: CAUSE.LOAD_PAGE_FAULT, tval: 0x40000010n });
  });

  it.each([
    ['Sv39, bit 38 set without sign extension', 3, 0x4000000000n],
    ['Sv39, high bits set with bit 38 clear', 3, 0xffffff8000000000n - 0x8000000000n],
    ['Sv48, bit 47 set without sign extension', 4, 0x800000000000n],
    ['Sv39, an address no double holds', 3, 0x8000000000000123n],
  ] as const)('non-canonical address (%s) is a page fault with tval = address', (_what, levels, va) => {
    for (const [insn, cause] of [['ld a0, 0(a1)', CAUSE.LOAD_PAGE_FAULT], ['sd a0, 0(a1)', CAUSE.STORE_PAGE_FAULT]] as const) {
      const { h } = paged(insn, PRIV_S, levels);
      h.step({ a1: va });
      expect(h.onlyTrap()).toMatchObject({ cause, tval: va });
    }
  });

  it('a non-canonical jump target is an instruction page fault', () => {
    const { h } = paged('jr a1', PRIV_S);
    h.step({ a1: 0x4000000000n });
    h.run(1);
    expect(h.traps[0]).toMatchObject({ cause: CAUSE.FETCH_PAGE_FAULT, tval: 0x4000000000n });
  });

  it.each([
    ['invalid PTE', 0n],
    ['W without R (reserved)', W | A | D],
    ['W|X without R (reserved)', W | X | A | D],
  ])('%s is a page fault', (_what, flags) => {
    const { h, pt } = paged('ld a0, 0(a1)', PRIV_S);
    const address = pt.pteAddress(0x40000000n, 0);
    h.write(address, 8, ((DATA >> 12n) << 10n) | flags | (flags === 0n ? 0n : V));
    h.step({ a1: 0x40000000n });
    expect(h.onlyTrap().cause).toBe(CAUSE.LOAD_PAGE_FAULT);
  });

  it('a pointer PTE at level 0 is a page fault', () => {
    const { h, pt } = paged('ld a0, 0(a1)', PRIV_S);
    pt.map(0x40000000n, DATA, 0n);
    h.step({ a1: 0x40000000n });
    expect(h.onlyTrap().cause).toBe(CAUSE.LOAD_PAGE_FAULT);
  });

  it('satp is ignored in M-mode', () => {
    const { h } = paged('ld a0, 0(a1)', PRIV_M);
    h.write(DATA, 8, 77n).step({ a1: DATA });
    expect(h.x('a0')).toBe(77n);
  });
});

describe('A and D bits are set in the PTE', () => {
  it.each([
    ['load sets A', 'ld a0, 0(a1)', A],
    ['store sets A and D', 'sd a0, 0(a1)', A | D],
    ['AMO sets A and D', 'amoadd.d a0, a0, (a1)', A | D],
    ['fetch sets A', 'jr a1', A],
  ] as const)('%s', (_what, insn, bits) => {
    const { h, pt } = paged(insn, PRIV_S);
    const pte = pt.map(0x40000000n, DATA, R | W | X);
    h.write(DATA, 4, 0x00100073n);
    h.step({ a1: 0x40000000n });
    if (insn === 'jr a1') h.run(1);
    expect(h.read(pte, 8) & (A | D)).toBe(bits);
  });

  it('a store through a PTE with A but not D sets D', () => {
    const { h, pt } = paged('sw a0, 0(a1)', PRIV_S);
    const pte = pt.map(0x40000000n, DATA, R | W | A);
    h.step({ a1: 0x40000000n, a0: 5n });
    expect(h.read(pte, 8) & D).toBe(D);
    expect(h.read(DATA, 4)).toBe(5n);
  });
});

/** [what, privilege, PTE flags, mstatus bits, instruction, fault cause or -1] */
const PERMISSION_CASES: ReadonlyArray<readonly [string, number, bigint, number, string, number]> = [
  ['S loads a U page without SUM', PRIV_S, R | U | A, 0, 'ld a0, 0(a1)', CAUSE.LOAD_PAGE_FAULT],
  ['S loads a U page with SUM', PRIV_S, R | U | A, MSTATUS.SUM, 'ld a0, 0(a1)', -1],
  ['S stores a U page with SUM', PRIV_S, R | W | U | A | D, MSTATUS.SUM, 'sd a0, 0(a1)', -1],
  ['S executes a U page even with SUM', PRIV_S, R | X | U | A, MSTATUS.SUM, 'jr a1', CAUSE.FETCH_PAGE_FAULT],
  ['U loads a supervisor page', PRIV_U, R | A, MSTATUS.SUM, 'ld a0, 0(a1)', CAUSE.LOAD_PAGE_FAULT],
  ['U loads a U page', PRIV_U, R | U | A, 0, 'ld a0, 0(a1)', -1],
  ['load from an execute-only page', PRIV_S, X | A, 0, 'ld a0, 0(a1)', CAUSE.LOAD_PAGE_FAULT],
  ['load from an execute-only page with MXR', PRIV_S, X | A, MSTATUS.MXR, 'ld a0, 0(a1)', -1],
  ['MXR does not make a page writable', PRIV_S, X | A, MSTATUS.MXR, 'sd a0, 0(a1)', CAUSE.STORE_PAGE_FAULT],
  ['store to a read-only page', PRIV_S, R | A | D, 0, 'sd a0, 0(a1)', CAUSE.STORE_PAGE_FAULT],
  ['AMO on a read-only page', PRIV_S, R | A | D, 0, 'amoswap.d a0, a0, (a1)', CAUSE.STORE_PAGE_FAULT],
  ['LR on a read-only page', PRIV_S, R | A, 0, 'lr.d a0, (a1)', -1],
  ['fetch from a non-executable page', PRIV_S, R | W | A | D, 0, 'jr a1', CAUSE.FETCH_PAGE_FAULT],
];

describe('permission checks', () => {
  it.each(PERMISSION_CASES)('%s', (_what, priv, flags, bits, insn, cause) => {
    const { h, pt } = paged(insn, priv, 3, priv === PRIV_U);
    pt.map(0x40000000n, DATA, flags);
    h.write(DATA, 4, 0x00000013n).write(DATA + 4n, 4, 0x00000013n);
    h.hart.mstatus |= bits;
    h.hart.flushTranslations();
    h.step({ a1: 0x40000000n });
    if (insn === 'jr a1') h.run(1);
    if (cause < 0) expect(h.traps).toEqual([]);
    else expect(h.traps[0]).toMatchObject({ cause, tval: 0x40000000n });
  });
});

describe('MPRV', () => {
  it.each([
    ['MPP = S translates M-mode loads', PRIV_S << MSTATUS.MPP_SHIFT, 0x40000000n, 0xabcn],
    ['MPP = M leaves them physical', PRIV_M << MSTATUS.MPP_SHIFT, DATA, 0xabcn],
  ] as const)('%s', (_what, mpp, address, expected) => {
    const { h, pt } = paged('ld a0, 0(a1)', PRIV_M);
    pt.map(0x40000000n, DATA, R | A);
    h.write(DATA, 8, 0xabcn);
    h.hart.mstatus |= MSTATUS.MPRV | mpp;
    h.hart.onPrivilegeChange();
    h.step({ a1: address });
    expect(h.traps).toEqual([]);
    expect(h.x('a0')).toBe(expected);
  });

  it('MPP = U applies the U rules to M-mode stores (supervisor page faults)', () => {
    const { h, pt } = paged('sd a0, 0(a1)', PRIV_M);
    pt.map(0x40000000n, DATA, R | W | A | D);
    h.hart.mstatus |= MSTATUS.MPRV;
    h.hart.onPrivilegeChange();
    h.step({ a1: 0x40000000n });
    expect(h.onlyTrap()).toMatchObject({ cause: CAUSE.STORE_PAGE_FAULT, fromPriv: PRIV_M, toPriv: PRIV_M });
  });

  it.each([
    ['a supervisor page is denied', R | A, 0, CAUSE.LOAD_PAGE_FAULT],
    ['a user page is denied without SUM', R | U | A, 0, CAUSE.LOAD_PAGE_FAULT],
    ['a user page is allowed with SUM', R | U | A, MSTATUS.SUM, -1],
  ] as const)('MPP = 2 (reserved, kept by QEMU 7.2): %s, as QEMU checks', (_what, flags, sum, cause) => {
    const { h, pt } = paged('ld a0, 0(a1)', PRIV_M);
    pt.map(0x40000000n, DATA, flags);
    h.hart.mstatus |= MSTATUS.MPRV | (2 << MSTATUS.MPP_SHIFT) | sum;
    h.hart.onPrivilegeChange();
    h.hart.flushTranslations();
    h.step({ a1: 0x40000000n });
    if (cause < 0) expect(h.traps).toEqual([]);
    else expect(h.onlyTrap()).toMatchObject({ cause, tval: 0x40000000n });
  });

  it('translations made with MPRV and MPP = 2 are not reused by M-mode afterwards', () => {
    const { h, pt } = paged('ld a0, 0(a1)\n li t0, 0x21800\n csrc mstatus, t0\n ld a2, 0(a1)\n wfi', PRIV_M);
    pt.map(DATA, BASE + 0x20000n, R | U | A);
    h.write(DATA, 8, 1n).write(BASE + 0x20000n, 8, 2n).setX('a1', DATA);
    h.hart.mstatus |= MSTATUS.MPRV | MSTATUS.SUM | (2 << MSTATUS.MPP_SHIFT);
    h.hart.onPrivilegeChange();
    h.runToWfi();
    expect(h.traps).toEqual([]);
    expect([h.x('a0'), h.x('a2')]).toEqual([2n, 1n]);
  });

  it('M-mode translations are not reused by loads with MPRV and MPP = 2', () => {
    const { h, pt } = paged('ld a0, 0(a1)\n li t0, 0x21000\n csrs mstatus, t0\n ld a2, 0(a1)\n wfi', PRIV_M);
    pt.map(DATA, BASE + 0x20000n, R | U | A);
    h.write(DATA, 8, 1n).write(BASE + 0x20000n, 8, 2n).setX('a1', DATA);
    h.hart.mstatus |= MSTATUS.SUM;
    h.runToWfi();
    expect(h.traps).toEqual([]);
    expect([h.x('a0'), h.x('a2')]).toEqual([1n, 2n]);
  });

  it('fetches ignore MPRV', () => {
    const { h } = paged('nop\n nop', PRIV_M);
    h.hart.mstatus |= MSTATUS.MPRV | (PRIV_U << MSTATUS.MPP_SHIFT);
    h.hart.onPrivilegeChange();
    h.run(2);
    expect(h.traps).toEqual([]);
  });

  it('MPRV set by csrs takes effect on the next load (cached translations do not leak)', () => {
    const { h, pt } = paged('ld a0, 0(a1)\n li t0, 0x20800\n csrs mstatus, t0\n ld a2, 0(a1)\n wfi', PRIV_M);
    pt.map(DATA, BASE + 0x20000n, R | A);
    h.write(DATA, 8, 1n).write(BASE + 0x20000n, 8, 2n).setX('a1', DATA);
    h.runToWfi();
    expect(h.x('a0')).toBe(1n);
    expect(h.x('a2')).toBe(2n);
  });
});

describe('sfence.vma', () => {
  it('after a PTE change, sfence.vma makes the new mapping visible', () => {
    const { h, pt } = paged('ld a0, 0(a1)\n sd a3, 0(a2)\n sfence.vma\n ld a4, 0(a1)\n wfi', PRIV_S);
    const pte = pt.map(0x40000000n, DATA, R | A);
    h.write(DATA, 8, 111n).write(DATA + 0x1000n, 8, 222n);
    pt.map(BigInt(RAM_BASE) + 0x200000n, BigInt(RAM_BASE) + 0x200000n, R | W | A | D);
    for (let page = 0x201000n; page < 0x210000n; page += 0x1000n) pt.map(BASE + page, BASE + page, R | W | A | D);
    const newPte = (((DATA + 0x1000n) >> 12n) << 10n) | R | A | V;
    h.setX('a1', 0x40000000n).setX('a2', pte).setX('a3', newPte);
    h.runToWfi();
    expect(h.traps).toEqual([]);
    expect(h.x('a0')).toBe(111n);
    expect(h.x('a4')).toBe(222n);
  });

  it('writing satp switches address spaces at once', () => {
    const { h, pt } = paged('ld a0, 0(a1)\n csrw satp, a2\n ld a3, 0(a1)\n wfi', PRIV_S);
    pt.map(0x40000000n, DATA, R | A);
    const other = new PageTables(h, 3, BASE + 0x300000n);
    for (let page = 0n; page < 4n; page++) other.map(BASE + page * 0x1000n, BASE + page * 0x1000n, RWX);
    other.map(0x40000000n, DATA + 0x1000n, R | A);
    h.write(DATA, 8, 1n).write(DATA + 0x1000n, 8, 2n).setX('a1', 0x40000000n).setX('a2', other.satp());
    h.runToWfi();
    expect([h.x('a0'), h.x('a3')]).toEqual([1n, 2n]);
  });
});

describe('misaligned accesses under translation', () => {
  it('a load crossing into an unmapped page faults with tval = the start of that page (QEMU 7.2)', () => {
    const { h, pt } = paged('ld a0, 0(a1)', PRIV_S);
    pt.map(0x40000000n, DATA, R | A);
    h.step({ a1: 0x40000ffcn });
    expect(h.onlyTrap()).toMatchObject({ cause: CAUSE.LOAD_PAGE_FAULT, tval: 0x40001000n });
  });

  it('a 4-byte instruction whose second half is on an unmapped page: epc at the instruction, tval at the second half', () => {
    const { h } = paged('jr a1', PRIV_S);
    h.write(BASE + 0x3ffen, 2, 0x0013n).write(BASE + 0x4000n, 2, 0n);
    h.step({ a1: BASE + 0x3ffen });
    h.run(1);
    expect(h.traps[0]).toMatchObject({ cause: CAUSE.FETCH_PAGE_FAULT, epc: BASE + 0x3ffen, tval: BASE + 0x4000n });
  });

  it('a 2-byte instruction at the end of the last mapped page runs', () => {
    const { h } = paged('jr a1', PRIV_S);
    h.write(BASE + 0x3ffen, 2, 0x0001n);
    h.step({ a1: BASE + 0x3ffen });
    h.run(1);
    expect(h.traps).toEqual([]);
    expect(h.hart.getPc()).toBe(BASE + 0x4000n);
  });

  it('a store crossing into a read-only page writes nothing', () => {
    const { h, pt } = paged('sd a0, 0(a1)', PRIV_S);
    pt.map(0x40000000n, DATA, R | W | A | D);
    pt.map(0x40001000n, DATA + 0x1000n, R | A);
    h.step({ a1: 0x40000ffcn, a0: -1n });
    expect(h.onlyTrap().cause).toBe(CAUSE.STORE_PAGE_FAULT);
    expect(h.read(DATA + 0xffcn, 4)).toBe(0n);
  });

  it('a load crossing two mapped pages with different frames reads both', () => {
    const { h, pt } = paged('ld a0, 0(a1)', PRIV_S);
    pt.map(0x40000000n, DATA + 0x3000n, R | A);
    pt.map(0x40001000n, DATA, R | A);
    h.write(DATA + 0x3ffcn, 4, 0x44332211n).write(DATA, 4, 0x88776655n);
    h.step({ a1: 0x40000ffcn });
    expect(h.x('a0')).toBe(0x8877665544332211n);
  });
});

describe('a delegated page fault handled in S-mode', () => {
  it('U-mode load faults, the S handler maps the page, sret retries and the load succeeds', () => {
    const { h, pt } = paged([
      'start:',
      '  li t0, 0x10000000',
      '  csrw sepc, t0',
      '  sret',
      '.align 12',
      'handler:',
      '  csrr t3, stval',
      '  sd t1, 0(t2)',
      '  sfence.vma',
      '  sret',
      '.align 12',
      'user:',
      '  ld a0, 0(a1)',
      '  ecall',
    ].join('\n'), PRIV_S);
    pt.map(0x10000000n, h.label('user'), R | X | U | A);
    const pte = pt.pteAddress(0x40000000n, 0);
    for (let page = 0x200000n; page < 0x208000n; page += 0x1000n) pt.map(BASE + page, BASE + page, R | W | A | D);
    h.write(DATA, 8, 0xfeedn);
    h.setX('a1', 0x40000123n - 0x123n).setX('t2', pte).setX('t1', ((DATA >> 12n) << 10n) | R | U | A | V);
    h.hart.stvec = h.label('handler');
    h.hart.medeleg = 1 << CAUSE.LOAD_PAGE_FAULT;
    h.runToWfi();
    expect(h.traps.map((t) => [t.cause, t.fromPriv, t.toPriv])).toEqual([
      [CAUSE.LOAD_PAGE_FAULT, PRIV_U, PRIV_S],
      [CAUSE.ECALL_FROM_U, PRIV_U, PRIV_M],
    ]);
    expect(h.traps[0]!.tval).toBe(0x40000000n);
    expect(h.traps[0]!.epc).toBe(0x10000000n);
    expect(h.x('t3')).toBe(0x40000000n);
    expect(h.x('a0')).toBe(0xfeedn);
  });
});
