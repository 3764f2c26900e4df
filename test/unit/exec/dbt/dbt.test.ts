import { describe, expect, it } from 'vitest';
import { CAUSE, PRIV_S } from '../../../../src/cpu/constants.js';
import { assemble } from '../../../../src/isa/asm.js';
import { ExitReason } from '../../../../src/exec/backend.js';
import type { MmioDevice } from '../../../../src/mem/device.js';
import { Prng } from '../../../conformance/diff/prng.js';
import { RAM_BASE, Twin } from './twin.js';

/** Programs that loop long enough to run translated, each ending in `__halt`. */
const PROGRAMS: Record<string, string> = {
  'integer ALU, 64-bit carries and shifts': `
    li a0, 0
    li a1, -3
    li a2, 0x123456789
    li t0, 300
  loop:
    add a0, a0, a2
    sub a1, a1, a0
    xor a3, a0, a1
    slli a4, a3, 33
    srai a5, a4, 7
    srli a6, a1, 61
    sll a7, a2, t0
    sra s2, a1, t0
    srl s3, a1, a0
    slt s4, a1, a0
    sltu s5, a1, a0
    slti s6, a1, -5
    sltiu s7, a1, 17
    addiw s8, a0, -2048
    subw s9, a0, a1
    sllw s10, a1, t0
    sraiw s11, a1, 3
    lui t1, 0xfffff
    auipc t2, 0x7ffff
    andi t3, a0, -2
    ori t4, a1, 0x7ff
    xori t5, a0, -1
    addi t0, t0, -1
    bnez t0, loop
    wfi`,
  'M extension': `
    li a0, 7
    li a1, -1
    li t0, 200
  loop:
    mul a2, a0, a1
    mulh a3, a0, a1
    mulhsu a4, a1, a0
    mulhu a5, a1, a1
    div a6, a1, a0
    divu a7, a1, a0
    rem s2, a2, a0
    remu s3, a1, t0
    div s4, a0, zero
    mulw s5, a0, a1
    divw s6, a1, t0
    remuw s7, a1, t0
    addi a0, a0, 13
    slli a1, a1, 1
    addi t0, t0, -1
    bnez t0, loop
    wfi`,
  'loads and stores of every width, signed and unsigned': `
    la s0, buffer
    addi s0, s0, 2040
    li t0, 256
    li a0, -0x123456789
  loop:
    sd a0, 0(s0)
    sw a0, 8(s0)
    sh a0, 12(s0)
    sb a0, 14(s0)
    ld a1, 0(s0)
    lw a2, 8(s0)
    lwu a3, 8(s0)
    lh a4, 12(s0)
    lhu a5, 12(s0)
    lb a6, 14(s0)
    lbu a7, 14(s0)
    ld s2, 2047(s0)
    sd a1, 2045(s0)
    addi a0, a0, 0x35
    addi s0, s0, 8
    addi t0, t0, -1
    bnez t0, loop
    wfi
    .align 12
  buffer:
    .space 16384`,
  'calls and returns through JALR, compressed code': `
    li s0, 0
    li s1, 150
  loop:
    call leaf
    c.addi s0, 3
    c.mv a1, s0
    c.slli a1, 2
    c.addi s1, -1
    c.bnez s1, loop
    wfi
  leaf:
    addi s0, s0, 1
    ret`,
  'F and D loads, stores and arithmetic': `
    li t0, 0x6000
    csrs mstatus, t0
    la s0, values
    fld fa0, 0(s0)
    fld fa1, 8(s0)
    li t0, 100
  loop:
    fadd.d fa2, fa0, fa1
    fmul.d fa0, fa2, fa1
    fsd fa0, 16(s0)
    flw fa3, 16(s0)
    fcvt.l.d a0, fa0
    addi t0, t0, -1
    bnez t0, loop
    wfi
    .align 12
  values:
    .dword 0x3ff8000000000000
    .dword 0x3fe0000000000000
    .dword 0`,
  'F and D arithmetic, conversions, comparisons and moves, static and dynamic rounding': `
    li t0, 0x6000
    csrs mstatus, t0
    la s0, values
    fld fa0, 0(s0)
    fld fa1, 8(s0)
    flw ft0, 24(s0)
    li t0, 100
  loop:
    fmadd.d fa2, fa0, fa1, fa0
    fnmsub.d fa3, fa2, fa1, fa0, rtz
    fdiv.d fa4, fa2, fa3, rup
    fsqrt.d fa5, fa4
    fsub.d fa0, fa5, fa1, rdn
    fmin.d fa6, fa0, fa3
    fmax.d fa7, fa0, fa3
    flt.d a1, fa6, fa7
    feq.d a2, fa0, fa0
    fle.d zero, fa0, fa1
    fsgnjn.d fa1, fa1, fa0
    fsgnjx.d fa1, fa1, fa0
    fmv.d fs0, fa1
    fmv.x.d a3, fs0
    fmv.d.x fs1, a3
    fcvt.w.d a4, fa4, rne
    fcvt.lu.d a5, fa3
    fcvt.d.l fs2, t0
    fcvt.s.d ft1, fs2
    fmul.s ft2, ft1, ft0
    fadd.s ft3, ft2, ft0, rmm
    fcvt.d.s fs3, ft3
    fcvt.wu.s a6, ft3
    fcvt.s.w ft4, a6
    feq.s a7, ft4, ft3
    fclass.d s2, fa4
    fsw ft3, 16(s0)
    fsrmi zero, 3
    addi t0, t0, -1
    bnez t0, loop
    wfi
    .align 12
  values:
    .dword 0x3ff8000000000000
    .dword 0xbfe0000000000001
    .dword 0
    .word 0x40490fdb`,
  'atomics': `
    la s0, word
    li t0, 100
  loop:
    amoadd.d a0, t0, (s0)
    amoswap.w a1, t0, (s0)
    lr.d a2, (s0)
    sc.d a3, t0, (s0)
    addi t0, t0, -1
    bnez t0, loop
    wfi
    .align 3
  word:
    .dword 5`,
};

