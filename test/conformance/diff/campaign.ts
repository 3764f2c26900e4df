import type { BackendName } from '../../../src/exec/backends.js';
import { buildImage, type AssemblerKind } from './build.js';
import { runDejavm, type DejavmRun } from './dejavm.js';
import { compareDumps, parseDumps, type CaseDifference } from './dump.js';
import { generateBatch } from './generate.js';
import { DUMP_FIELDS } from './harness.js';
import { programText, type TestCase } from './program.js';
import { runQemu } from './qemu.js';
import { withoutQuirks } from './quirks.js';

/** Options of a differential run. */
export interface DiffOptions {
  /** Assembler for the images (default `dejavm`, src/isa/asm.ts; `gnu` uses binutils, independent of the code under test). */
  assembler?: AssemblerKind;
  /** QEMU wall-clock limit per image in milliseconds. */
  qemuTimeoutMs?: number;
  /** Report known QEMU 7.2 deviations (see quirks.ts) as mismatches too. */
  strict?: boolean;
  /** dejavm backends that each run the image against the one QEMU run (default: `interp`, then `dbt`). */
  backends?: readonly BackendName[];
}

/** The backends every image runs under unless `DiffOptions.backends` says otherwise. */
export const DIFF_BACKENDS: readonly BackendName[] = ['interp', 'dbt'];

/** A case that differs from QEMU under one dejavm backend. */
export interface BackendDifference extends CaseDifference {
  backend: BackendName;
}

/** One backend's run of an image. */
export interface BackendRun extends DejavmRun {
  backend: BackendName;
}

/** The outcome of running one set of cases on both machines. */
export interface DiffResult {
  cases: TestCase[];
  /** Mismatches under each backend, backend by backend. */
  differences: BackendDifference[];
  /** Cases whose only differences were known QEMU 7.2 deviations (not in `differences`), counted under each backend. */
  quirks: number;
  /** The program source of the image (for reports). */
  source: string;
  qemuConsole: string;
  /** The image's run under each backend (of the first image, when a missing case made `diffCases` split the cases). */
  runs: BackendRun[];
}

/** dejavm's instruction budget for an image: a case needs about 100k (fills, checksums, dump), so 4x that, plus slack. */
const budgetFor = (cases: number): number => 1_000_000 + 400_000 * cases;

/** Build one image from `cases`, run it once in QEMU and under each dejavm backend, and compare every case's dump line. */
async function diffImage(cases: TestCase[], options: DiffOptions): Promise<DiffResult> {
  const source = programText(cases);
  const image = buildImage(source, options.assembler ?? 'dejavm');
  const qemuRun = runQemu(image.elf, options.qemuTimeoutMs);
  const runs = (options.backends ?? DIFF_BACKENDS).map((backend): BackendRun => ({
    backend, ...runDejavm(image.elf, budgetFor(cases.length), backend),
  }));
  const qemuConsole = await qemuRun;
  const expected = parseDumps(qemuConsole);
  const differences: BackendDifference[] = [];
  let quirks = 0;
  for (const run of runs) {
    const actual = parseDumps(run.console);
    const raw = compareDumps(cases.map((c) => c.index), expected, actual);
    const kept = options.strict ? raw : raw.flatMap((d) => {
      if (d.kind !== 'fields') return [d];
      const sides = { expected: expected.get(d.index)!, actual: actual.get(d.index)! };
      const unexplained = withoutQuirks(d, image.bytes, (side, field) => sides[side][DUMP_FIELDS.indexOf(field)]!);
      return unexplained ? [unexplained] : [];
    });
    quirks += raw.length - kept.length;
    differences.push(...kept.map((d) => ({ ...d, backend: run.backend })));
  }
  return { cases, differences, quirks, source, qemuConsole, runs };
}

/**
 * Diff `cases` in one image. When one side stops printing (a hang or a
 * crash in some case, under any backend), that case is reported as missing
 * and the cases after it are diffed again in a fresh image, so one bad case
 * never hides the rest.
 */
export async function diffCases(cases: TestCase[], options: DiffOptions = {}): Promise<DiffResult> {
  const result = await diffImage(cases, options);
  const position = (index: number): number => cases.findIndex((c) => c.index === index);
  const missing = result.differences.filter((d) => d.kind !== 'fields');
  if (missing.length === 0) return result;
  const stuck = Math.min(...missing.map((d) => position(d.index)));
  const kept = result.differences.filter((d) => (d.kind === 'fields' ? position(d.index) < stuck : position(d.index) === stuck));
  const rest = cases.slice(stuck + 1);
  if (rest.length === 0) return { ...result, differences: kept };
  const tail = await diffCases(rest, options);
  return { ...result, differences: [...kept, ...tail.differences], quirks: result.quirks + tail.quirks };
}

/** Generate the batch `seed` of `count` cases and diff it. */
export function diffBatch(seed: number, count: number, options: DiffOptions = {}): Promise<DiffResult> {
  return diffCases(generateBatch(seed, count), options);
}

/** The index of the first line where two consoles differ (a missing line differs from any), or -1. */
function firstDifferingLine(expected: readonly string[], actual: readonly string[]): number {
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) if (expected[i] !== actual[i]) return i;
  return -1;
}

/** How two console lines differ: field by field (`  x1: interp 0x5, dbt 0x6`) when both are dump lines, else both lines. */
function describeLines(names: readonly [string, string], texts: readonly [string, string]): string {
  const dumps = texts.map((text) => [...parseDumps(text).values()][0]);
  const [a, b] = dumps;
  if (a === undefined || b === undefined) return texts.map((text, i) => `  ${names[i]}: ${JSON.stringify(text)}`).join('\n');
  const hex = (v: bigint): string => `0x${v.toString(16)}`;
  const fields = DUMP_FIELDS.flatMap((field, i) => (a[i] === b[i] ? [] : [`  ${field}: ${names[0]} ${hex(a[i]!)}, ${names[1]} ${hex(b[i]!)}`]));
  return [`  the dump of case ${a[0]}:`, ...fields].join('\n');
}

/**
 * Where the runs of one image under different backends part, although
 * backends must be bit-exact (design rule 4): the first console line that
 * differs from the first run's (field by field for a dump line), then the
 * stop and the instruction count. `undefined` when every run agrees exactly.
 * Stricter than the comparison with QEMU, which excuses known QEMU quirks.
 */
export function backendDisagreement(runs: readonly BackendRun[]): string | undefined {
  const [reference, ...others] = runs;
  if (reference === undefined) return undefined;
  const expected = reference.console.split('\n');
  for (const run of others) {
    const actual = run.console.split('\n');
    const names = [reference.backend, run.backend] as const;
    const line = firstDifferingLine(expected, actual);
    if (line >= 0) {
      return `${run.backend} and ${reference.backend} first differ at console line ${line + 1}:\n`
        + describeLines(names, [expected[line] ?? '', actual[line] ?? '']);
    }
    if (run.stop !== reference.stop || run.instructions !== reference.instructions) {
      return `${run.backend} and ${reference.backend} print the same but stop differently: `
        + runs.map((r) => `${r.backend} ${r.stop} after ${r.instructions} instructions`).join(', ');
    }
  }
  return undefined;
}
