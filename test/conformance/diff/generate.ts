import { BodyWriter, Priv } from './gen-context.js';
import { compressedOp } from './gen-compressed.js';
import { fcsrAccess, fpOp, fpValue } from './gen-fp.js';
import { aluOp, amoOp, controlFlow, countedLoop, lrScOp, memoryOp } from './gen-int.js';
import { buildPageTables, pagingOp, type CodeMapping } from './gen-paging.js';
import { csrOp, privOp, trapOp, type PrivState } from './gen-system.js';
import type { CaseSetup, TestCase } from './program.js';
import { pairLoadStoreDelegation } from './quirks.js';
import { Prng } from './prng.js';

/** The program categories; every batch cycles through all of them. */
export const CATEGORIES = ['int', 'amo', 'fp', 'compressed', 'csr', 'trap', 'priv', 'paging'] as const;
/** One program category. */
export type Category = (typeof CATEGORIES)[number];

/** Exceptions a case may delegate at setup: all but ecall from S (the S handler's escape) and M. */
const DELEGABLE = 0xb1ffn & ~(1n << 9n) & ~(1n << 11n) & ~(1n << 10n);
/** Fault causes only paging cases delegate (their S handler always runs on mapped pages). */
const FAULTS = 0xb0a2n;

const MSTATUS = { SIE: 1n << 1n, MIE: 1n << 3n, SPIE: 1n << 5n, MPIE: 1n << 7n, SPP: 1n << 8n, MPRV: 1n << 17n,
  SUM: 1n << 18n, MXR: 1n << 19n, TVM: 1n << 20n, TW: 1n << 21n, TSR: 1n << 22n } as const;

/** UXL = SXL = 2 (64-bit), written explicitly so QEMU's writable UXL is reset at every case. */
const XLEN_64 = 0xa_0000_0000n;

function randomPriv(rng: Prng, m: number, s: number): Priv {
  const r = rng.next32() / 0x1_0000_0000;
  return r < m ? Priv.M : r < m + s ? Priv.S : Priv.U;
}

/** Initial state shared by all categories: random registers and FP state, harmless CSRs. */
function baseSetup(rng: Prng, priv: Priv, fpOn: boolean): CaseSetup {
  const w = new BodyWriter(rng, false);
  const x = Array.from({ length: 31 }, () => w.value());
  const fs = fpOn ? BigInt(rng.range(1, 3)) : BigInt(rng.range(0, 3));
  let mstatus = XLEN_64 | (BigInt(priv) << 11n) | (fs << 13n);
  for (const bit of [MSTATUS.SIE, MSTATUS.SPIE, MSTATUS.MPIE, MSTATUS.SPP, MSTATUS.SUM, MSTATUS.MXR]) {
    if (rng.chance(0.3)) mstatus |= bit;
  }
  const frm = rng.chance(0.9) ? rng.below(5) : rng.range(5, 7);
  return {
    x, f: Array.from({ length: 32 }, () => fpValue(rng)), fcsr: BigInt((frm << 5) | rng.below(32)), mstatus,
    medeleg: 0n, mideleg: 0n, satp: 0n, mie: 0n, mip: 0n, mscratch: rng.next64(), sscratch: rng.next64(),
    mcounteren: BigInt(rng.below(8)), scounteren: BigInt(rng.below(8)), seed: rng.next64() | 1n, runs: [],
  };
}

/**
 * Random trap delegation, TVM/TW/TSR, interrupt enables and pending
 * software interrupts (taken right after the entry `mret` when enabled) for
 * the trap and privilege categories; TSR only without delegation (the S handler returns
 * with `sret`); MPRV only for bodies that start in M mode (QEMU 7.2
 * does not clear it on an `mret` to S or U, see quirks.ts).
 */
function privilegedSetup(rng: Prng, setup: CaseSetup): void {
  if (rng.chance(0.7)) {
    setup.medeleg = pairLoadStoreDelegation(rng.next64() & DELEGABLE & ~FAULTS);
    setup.mideleg = rng.next64() & 0x2666n;
  }
  for (const bit of [MSTATUS.TVM, MSTATUS.TW]) {
    if (rng.chance(0.25)) setup.mstatus |= bit;
  }
  if (setup.medeleg === 0n && setup.mideleg === 0n && rng.chance(0.5)) setup.mstatus |= MSTATUS.TSR;
  if (rng.chance(0.6)) setup.mie = rng.next64() & 0x266en;
  if (rng.chance(0.2)) setup.mip = rng.next64() & 0x2666n;
  if (rng.chance(0.3)) setup.mstatus |= MSTATUS.MIE;
  if (((setup.mstatus >> 11n) & 3n) === 3n && rng.chance(0.25)) setup.mstatus |= MSTATUS.MPRV;
}

