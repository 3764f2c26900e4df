import {
  D, FINISHER, H, HARNESS_DATA, M_LOG, S_LOG, MIP_SOFTWARE, MSTATUS_DEFINED, PAGE, PAGE_TABLE_PAGES, PAGE_TABLES,
  SCRATCH, SCRATCH_PAGES, TRAP_LIMIT, UART0,
} from './layout.js';

/** CSRs the dump prints after the registers, in order (mstatus and mip masked). */
const DUMPED_CSRS = [
  'fcsr', 'mstatus', 'mcause', 'mepc', 'mtval', 'scause', 'sepc', 'stval', 'medeleg', 'mideleg', 'mie',
  'mip', 'mscratch', 'sscratch', 'satp', 'mtvec', 'stvec', 'mcounteren', 'scounteren',
] as const;

/** Harness records the dump prints after the CSRs, with their `gp` offsets. */
const DUMPED_RECORDS: ReadonlyArray<readonly [string, number]> = [
  ['mtraps', H.mCount], ['mhash', H.mHash], ['mlastcause', H.mCause], ['mlastepc', H.mEpc],
  ['mlasttval', H.mTval], ['straps', H.sCount], ['shash', H.sHash], ['slastcause', H.sCause],
  ['slastepc', H.sEpc], ['slasttval', H.sTval],
];

const logFields = (prefix: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) => [`${prefix}${i}.cause`, `${prefix}${i}.epc`, `${prefix}${i}.tval`]).flat();

/** Log the trap in t0/t1/t2 as entry `count - 1` (count in t3) of the log at `base` when it has room; clobbers t3, t4. */
function logTrap(prefix: string, base: number, entries: number): string[] {
  return [
    `  li t4, ${entries}`,
    `  bgtu t3, t4, ${prefix}_logged`,
    '  addi t4, t3, -1',
    '  slli t3, t4, 4',
    '  slli t4, t4, 3',
    '  add t3, t3, t4',
    '  add t3, t3, gp',
    `  sd t0, ${base}(t3)`,
    `  sd t1, ${base + 8}(t3)`,
    `  sd t2, ${base + 16}(t3)`,
    `${prefix}_logged:`,
  ];
}

/**
 * Names of the values of one dump, in print order: `case`, x1..x31, f0..f31,
 * the CSRs, the trap records, the checksums of the scratch pages
 * (`scratchsum`) and of the page-table pages (`ptsum`, where A/D updates
 * land), then the M-mode and S-mode trap logs (`mtrap3.epc`, ...).
 */
export const DUMP_FIELDS: readonly string[] = [
  'case',
  ...Array.from({ length: 31 }, (_, i) => `x${i + 1}`),
  ...Array.from({ length: 32 }, (_, i) => `f${i}`),
  ...DUMPED_CSRS,
  ...DUMPED_RECORDS.map(([name]) => name),
  'scratchsum',
  'ptsum',
  ...logFields('mtrap', M_LOG),
  ...logFields('strap', S_LOG),
];

/**
 * Number of values every dump line has. The trap logs follow: 3 values for
 * each of the first min(mtraps, M_LOG) M-mode traps, then likewise for S mode
 * (entries never reached are not printed; they read as zero).
 */
export const FIXED_DUMP_FIELDS = DUMP_FIELDS.length - 3 * (M_LOG + S_LOG);

const hex = (v: bigint): string => `0x${v.toString(16)}`;
const T_REGS = ['t0', 't1', 't2', 't3', 't4'];

/**
 * Machine-mode trap handler: count, hash, record, then skip the instruction
 * or finish the case. A fetch fault resumes at `ra` (the generator's fetch
 * tests are `jalr ra, ...`) when `ra` lies in the case's body, else at the
 * exit `ecall`: never in data.
 */