describe('the translator against the interpreter', () => {
  it.each(Object.entries(PROGRAMS))('%s: same state after runs of random lengths', (_name, source) => {
    const twin = new Twin().load(source);
    const prng = new Prng(7);
    for (let i = 0; i < 200 && !twin.interp.hart.waiting; i++) twin.run(1 + prng.below(97));
    expect(twin.interp.hart.waiting).toBe(true);
    expect(twin.stats.translatedInsns).toBeGreaterThan(twin.stats.interpretedInsns);
  });

  it('stops at every icount 1..150 in the same state as the interpreter', () => {
    for (let budget = 1; budget <= 150; budget++) {
      const twin = new Twin().load(PROGRAMS['loads and stores of every width, signed and unsigned']!);
      twin.run(30);
      twin.run(budget);
    }
  });
});

describe('precise exceptions', () => {
  it('a load fault mid-region retires the instructions before it and no more', () => {
    const twin = new Twin().load(`
      li t0, 0x800f0ff0
      li t1, 100
    loop:
      addi a0, a0, 1
      ld a1, 0(t0)
      addi t0, t0, 0x400
      addi a2, a2, 1
      addi t1, t1, -1
      bnez t1, loop
      wfi
    handler:
      csrr a3, mepc
      wfi`);
    twin.each((m) => { m.hart.pmpcfg[0] = 0x0f; m.hart.pmpaddr[0] = 0x80100000n >> 2n; m.hart.onPmpChange(); m.hart.flushTranslations(); });
    twin.each((m) => { m.hart.priv = PRIV_S; m.hart.onPrivilegeChange(); m.hart.mtvec = twin.label('handler'); });
    twin.run(5000);
    expect(twin.dbt.traps.map((trap) => trap.cause)).toEqual([CAUSE.LOAD_ACCESS]);
    expect(twin.stats.translatedInsns).toBeGreaterThan(0);
  });

  it('a jump to an address no double holds faults at the fetch, with the exact target in tval', () => {
    const twin = new Twin().load(`
      li t0, 50
    loop:
      addi a0, a0, 1
      addi t0, t0, -1
      bnez t0, loop
      li t1, 0x123456789abcdef1
      jalr ra, 8(t1)
      wfi`);
    twin.run(1000);
    expect(twin.dbt.traps.map((trap) => [trap.cause, trap.tval])).toEqual([[CAUSE.FETCH_ACCESS, 0x123456789abcdef8n]]);
  });

  it('an illegal instruction after translated code traps at its own icount', () => {
    const twin = new Twin().load(`
      li t0, 50
    loop:
      addi a0, a0, 1
      addi t0, t0, -1
      bnez t0, loop
      addi a1, a1, 1
      .word 0
      wfi`);
    twin.run(1000);
    expect(twin.dbt.traps).toHaveLength(1);
  });

  it('an F instruction in translated code with the FPU turned off traps as illegal at its own icount', () => {
    const twin = new Twin().load(`
      li t0, 0x6000
      csrs mstatus, t0
      li t1, 40
    loop:
      addi a0, a0, 1
      fadd.d fa0, fa0, fa1
      fld fa2, 0(sp)
      addi t1, t1, -1
      bnez t1, loop
      csrc mstatus, t0
      j loop
    handler:
      csrr a3, mepc
      wfi`);
    twin.each((m) => { m.hart.mtvec = twin.label('handler'); m.hart.setX(2, BigInt(twin.label('handler'))); });
    for (let i = 0; i < 40 && !twin.interp.hart.waiting; i++) twin.run(7);
    expect(twin.dbt.traps.map((trap) => trap.cause)).toEqual([CAUSE.ILLEGAL_INSTRUCTION]);
    expect(twin.stats.translatedInsns).toBeGreaterThan(0);
  });
});

