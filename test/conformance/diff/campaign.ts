import { buildImage, type AssemblerKind } from './build.js';
import { runDejavm } from './dejavm.js';
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
}

/** The outcome of running one set of cases on both machines. */
export interface DiffResult {
  cases: TestCase[];
  differences: CaseDifference[];
  /** Cases whose only differences were known QEMU 7.2 deviations (not in `differences`). */
  quirks: number;
  /** The program source of the image (for reports). */
  source: string;
  qemuConsole: string;
  dejavmConsole: string;
  /** dejavm's stop reason and message. */
  dejavmStop: string;
}

/** dejavm's instruction budget for an image: a case needs about 100k (fills, checksums, dump), so 4x that, plus slack. */
const budgetFor = (cases: number): number => 1_000_000 + 400_000 * cases;

/** Build one image from `cases`, run it in QEMU and dejavm, and compare every case's dump line. */
async function diffImage(cases: TestCase[], options: DiffOptions): Promise<DiffResult> {
  const source = programText(cases);
  const image = buildImage(source, options.assembler ?? 'dejavm');
  const qemuRun = runQemu(image.elf, options.qemuTimeoutMs);
  const dejavm = runDejavm(image.elf, budgetFor(cases.length));
  const qemuConsole = await qemuRun;
  const expected = parseDumps(qemuConsole);
  const actual = parseDumps(dejavm.console);
  const raw = compareDumps(cases.map((c) => c.index), expected, actual);
  const differences = options.strict ? raw : raw.flatMap((d) => {
    if (d.kind !== 'fields') return [d];
    const sides = { expected: expected.get(d.index)!, actual: actual.get(d.index)! };
    const kept = withoutQuirks(d, image.bytes, (side, field) => sides[side][DUMP_FIELDS.indexOf(field)]!);
    return kept ? [kept] : [];
  });
  return {
    cases, differences, quirks: raw.length - differences.length, source, qemuConsole,
    dejavmConsole: dejavm.console, dejavmStop: dejavm.stop,
  };
}

/**
 * Diff `cases` in one image. When one side stops printing (a hang or a
 * crash in some case), that case is reported as missing and the cases after
 * it are diffed again in a fresh image, so one bad case never hides the rest.
 */
export async function diffCases(cases: TestCase[], options: DiffOptions = {}): Promise<DiffResult> {
  const result = await diffImage(cases, options);
  const firstMissing = result.differences.findIndex((d) => d.kind !== 'fields');
  if (firstMissing < 0) return result;
  const stuck = result.differences[firstMissing]!.index;
  const position = cases.findIndex((c) => c.index === stuck);
  const rest = cases.slice(position + 1);
  const kept = result.differences.filter((d) => d.kind === 'fields' && d.index < stuck);
  kept.push(result.differences[firstMissing]!);
  if (rest.length === 0) return { ...result, differences: kept };
  const tail = await diffCases(rest, options);
  return { ...result, differences: [...kept, ...tail.differences], quirks: result.quirks + tail.quirks };
}

/** Generate the batch `seed` of `count` cases and diff it. */
export function diffBatch(seed: number, count: number, options: DiffOptions = {}): Promise<DiffResult> {
  return diffCases(generateBatch(seed, count), options);
}
