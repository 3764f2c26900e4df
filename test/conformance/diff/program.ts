import { harnessText } from './harness.js';

/** Consecutive page-table entries written before a case: `count` values from `value`, adding `step` each. */
export interface PteRun {
  address: bigint;
  value: bigint;
  count: number;
  step: bigint;
}

/** The architectural state a case starts from (written by `case_enter`, then `mret` to the body). */
export interface CaseSetup {
  /** x1..x31 (31 values; the x3 slot is ignored, `gp` holds the harness base). */
  x: bigint[];
  /** f0..f31 raw 64-bit patterns. */
  f: bigint[];
  fcsr: bigint;
  /** Full mstatus written just before `mret` (MPP selects the body's privilege). */
  mstatus: bigint;
  medeleg: bigint;
  mideleg: bigint;
  satp: bigint;
  mie: bigint;
  mip: bigint;
  mscratch: bigint;
  sscratch: bigint;
  mcounteren: bigint;
  scounteren: bigint;
  /** Seed of the xorshift fill of the scratch pages (non-zero). */
  seed: bigint;
  /** Page-table entries (empty when the case runs without translation). */
  runs: PteRun[];
}

/** One generated program: its category, initial state and body (assembly lines, no labels outside `L<n>` locals). */
export interface TestCase {
  /** Position in its batch; printed first on the dump line. */
  index: number;
  /** Category name (e.g. `int`, `fp`, `paging`), for reports. */
  category: string;
  setup: CaseSetup;
  /**
   * Body items (each one generated operation as assembly lines); local labels
   * `L<n>` must be unique within the body and are prefixed per case.
   */
  body: string[][];
}

const hex = (v: bigint): string => `0x${BigInt.asUintN(64, v).toString(16)}`;

/** The descriptor data of one case, in the layout of `D` (see layout.ts). */
function descriptorLines(c: TestCase): string[] {
  const s = c.setup;
  const values: bigint[] = [
    BigInt(c.index), ...s.x, ...s.f, s.fcsr, s.mstatus, s.medeleg, s.mideleg, s.satp, s.mie, s.mip,
    s.mscratch, s.sscratch, s.mcounteren, s.scounteren, s.seed, BigInt(s.runs.length),
    ...s.runs.flatMap((r) => [r.address, r.value, BigInt(r.count), r.step]),
  ];
  return values.map((v) => `  .dword ${hex(v)}`);
}

/** Rewrite the body's local labels `L<name>` to `c<index>_<name>` so cases never collide. */
export function localizeLabels(lines: readonly string[], index: number): string[] {
  return lines.map((line) => line.replace(/\bL([A-Za-z0-9_]+)\b/g, `c${index}_$1`));
}

/** The assembly lines of one case: entry stub, descriptor, body, exit `ecall`. */
export function caseText(c: TestCase, next: string): string[] {
  const p = `case${c.index}`;
  return [
    `${p}:`,
    `  la a0, ${p}_desc`,
    `  la a1, ${p}_body`,
    `  la a2, ${p}_exit`,
    `  la a3, ${next}`,
    '  j case_enter',
    '  .align 3',
    `${p}_desc:`,
    ...descriptorLines(c),
    `${p}_body:`,
    ...localizeLabels(c.body.flat(), c.index),
    `${p}_exit:`,
    '  ecall',
  ];
}

/** The full source of a batch image: harness followed by every case in order, then `finish`. */
export function programText(cases: readonly TestCase[]): string {
  const lines = harnessText(cases.length > 0 ? `case${cases[0]!.index}` : 'finish');
  cases.forEach((c, i) => lines.push(...caseText(c, i + 1 < cases.length ? `case${cases[i + 1]!.index}` : 'finish')));
  return lines.join('\n') + '\n';
}