function machineHandler(): string[] {
  return [
    'm_trap:',
    ...T_REGS.map((r, i) => `  sd ${r}, ${H.mSave + 8 * i}(gp)`),
    '  csrr t0, mcause',
    '  csrr t1, mepc',
    '  csrr t2, mtval',
    `  ld t3, ${H.exitPc}(gp)`,
    '  beq t1, t3, case_done',
    '  la t3, s_abort',
    '  beq t1, t3, case_done',
    `  ld t3, ${H.mCount}(gp)`,
    '  addi t3, t3, 1',
    `  sd t3, ${H.mCount}(gp)`,
    `  sd t0, ${H.mCause}(gp)`,
    `  sd t1, ${H.mEpc}(gp)`,
    `  sd t2, ${H.mTval}(gp)`,
    ...logTrap('m_trap', H.mLog, M_LOG),
    `  ld t3, ${H.mHash}(gp)`,
    ...['t0', 't1', 't2'].flatMap((v) => ['  slli t4, t3, 5', '  add t3, t3, t4', `  xor t3, t3, ${v}`]),
    `  sd t3, ${H.mHash}(gp)`,
    `  ld t3, ${H.mCount}(gp)`,
    `  li t4, ${TRAP_LIMIT}`,
    '  bgeu t3, t4, case_done',
    '  bltz t0, m_interrupt',
    '  li t3, 1',
    '  beq t0, t3, m_fetch_fault',
    '  li t3, 12',
    '  beq t0, t3, m_fetch_fault',
    '  lbu t3, 0(t1)',
    '  andi t3, t3, 3',
    '  addi t1, t1, 2',
    '  li t4, 3',
    '  bne t3, t4, m_resume',
    '  addi t1, t1, 2',
    'm_resume:',
    '  csrw mepc, t1',
    'm_return:',
    ...T_REGS.map((r, i) => `  ld ${r}, ${H.mSave + 8 * i}(gp)`),
    '  mret',
    'm_fetch_fault:',
    '  andi t1, ra, -2',
    `  ld t3, ${H.bodyPc}(gp)`,
    `  ld t4, ${H.exitPc}(gp)`,
    '  bltu t1, t3, m_fetch_outside',
    '  bleu t1, t4, m_resume',
    'm_fetch_outside:',
    '  mv t1, t4',
    '  j m_resume',
    'm_interrupt:',
    `  li t3, ${hex(MIP_SOFTWARE)}`,
    '  csrc mip, t3',
    '  j m_return',
  ];
}

/**
 * Supervisor-mode trap handler (used when a case delegates through medeleg or
 * mideleg): count, hash, record, skip. It reads the trapping instruction with
 * SUM set, because U-mode code pages are user pages. Reaching the case's exit
 * or the trap limit escalates to M mode through the `ecall` at `s_abort`.
 */
function supervisorHandler(): string[] {
  return [
    '  .align 2',
    's_trap:',
    ...T_REGS.map((r, i) => `  sd ${r}, ${H.sSave + 8 * i}(gp)`),
    '  csrr t0, scause',
    '  csrr t1, sepc',
    '  csrr t2, stval',
    `  ld t3, ${H.exitPc}(gp)`,
    '  beq t1, t3, s_abort',
    `  ld t3, ${H.sCount}(gp)`,
    '  addi t3, t3, 1',
    `  sd t3, ${H.sCount}(gp)`,
    `  sd t0, ${H.sCause}(gp)`,
    `  sd t1, ${H.sEpc}(gp)`,
    `  sd t2, ${H.sTval}(gp)`,
    ...logTrap('s_trap', H.sLog, S_LOG),
    `  ld t3, ${H.sHash}(gp)`,
    ...['t0', 't1', 't2'].flatMap((v) => ['  slli t4, t3, 5', '  add t3, t3, t4', `  xor t3, t3, ${v}`]),
    `  sd t3, ${H.sHash}(gp)`,
    `  ld t3, ${H.sCount}(gp)`,
    `  li t4, ${TRAP_LIMIT}`,
    '  bgeu t3, t4, s_abort',
    '  bltz t0, s_interrupt',
    '  li t3, 1',
    '  beq t0, t3, s_fetch_fault',
    '  li t3, 12',
    '  beq t0, t3, s_fetch_fault',
    '  csrr t2, sstatus',
    '  li t3, 0x40000',
    '  csrs sstatus, t3',
    '  lbu t3, 0(t1)',
    '  csrw sstatus, t2',
    '  andi t3, t3, 3',
    '  addi t1, t1, 2',
    '  li t4, 3',
    '  bne t3, t4, s_resume',
    '  addi t1, t1, 2',
    's_resume:',
    '  csrw sepc, t1',
    's_return:',
    ...T_REGS.map((r, i) => `  ld ${r}, ${H.sSave + 8 * i}(gp)`),
    '  sret',
    's_fetch_fault:',
    '  andi t1, ra, -2',
    `  ld t3, ${H.bodyPc}(gp)`,
    `  ld t4, ${H.exitPc}(gp)`,
    '  bltu t1, t3, s_fetch_outside',
    '  bleu t1, t4, s_resume',
    's_fetch_outside:',
    '  mv t1, t4',
    '  j s_resume',
    's_interrupt:',
    '  csrci sip, 2',
    '  j s_return',
    's_abort:',
    '  ecall',
  ];
}