describe('code that changes under the translator', () => {
  it('self-modifying code: a store into the running loop takes effect at once', () => {
    const twin = new Twin().load(`
      la s0, patched
      lw s1, 0(s0)
      la s2, replacement
      lw s2, 0(s2)
      li t0, 100
    loop:
    patched:
      addi a0, a0, 1
      addi t0, t0, -1
      li t1, 50
      bne t0, t1, skip
      sw s2, 0(s0)
    skip:
      bnez t0, loop
      wfi
    replacement:
      addi a0, a0, 100`);
    for (let i = 0; i < 100 && !twin.interp.hart.waiting; i++) twin.run(13);
    expect(twin.dbt.hart.x[20]).toBe(50 + 50 * 100);
  });

  it('a jump into the middle of a translated block', () => {
    const twin = new Twin().load(`
      li t0, 60
      la s0, middle
    loop:
      addi a0, a0, 1
      addi a1, a1, 2
    middle:
      addi a2, a2, 3
      addi t0, t0, -1
      beqz t0, done
      andi t1, t0, 1
      beqz t1, even
      j loop
    even:
      jr s0
    done:
      wfi`);
    twin.run(2000);
    expect(twin.interp.hart.waiting).toBe(true);
    expect(twin.stats.translatedInsns).toBeGreaterThan(0);
  });

  it('code fetched from a device (a ROM) runs interpreted, exactly', () => {
    const twin = new Twin();
    const origin = 0x20000000;
    const rom = twin.assembleAt(`
      li t0, 100
    loop:
      addi a0, a0, 1
      addi t0, t0, -1
      bnez t0, loop
      wfi`, origin);
    const device = (): MmioDevice => ({
      name: 'rom',
      read: (offset, size) => {
        let value = 0n;
        for (let i = size - 1; i >= 0; i--) value = (value << 8n) | BigInt(rom[offset + i] ?? 0);
        return value;
      },
      write: () => {},
    });
    twin.map(origin, 0x1000, device).load('j __halt', RAM_BASE);
    twin.each((m) => { m.hart.pc = origin; });
    expect(twin.run(1000)).toBe(ExitReason.WFI);
    expect(twin.dbt.hart.x[20]).toBe(100);
    expect(twin.stats.translatedInsns).toBe(0);
  });

  it('a page-table change under running code: after sfence.vma the same virtual page runs other code', () => {
    const pte = (paddr: number, flags: number): bigint => (BigInt(paddr) >> 12n << 10n) | BigInt(flags);
    const LEAF = 0xcf; // V R W X A D
    const root = RAM_BASE + 0x10000, l1 = RAM_BASE + 0x11000, l0 = RAM_BASE + 0x12000;
    const pageA = RAM_BASE + 0x20000, pageB = RAM_BASE + 0x21000;
    const code = (register: string): Uint8Array => assemble(`
      loop:
        addi ${register}, ${register}, 1
        addi t0, t0, -1
        bnez t0, loop
        ret`).bytes;
    const twin = new Twin().load(`
        li s0, 0x40000000
        li t0, 200
        jalr s0
        li t0, 200
        jalr s0
        li t1, ${l0}
        li t2, ${pte(pageB, LEAF)}
        sd t2, 0(t1)
        li t0, 100
        jalr s0
        sfence.vma
        li t0, 200
        jalr s0
        wfi`);
    const table = (entries: Array<[number, bigint]>): Uint8Array => {
      const bytes = new Uint8Array(4096);
      const view = new DataView(bytes.buffer);
      for (const [index, value] of entries) view.setBigUint64(index * 8, value, true);
      return bytes;
    };
    twin.each((m) => {
      m.ram.load(root, table([[1, pte(l1, 1)], [2, pte(RAM_BASE, LEAF)]]));
      m.ram.load(l1, table([[0, pte(l0, 1)]]));
      m.ram.load(l0, table([[0, pte(pageA, LEAF)]]));
      m.ram.load(pageA, code('a0'));
      m.ram.load(pageB, code('a1'));
      m.hart.satp = (8n << 60n) | BigInt(root >>> 12);
      m.hart.priv = PRIV_S;
      m.hart.onPrivilegeChange();
      m.hart.flushTranslations();
    });
    for (let i = 0; i < 100 && !twin.interp.hart.waiting; i++) twin.run(37);
    expect(twin.interp.hart.waiting).toBe(true);
    expect(twin.stats.translatedInsns).toBeGreaterThan(0);
    // The interpreter has no fetch TLB: once the pc has left the page, the
    // next fetch walks the tables again, so the new code runs even before
    // sfence.vma (100 + 200 times); the translator must do the same.
    expect([twin.dbt.hart.x[20], twin.dbt.hart.x[22]]).toEqual([400, 300]);
  });
});
