/**
 * CSR number <-> name table (privileged spec 1.12): the unprivileged,
 * supervisor, machine and debug CSRs a QEMU `virt` hart has, plus the
 * RV32-only high halves so that names print as GNU objdump prints them.
 */

function addRange(table: [number, string][], base: number, first: number, last: number, name: (i: number) => string): void {
  for (let i = first; i <= last; i++) table.push([base + i, name(i)]);
}

function buildCsrTable(): [number, string][] {
  const table: [number, string][] = [
    [0x001, 'fflags'], [0x002, 'frm'], [0x003, 'fcsr'],
    [0xc00, 'cycle'], [0xc01, 'time'], [0xc02, 'instret'],
    [0xc80, 'cycleh'], [0xc81, 'timeh'], [0xc82, 'instreth'],
    [0x100, 'sstatus'], [0x104, 'sie'], [0x105, 'stvec'], [0x106, 'scounteren'],
    [0x10a, 'senvcfg'], [0x140, 'sscratch'], [0x141, 'sepc'], [0x142, 'scause'],
    [0x143, 'stval'], [0x144, 'sip'], [0x14d, 'stimecmp'], [0x15d, 'stimecmph'],
    [0x180, 'satp'], [0x5a8, 'scontext'],
    [0xf11, 'mvendorid'], [0xf12, 'marchid'], [0xf13, 'mimpid'], [0xf14, 'mhartid'],
    [0xf15, 'mconfigptr'],
    [0x300, 'mstatus'], [0x301, 'misa'], [0x302, 'medeleg'], [0x303, 'mideleg'],
    [0x304, 'mie'], [0x305, 'mtvec'], [0x306, 'mcounteren'], [0x30a, 'menvcfg'],
    [0x310, 'mstatush'], [0x31a, 'menvcfgh'], [0x320, 'mcountinhibit'],
    [0x340, 'mscratch'], [0x341, 'mepc'], [0x342, 'mcause'], [0x343, 'mtval'],
    [0x344, 'mip'], [0x34a, 'mtinst'], [0x34b, 'mtval2'],
    [0x747, 'mseccfg'], [0x757, 'mseccfgh'],
    [0xb00, 'mcycle'], [0xb02, 'minstret'], [0xb80, 'mcycleh'], [0xb82, 'minstreth'],
    [0x7a0, 'tselect'], [0x7a1, 'tdata1'], [0x7a2, 'tdata2'], [0x7a3, 'tdata3'],
    [0x7a4, 'tinfo'], [0x7a5, 'tcontrol'], [0x7a8, 'mcontext'],
    [0x7b0, 'dcsr'], [0x7b1, 'dpc'], [0x7b2, 'dscratch0'], [0x7b3, 'dscratch1'],
  ];
  addRange(table, 0xc00, 3, 31, (i) => `hpmcounter${i}`);
  addRange(table, 0xc80, 3, 31, (i) => `hpmcounter${i}h`);
  addRange(table, 0x3a0, 0, 15, (i) => `pmpcfg${i}`);
  addRange(table, 0x3b0, 0, 63, (i) => `pmpaddr${i}`);
  addRange(table, 0x320, 3, 31, (i) => `mhpmevent${i}`);
  addRange(table, 0xb00, 3, 31, (i) => `mhpmcounter${i}`);
  addRange(table, 0xb80, 3, 31, (i) => `mhpmcounter${i}h`);
  return table;
}

const CSR_TABLE = buildCsrTable();
const NAME_BY_NUMBER = new Map<number, string>(CSR_TABLE);
const NUMBER_BY_NAME = new Map<string, number>(CSR_TABLE.map(([num, name]) => [name, num]));
NUMBER_BY_NAME.set('dscratch', 0x7b2);

/** Names a CSR by number (`0x300` -> `mstatus`); `undefined` for a number without a name. */
export function csrName(csr: number): string | undefined {
  return NAME_BY_NUMBER.get(csr);
}

/** The number of a named CSR (`mstatus` -> `0x300`); `undefined` for an unknown name. */
export function csrNumber(name: string): number | undefined {
  return NUMBER_BY_NAME.get(name.toLowerCase());
}

/** Every named CSR as `[number, name]`, in table order (one name per number). */
export function allCsrs(): readonly (readonly [number, string])[] {
  return CSR_TABLE;
}