/**
 * `case_enter`: a0 = descriptor, a1 = body, a2 = exit pc, a3 = next case.
 * Ends in `mret` to the body. The descriptor's MIE travels in MPIE (MIE stays
 * clear until the `mret`), so a pending interrupt is never taken in here.
 */
function caseEnter(): string[] {
  const xLoads: string[] = [];
  for (let r = 1; r <= 30; r++) if (r !== 3) xLoads.push(`  ld x${r}, ${D.x + 8 * (r - 1)}(x31)`);
  return [
    'case_enter:',
    '  li t0, 0x6000',
    '  csrw mstatus, t0',
    '  csrw mie, zero',
    '  csrw mip, zero',
    '  csrw satp, zero',
    '  sfence.vma',
    '  csrw medeleg, zero',
    '  csrw mideleg, zero',
    '  la t0, m_trap',
    '  csrw mtvec, t0',
    '  la t0, s_trap',
    '  csrw stvec, t0',
    ...['scause', 'sepc', 'stval', 'mcause', 'mtval'].map((c) => `  csrw ${c}, zero`),
    `  addi t1, gp, ${H.mCount}`,
    `  li t2, ${H.end}`,
    '  add t2, t2, gp',
    'enter_clear:',
    '  sd zero, 0(t1)',
    '  addi t1, t1, 8',
    '  bltu t1, t2, enter_clear',
    `  sd a1, ${H.bodyPc}(gp)`,
    `  sd a2, ${H.exitPc}(gp)`,
    `  sd a3, ${H.next}(gp)`,
    `  sd a0, ${H.desc}(gp)`,
    `  ld t0, ${D.seed}(a0)`,
    `  li t1, ${hex(SCRATCH)}`,
    `  li t2, ${hex(SCRATCH + BigInt(SCRATCH_PAGES) * PAGE)}`,
    'enter_fill:',
    '  slli t3, t0, 13',
    '  xor t0, t0, t3',
    '  srli t3, t0, 7',
    '  xor t0, t0, t3',
    '  slli t3, t0, 17',
    '  xor t0, t0, t3',
    '  sd t0, 0(t1)',
    '  addi t1, t1, 8',
    '  bltu t1, t2, enter_fill',
    `  li t1, ${hex(PAGE_TABLES)}`,
    `  li t2, ${hex(PAGE_TABLES + BigInt(PAGE_TABLE_PAGES) * PAGE)}`,
    'enter_zero:',
    '  sd zero, 0(t1)',
    '  addi t1, t1, 8',
    '  bltu t1, t2, enter_zero',
    `  ld t4, ${D.runCount}(a0)`,
    `  addi t5, a0, ${D.runs}`,
    'enter_run:',
    '  beqz t4, enter_csrs',
    '  ld t0, 0(t5)',
    '  ld t1, 8(t5)',
    '  ld t2, 16(t5)',
    '  ld t3, 24(t5)',
    'enter_pte:',
    '  beqz t2, enter_next_run',
    '  sd t1, 0(t0)',
    '  addi t0, t0, 8',
    '  add t1, t1, t3',
    '  addi t2, t2, -1',
    '  j enter_pte',
    'enter_next_run:',
    '  addi t5, t5, 32',
    '  addi t4, t4, -1',
    '  j enter_run',
    'enter_csrs:',
    ...Array.from({ length: 32 }, (_, i) => `  fld f${i}, ${D.f + 8 * i}(a0)`),
    `  ld t0, ${D.fcsr}(a0)`,
    '  fscsr t0',
    ...([
      ['medeleg', D.medeleg], ['mideleg', D.mideleg], ['mie', D.mie], ['mip', D.mip], ['mscratch', D.mscratch],
      ['sscratch', D.sscratch], ['mcounteren', D.mcounteren], ['scounteren', D.scounteren], ['satp', D.satp],
    ] as const).flatMap(([csr, off]) => [`  ld t0, ${off}(a0)`, `  csrw ${csr}, t0`]),
    '  sfence.vma',
    '  csrw mepc, a1',
    `  ld t0, ${D.mstatus}(a0)`,
    '  andi t1, t0, 8',
    '  slli t1, t1, 4',
    '  li t2, -137',
    '  and t0, t0, t2',
    '  or t0, t0, t1',
    '  csrw mstatus, t0',
    '  mv x31, a0',
    ...xLoads,
    `  ld x31, ${D.x + 8 * 30}(x31)`,
    '  mret',
  ];
}

