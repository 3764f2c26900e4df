/**
 * `npm run fuzz:diff [-- options]`: differential soak of dejavm against
 * qemu-system-riscv64 with random (or given) seeds, until a program count is
 * reached or Ctrl-C. Every image runs under both backends (dbt translating
 * every block at once); every mismatch is shrunk and printed as a reproducer,
 * and runs in which the backends disagree are printed too.
 *
 * Options: `--seed N` first batch seed (default: from the clock, printed),
 * `--programs N` stop after N programs (default: unlimited), `--batch N`
 * programs per image (default 80), `--strict` report known QEMU 7.2
 * deviations too, `--assembler dejavm|gnu` (default dejavm), `--no-shrink`.
 */
import { parseArgs } from 'node:util';
import type { AssemblerKind } from './build.js';
import { backendDisagreement, diffBatch } from './campaign.js';
import { describeFields } from './dump.js';
import { formatReproducer, shrinkCase } from './shrink.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    programs: { type: 'string' },
    batch: { type: 'string', default: '80' },
    strict: { type: 'boolean', default: false },
    assembler: { type: 'string', default: 'dejavm' },
    'no-shrink': { type: 'boolean', default: false },
  },
});

const firstSeed = values.seed !== undefined ? Number(values.seed) : Date.now() % 1_000_000_007;
const limit = values.programs !== undefined ? Number(values.programs) : Infinity;
const batchSize = Number(values.batch);
const options = { strict: values.strict, assembler: values.assembler as AssemblerKind };

let stopping = false;
process.on('SIGINT', () => {
  if (stopping) process.exit(130);
  stopping = true;
  console.log('\nstopping after this batch (Ctrl-C again to quit now)');
});

let programs = 0;
let mismatches = 0;
let quirks = 0;
const started = Date.now();
console.log(`fuzz:diff: first seed ${firstSeed}, ${batchSize} programs per image`);
for (let seed = firstSeed; !stopping && programs < limit; seed++) {
  const count = Math.min(batchSize, limit - programs);
  programs += count;
  let result;
  try {
    result = await diffBatch(seed, count, options);
  } catch (error) {
    mismatches++;
    console.log(`ERROR seed=${seed}: ${(error as Error).message}`);
    continue;
  }
  quirks += result.quirks;
  for (const difference of result.differences) {
    mismatches++;
    const testCase = result.cases.find((c) => c.index === difference.index)!;
    if (values['no-shrink']) {
      console.log(`MISMATCH seed=${seed} case=${difference.index} backend=${difference.backend} category=${testCase.category} ${difference.kind}`);
      console.log(describeFields(difference.fields));
    } else {
      console.log(formatReproducer(seed, await shrinkCase(testCase, difference, options)));
    }
  }
  const disagreement = backendDisagreement(result.runs);
  if (disagreement !== undefined) {
    mismatches++;
    console.log(`BACKENDS DISAGREE seed=${seed}: ${disagreement}`);
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`seed ${seed}: ${programs} programs, ${mismatches} mismatches, ${quirks} known QEMU deviations, `
    + `${(programs / seconds).toFixed(1)} programs/s`);
}
process.exitCode = mismatches > 0 ? 1 : 0;