/** Write the body of one case of `category`. */
function writeBody(category: Category, rng: Prng, setup: CaseSetup, priv: Priv): string[][] {
  const length = rng.range(6, 24);
  if (category === 'paging') return pagingBody(rng, setup, priv, length);
  const w = new BodyWriter(rng, false);
  const state: PrivState = { priv, known: true };
  for (let i = 0; i < length; i++) {
    const r = rng.below(100);
    w.nextItem();
    switch (category) {
      case 'int':
        if (r < 55) aluOp(w);
        else if (r < 75) memoryOp(w);
        else if (r < 88) controlFlow(w);
        else if (r < 94) countedLoop(w);
        else compressedOp(w);
        break;
      case 'amo':
        if (r < 40) amoOp(w);
        else if (r < 70) lrScOp(w);
        else if (r < 85) memoryOp(w);
        else aluOp(w);
        break;
      case 'fp':
        if (r < 80) fpOp(w);
        else if (r < 90) fcsrAccess(w);
        else aluOp(w);
        break;
      case 'compressed':
        if (r < 85) compressedOp(w);
        else aluOp(w);
        break;
      case 'csr':
        if (r < 70) csrOp(w, state.priv);
        else if (r < 85) fcsrAccess(w);
        else aluOp(w);
        break;
      case 'trap':
        if (r < 60) trapOp(w);
        else if (r < 80) memoryOp(w, 0.6);
        else aluOp(w);
        break;
      default:
        if (r < 40) privOp(w, state);
        else if (r < 60) csrOp(w, state.priv);
        else if (r < 80) trapOp(w);
        else aluOp(w);
    }
  }
  return w.items.filter((item) => item.length > 0);
}

/**
 * A paging body: page tables in the setup, then loads/stores/AMOs through
 * mapped, aliased and faulting addresses. M-mode bodies run with MPRV set, so
 * their loads and stores translate as MPP: U after the entry `mret`, or S when
 * every item first sets MPP = S again. (A trap returns with MPP = U; QEMU 7.2
 * keeps translations cached under MPP = S until an mstatus write flushes
 * them, so an S-mode view must never be left to go stale.)
 */
function pagingBody(rng: Prng, setup: CaseSetup, priv: Priv, length: number): string[][] {
  const code: CodeMapping = rng.pick(['4k', '4k', 'mega', 'giga']);
  const tables = buildPageTables(rng, priv, code, rng.chance(0.5));
  setup.satp = tables.satp;
  setup.runs = tables.runs;
  setup.mstatus &= ~(MSTATUS.TVM | MSTATUS.MPRV);
  if (priv === Priv.M) setup.mstatus |= MSTATUS.MPRV;
  if (code === '4k' || priv === Priv.S) setup.medeleg = pairLoadStoreDelegation(rng.next64() & DELEGABLE);
  const w = new BodyWriter(rng, true);
  const supervisorView = priv === Priv.M && rng.chance(0.5);
  for (let i = 0; i < length; i++) {
    const r = rng.below(100);
    w.nextItem();
    if (supervisorView) w.emit('li t0, 0x800', 'csrs mstatus, t0');
    if (r < 65) pagingOp(w, tables, priv);
    else if (r < 80) memoryOp(w);
    else aluOp(w);
  }
  return w.items.filter((item) => item.length > 0);
}

/** Generate the case at `index` of `category` from its own PRNG stream. */
export function generateCase(rng: Prng, index: number, category: Category): TestCase {
  let priv: Priv;
  if (category === 'priv' || category === 'csr') priv = randomPriv(rng, 0.6, 0.25);
  else if (category === 'paging') priv = randomPriv(rng, 0.15, 0.5);
  else priv = randomPriv(rng, 0.5, 0.3);
  const setup = baseSetup(rng, priv, category === 'fp' || rng.chance(0.8));
  if (category === 'trap' || category === 'priv') privilegedSetup(rng, setup);
  const body = writeBody(category, rng, setup, priv);
  return { index, category, setup, body };
}

/**
 * A batch of `count` cases from `seed`: case `i` has category
 * `CATEGORIES[i % 8]` and its own PRNG stream, so one case can be regenerated
 * (and shrunk) without the others.
 */
export function generateBatch(seed: number, count: number): TestCase[] {
  const root = new Prng(seed);
  return Array.from({ length: count }, (_, i) => generateCase(root.fork(), i, CATEGORIES[i % CATEGORIES.length]!));
}