/** `put_char` (a1 = byte; polls LSR.THRE so QEMU never drops output) and `put_hex` (a0 as 16 digits and a space). */
function putHex(): string[] {
  return [
    'put_char:',
    `  li t0, ${hex(UART0)}`,
    'put_char_wait:',
    '  lbu t3, 5(t0)',
    '  andi t3, t3, 0x20',
    '  beqz t3, put_char_wait',
    '  sb a1, 0(t0)',
    '  ret',
    'put_hex:',
    '  mv t4, ra',
    '  li t1, 60',
    'put_hex_digit:',
    '  srl a1, a0, t1',
    '  andi a1, a1, 15',
    '  addi a1, a1, 48',
    '  li t2, 58',
    '  bltu a1, t2, put_hex_emit',
    '  addi a1, a1, 39',
    'put_hex_emit:',
    '  call put_char',
    '  addi t1, t1, -4',
    '  bgez t1, put_hex_digit',
    '  li a1, 32',
    '  call put_char',
    '  jr t4',
  ];
}

/** Print the first min(count, entries) log triples of the log at `base` (count at `countOffset`). */
function printLog(prefix: string, countOffset: number, base: number, entries: number): string[] {
  return [
    `  ld s5, ${countOffset}(gp)`,
    `  li t0, ${entries}`,
    `  bleu s5, t0, ${prefix}_count`,
    '  mv s5, t0',
    `${prefix}_count:`,
    `  addi s6, gp, ${base}`,
    `${prefix}_entry:`,
    `  beqz s5, ${prefix}_done`,
    ...[0, 8, 16].flatMap((off) => [`  ld a0, ${off}(s6)`, '  call put_hex']),
    '  addi s6, s6, 24',
    '  addi s5, s5, -1',
    `  j ${prefix}_entry`,
    `${prefix}_done:`,
  ];
}

