import { Priv, type BodyWriter } from './gen-context.js';
import { amoOp, xIndex } from './gen-int.js';
import { HARNESS_DATA, PAGE, PAGE_TABLE_PAGES, PAGE_TABLES, SCRATCH } from './layout.js';
import type { PteRun } from './program.js';
import type { Prng } from './prng.js';

/** PTE flag bits. */
export const PTE = { V: 1n, R: 2n, W: 4n, X: 8n, U: 16n, G: 32n, A: 64n, D: 128n } as const;

/** Virtual addresses the paging bodies use, each resolved by the tables {@link buildPageTables} writes. */
export const ALIAS_BASE = 0x4000_0000n;
/** Number of 4 KiB alias pages at `ALIAS_BASE` (the last one maps the alias leaf table itself). */
export const ALIAS_PAGES = 8;
/** A 2 MiB alias right after the 4 KiB aliases (aligned or misaligned superpage). */
export const MEGA_ALIAS = 0x4020_0000n;
/** Unmapped VA inside a populated table (invalid PTE). */
export const UNMAPPED = 0x5000_0000n;

/**
 * Physical addresses with nothing behind them on both boards, for M-mode
 * fetches (which MPRV does not translate). QEMU's virt board has PCIe ECAM
 * at 0x3000_0000 and PCIe MMIO at 0x4000_0000..0x7fff_ffff, which dejavm's
 * board does not model, so the VAs above must never be used as physical.
 */
export const PHYSICAL_HOLES: readonly bigint[] = [0x0n, 0x8800_0000n, 0x1_0000_0000n];

/** How the code region is mapped. */
export type CodeMapping = '4k' | 'mega' | 'giga';

/** A page-table configuration for one case. */
export interface PagingSetup {
  mode: 'sv39' | 'sv48';
  code: CodeMapping;
  /** satp value (mode, ASID, root PPN). */
  satp: bigint;
  runs: PteRun[];
  /** A VA just above the canonical range (page fault on any access). */
  nonCanonical: bigint;
  /** A high (negative) VA mapped to the scratch pages through a 1 GiB leaf, or unmapped when `highMapped` is false. */
  high: bigint;
  /** Physical address of the PTE of alias page `i` is `aliasPte + 8 * i`; VA of that table is the last alias page. */
  aliasPte: bigint;
  /**
   * The body may use AMOs. Then every leaf has A preset: QEMU 7.2 translates
   * an AMO as a load first and sets A even when the store permission check
   * then faults (the spec updates A/D only for an access that succeeds).
   */
  amo: boolean;
}

/**
 * Random valid or invalid leaf flags (R/W/X combinations including reserved
 * W-only, U, A/D preset or not; A always preset when `accessed`).
 */
function leafFlags(rng: Prng, user: boolean, accessed: boolean): bigint {
  const perms = rng.pick([PTE.R, PTE.R | PTE.W, PTE.R | PTE.X, PTE.R | PTE.W | PTE.X, PTE.X, PTE.W, PTE.R | PTE.W]);
  let flags = PTE.V | perms;
  if (user || rng.chance(0.2)) flags |= PTE.U;
  if (accessed || rng.chance(0.6)) flags |= PTE.A;
  if (rng.chance(0.5)) flags |= PTE.D;
  if (rng.chance(0.1)) flags &= ~PTE.V;
  return flags;
}

/** Page tables built in the page-table pages; tables are allocated on first use. */
class TableBuilder {
  readonly entries = new Map<bigint, bigint>();
  private nextTable = 1;

  constructor(private readonly levels: number) {}

  /** Install `pte` for `va` at `level` (0 = 4 KiB leaf), creating intermediate tables. */
  set(va: bigint, level: number, pte: bigint): void {
    let table = PAGE_TABLES;
    for (let l = this.levels - 1; l > level; l--) {
      const slot = table + 8n * ((va >> BigInt(12 + 9 * l)) & 0x1ffn);
      let next = this.entries.get(slot);
      if (next === undefined) {
        if (this.nextTable >= PAGE_TABLE_PAGES) throw new Error('page-table area exhausted');
        const page = PAGE_TABLES + BigInt(this.nextTable++) * PAGE;
        next = ((page >> 12n) << 10n) | PTE.V;
        this.entries.set(slot, next);
      }
      table = (next >> 10n) << 12n;
    }
    this.entries.set(table + 8n * ((va >> BigInt(12 + 9 * level)) & 0x1ffn), pte);
  }

