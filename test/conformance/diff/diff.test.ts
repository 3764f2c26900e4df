/**
 * Differential conformance: 2,000 generated programs (25 images of 80, every
 * category in each) run in qemu-system-riscv64 and in dejavm; every dump line
 * must agree, apart from the documented QEMU 7.2 deviations in quirks.ts.
 * dejavm runs each image twice, under `interp` and under `dbt` translating
 * every block the first time it is reached; both runs must match QEMU, and
 * each other exactly (console, stop, instruction count).
 * A mismatch fails with the seed, the case, the backend and a shrunk reproducer.
 * Without QEMU the tests skip, except in CI (process.env.CI), where they fail.
 */
import { describe, expect, it } from 'vitest';
import { assembleWithGnu, buildImage } from './build.js';
import { backendDisagreement, diffBatch, type DiffResult } from './campaign.js';
import { parseDumps } from './dump.js';
import { generateBatch } from './generate.js';
import { programText } from './program.js';
import { qemuAvailable, runQemu } from './qemu.js';
import { formatReproducer, shrinkCase } from './shrink.js';

const PROGRAMS_PER_IMAGE = 80;
const SEEDS = Array.from({ length: 25 }, (_, i) => i + 1);
/** Mismatches shrunk per failing image (each shrink costs dozens of runs). */
const SHRUNK_PER_IMAGE = 2;

const haveQemu = qemuAvailable();
const inCi = Boolean(process.env.CI);
const qemuTest = haveQemu || inCi ? it : it.skip;

function gnuAvailable(): boolean {
  try {
    assembleWithGnu('  .globl _start\n_start:\n  nop\n');
    return true;
  } catch {
    return false;
  }
}

function requireQemu(): void {
  if (!haveQemu) throw new Error('qemu-system-riscv64 is not installed (required in CI: apt-get install qemu-system-misc)');
}

/**
 * Fail when the batch mismatches QEMU or its backends disagree: counts, where
 * the backends part, then shrunk reproducers for the first mismatches.
 */
async function expectAgreement(seed: number, result: DiffResult): Promise<void> {
  const disagreement = backendDisagreement(result.runs);
  if (result.differences.length === 0 && disagreement === undefined) return;
  const stops = result.runs.map((run) => `${run.backend} stopped with ${run.stop}`).join('; ');
  const parts = [`seed ${seed}: ${result.differences.length} mismatching programs (${stops})`];
  if (disagreement !== undefined) parts.push(disagreement);
  for (const difference of result.differences.slice(0, SHRUNK_PER_IMAGE)) {
    const testCase = result.cases.find((c) => c.index === difference.index)!;
    parts.push(formatReproducer(seed, await shrinkCase(testCase, difference)));
  }
  expect.fail(parts.join('\n\n'));
}

describe('differential testing against qemu-system-riscv64', () => {
  qemuTest('QEMU runs an image deterministically and prints every case', async () => {
    requireQemu();
    const cases = generateBatch(99, 16);
    const image = buildImage(programText(cases), 'dejavm');
    const [first, second] = [await runQemu(image.elf), await runQemu(image.elf)];
    expect(first).toBe(second);
    expect(first.trimEnd().endsWith('END')).toBe(true);
    expect([...parseDumps(first).keys()]).toEqual(cases.map((c) => c.index));
  });

  qemuTest.each(SEEDS)(`image seed %i: ${PROGRAMS_PER_IMAGE} programs agree`, async (seed) => {
    requireQemu();
    await expectAgreement(seed, await diffBatch(seed, PROGRAMS_PER_IMAGE));
  }, 600_000);

  (haveQemu && gnuAvailable() ? it : it.skip)('images assembled by binutils instead of dejavm\'s assembler agree too', async () => {
    for (const seed of [1001, 1002]) {
      await expectAgreement(seed, await diffBatch(seed, PROGRAMS_PER_IMAGE, { assembler: 'gnu' }));
    }
  }, 600_000);
});