/** `case_done`: save the body's registers, print one dump line, continue with the next case. */
function caseDone(): string[] {
  const saves: string[] = [];
  for (let r = 1; r <= 31; r++) if (![3, 5, 6, 7, 28, 29].includes(r)) saves.push(`  sd x${r}, ${8 * r}(gp)`);
  [5, 6, 7, 28, 29].forEach((r, i) => saves.push(`  ld t5, ${H.mSave + 8 * i}(gp)`, `  sd t5, ${8 * r}(gp)`));
  saves.push(`  sd gp, ${8 * 3}(gp)`);
  const print = (load: string): string[] => [load, '  call put_hex'];
  const csrPrints = DUMPED_CSRS.flatMap((csr) => {
    if (csr === 'fcsr') return print('  mv a0, s2');
    if (csr === 'mstatus') return print('  and a0, s1, s3');
    if (csr === 'mip') return ['  csrr a0, mip', `  li t0, ${hex(MIP_SOFTWARE)}`, ...print('  and a0, a0, t0')];
    return print(`  csrr a0, ${csr}`);
  });
  return [
    'case_done:',
    ...saves,
    '  csrr s1, mstatus',
    `  li s3, ${hex(MSTATUS_DEFINED)}`,
    '  li t0, 0x6000',
    '  csrs mstatus, t0',
    ...Array.from({ length: 32 }, (_, i) => `  fsd f${i}, ${H.f + 8 * i}(gp)`),
    '  frcsr s2',
    '  li a1, 68',
    '  call put_char',
    '  li a1, 32',
    '  call put_char',
    `  ld s4, ${H.desc}(gp)`,
    ...print(`  ld a0, ${D.index}(s4)`),
    '  li s5, 1',
    'dump_x:',
    '  slli t0, s5, 3',
    '  add t0, t0, gp',
    '  ld a0, 0(t0)',
    '  call put_hex',
    '  addi s5, s5, 1',
    '  li t0, 32',
    '  bltu s5, t0, dump_x',
    '  li s5, 0',
    'dump_f:',
    '  slli t0, s5, 3',
    '  add t0, t0, gp',
    `  ld a0, ${H.f}(t0)`,
    '  call put_hex',
    '  addi s5, s5, 1',
    '  li t0, 32',
    '  bltu s5, t0, dump_f',
    ...csrPrints,
    ...DUMPED_RECORDS.flatMap(([, off]) => print(`  ld a0, ${off}(gp)`)),
    '  li a0, 0',
    `  li s5, ${hex(SCRATCH)}`,
    `  li s6, ${hex(SCRATCH + BigInt(SCRATCH_PAGES) * PAGE)}`,
    '  call sum_range',
    '  call put_hex',
    '  li a0, 0',
    `  li s5, ${hex(PAGE_TABLES)}`,
    `  li s6, ${hex(PAGE_TABLES + BigInt(PAGE_TABLE_PAGES) * PAGE)}`,
    '  call sum_range',
    '  call put_hex',
    ...printLog('dump_mlog', H.mCount, H.mLog, M_LOG),
    ...printLog('dump_slog', H.sCount, H.sLog, S_LOG),
    '  li a1, 10',
    '  call put_char',
    `  ld t0, ${H.next}(gp)`,
    '  jr t0',
    'sum_range:',
    '  ld t0, 0(s5)',
    '  slli t1, a0, 5',
    '  add a0, a0, t1',
    '  srli t1, a0, 29',
    '  xor a0, a0, t1',
    '  add a0, a0, t0',
    '  addi s5, s5, 8',
    '  bltu s5, s6, sum_range',
    '  ret',
  ];
}

/**
 * The fixed part of every image: entry (`gp`, PMP opened as OpenSBI does,
 * trap vector), `finish` (prints `END`, powers off), the trap handlers, the case
 * entry sequence and the dump. Cases follow from the second page on.
 */
export function harnessText(firstCase: string): string[] {
  return [
    '  .globl _start',
    '_start:',
    `  li gp, ${hex(HARNESS_DATA)}`,
    '  la t0, m_trap',
    '  csrw mtvec, t0',
    '  li t0, -1',
    '  csrw pmpaddr0, t0',
    '  li t0, 0x1f',
    '  csrw pmpcfg0, t0',
    `  j ${firstCase}`,
    'finish:',
    ...[69, 78, 68, 10].flatMap((c) => [`  li a1, ${c}`, '  call put_char']),
    `  li t0, ${hex(FINISHER)}`,
    '  li t1, 0x5555',
    '  sw t1, 0(t0)',
    'finish_hang:',
    '  j finish_hang',
    '  .align 2',
    ...machineHandler(),
    ...supervisorHandler(),
    ...caseEnter(),
    ...putHex(),
    ...caseDone(),
    '  .align 12',
  ];
}