  /** Physical address of the PTE slot for `va` at `level` (tables must exist). */
  slot(va: bigint, level: number): bigint {
    let table = PAGE_TABLES;
    for (let l = this.levels - 1; l > level; l--) {
      table = ((this.entries.get(table + 8n * ((va >> BigInt(12 + 9 * l)) & 0x1ffn))! >> 10n) << 12n);
    }
    return table + 8n * ((va >> BigInt(12 + 9 * level)) & 0x1ffn);
  }

  /** The entries as runs of consecutive slots with a constant value step. */
  runs(): PteRun[] {
    const sorted = [...this.entries.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const runs: PteRun[] = [];
    for (const [address, value] of sorted) {
      const last = runs[runs.length - 1];
      if (last && last.address + 8n * BigInt(last.count) === address
        && (last.count === 1 || last.value + last.step * BigInt(last.count) === value)) {
        if (last.count === 1) last.step = value - last.value;
        last.count++;
      } else {
        runs.push({ address, value, count: 1, step: 0n });
      }
    }
    return runs;
  }
}

const leaf = (pa: bigint, flags: bigint): bigint => ((pa >> 12n) << 10n) | flags;

/**
 * Build the tables for one paging case: identity code (4 KiB pages with the
 * harness page supervisor-only, or one user/supervisor 2 MiB or 1 GiB leaf),
 * the harness record page, identity scratch pages and aliases with random
 * permissions and A/D bits, a 2 MiB alias (sometimes a misaligned superpage),
 * a high-half 1 GiB alias and a window onto the alias leaf table.
 */
export function buildPageTables(rng: Prng, priv: Priv, code: CodeMapping, amo: boolean): PagingSetup {
  const sv48 = rng.chance(0.4);
  const levels = sv48 ? 4 : 3;
  const t = new TableBuilder(levels);
  const user = priv === Priv.U;
  const codeFlags = PTE.V | PTE.R | PTE.W | PTE.X | PTE.A | PTE.D | (user ? PTE.U : 0n);
  const supervisorRw = PTE.V | PTE.R | PTE.W | PTE.A | PTE.D;
  if (code === 'giga') {
    t.set(0x8000_0000n, 2, leaf(0x8000_0000n, codeFlags));
  } else {
    if (code === 'mega') t.set(0x8000_0000n, 1, leaf(0x8000_0000n, codeFlags));
    else {
      t.set(0x8000_0000n, 0, leaf(0x8000_0000n, codeFlags & ~PTE.U));
      for (let i = 1n; i < 256n; i++) t.set(0x8000_0000n + i * PAGE, 0, leaf(0x8000_0000n + i * PAGE, codeFlags));
      t.set(HARNESS_DATA, 0, leaf(HARNESS_DATA, supervisorRw));
    }
    t.set(SCRATCH, 0, leaf(SCRATCH, leafFlags(rng, user, amo)));
    t.set(SCRATCH + PAGE, 0, leaf(SCRATCH + PAGE, leafFlags(rng, user, amo)));
  }
  for (let i = 0; i < ALIAS_PAGES - 1; i++) {
    t.set(ALIAS_BASE + BigInt(i) * PAGE, 0, leaf(SCRATCH + BigInt(i % 2) * PAGE, leafFlags(rng, user, amo)));
  }
  const aliasPte = t.slot(ALIAS_BASE, 0);
  const aliasTable = aliasPte & ~0xfffn;
  t.set(ALIAS_BASE + BigInt(ALIAS_PAGES - 1) * PAGE, 0, leaf(aliasTable, supervisorRw | (user ? PTE.U : 0n)));
  const megaTarget = rng.chance(0.3) ? SCRATCH + PAGE : SCRATCH;
  t.set(MEGA_ALIAS, 1, leaf(megaTarget, leafFlags(rng, user, amo)));
  t.set(UNMAPPED + 0x20_0000n, 1, leaf(SCRATCH, PTE.V | PTE.R | PTE.A));
  const high = sv48 ? 0xffff_8000_8000_0000n : 0xffff_ffc0_8000_0000n;
  if (rng.chance(0.8)) t.set(high, 2, leaf(0x8000_0000n, leafFlags(rng, user, amo) | PTE.R));
  const asid = BigInt(rng.below(0x10000));
  return {
    mode: sv48 ? 'sv48' : 'sv39',
    code,
    satp: ((sv48 ? 9n : 8n) << 60n) | (asid << 44n) | (PAGE_TABLES >> 12n),
    runs: t.runs(),
    nonCanonical: sv48 ? 0x0000_8000_0000_0000n : 0x0000_0040_0000_0000n,
    high: high + (SCRATCH - 0x8000_0000n),
    aliasPte,
    amo,
  };
}

/** A virtual address the paging body touches (plus a small in-page offset). */
function pagedAddress(w: BodyWriter, p: PagingSetup, align: number): bigint {
  const offset = BigInt(Math.floor(w.rng.range(64, 4000) / align) * align);
  switch (w.rng.below(8)) {
    case 0:
    case 1:
    case 2:
      return ALIAS_BASE + BigInt(w.rng.below(ALIAS_PAGES - 1)) * PAGE + offset;
    case 3:
      return MEGA_ALIAS + BigInt(w.rng.below(2)) * PAGE + offset;
    case 4:
      return p.high + BigInt(w.rng.below(2)) * PAGE + offset;
    case 5:
      return w.rng.pick([p.nonCanonical, UNMAPPED, UNMAPPED + 0x20_0000n]) + offset;
    default:
      return SCRATCH + BigInt(w.rng.below(2)) * PAGE + offset;
  }
}

/**
 * One paging operation: a load, store or AMO through an alias, SUM/MXR
 * toggles, an instruction fetch from an unmapped, non-canonical or non-executable
 * page (never from an executable alias: the M handler reads the trapping
 * instruction at its physical address, which equals the VA only for code), or (S mode only) a PTE
 * rewrite through the table window followed by `sfence.vma`.
 */
export function pagingOp(w: BodyWriter, p: PagingSetup, priv: Priv): void {
  const base = w.rd(false, [1]);
  switch (w.rng.below(7)) {
    case 0:
    case 1:
      w.emit(w.li(base, pagedAddress(w, p, 8)), `${w.rng.pick(['ld', 'lw', 'lbu', 'lh'])} ${w.rd()}, 0(${base})`);
      return;
    case 2:
      w.emit(w.li(base, pagedAddress(w, p, 8)), `${w.rng.pick(['sd', 'sw', 'sb', 'sh'])} ${w.rs()}, 0(${base})`);
      return;
    case 3:
      if (!p.amo) {
        w.emit(w.li(base, pagedAddress(w, p, 8)), `lwu ${w.rd()}, 0(${base})`);
      } else if (w.rng.chance(0.5)) {
        const skew = w.rng.chance(0.2) ? BigInt(w.rng.range(1, 7)) : 0n;
        w.emit(w.li(base, pagedAddress(w, p, 8) + skew), `amoadd.d ${w.rd()}, ${w.rs()}, (${base})`);
      } else {
        amoOp(w);
      }
      return;
    case 4:
      w.emit(`li ${base}, ${w.rng.pick([0x40000, 0x80000, 0xc0000])}`, `${w.rng.pick(['csrs', 'csrc'])} sstatus, ${base}`);
      return;
    case 5:
      {
        const targets = priv === Priv.M ? PHYSICAL_HOLES : [UNMAPPED, p.nonCanonical, UNMAPPED + 0x20_0000n];
        w.emit(w.li(base, w.rng.pick(targets)), `jalr ra, 0(${base})`);
      }
      return;
    default: {
      if (priv !== Priv.S) {
        w.emit(w.li(base, ALIAS_BASE + BigInt(ALIAS_PAGES - 1) * PAGE), `ld ${w.rd()}, ${8 * w.rng.below(ALIAS_PAGES)}(${base})`);
        return;
      }
      const value = w.rd(false, [1, xIndex(base)]);
      const page = w.rng.below(ALIAS_PAGES - 1);
      const pte = leaf(SCRATCH + BigInt(w.rng.below(2)) * PAGE, leafFlags(w.rng, false, p.amo));
      w.emit(w.li(base, ALIAS_BASE + BigInt(ALIAS_PAGES - 1) * PAGE), w.li(value, pte));
      w.emit(`sd ${value}, ${8 * page}(${base})`, 'sfence.vma');
    }
  }
}
