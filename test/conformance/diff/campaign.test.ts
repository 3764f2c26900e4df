import { describe, expect, it } from 'vitest';
import { PERTURB_VARIABLE } from '../../../src/exec/perturb.js';
import { backendDisagreement, diffBatch, type BackendRun } from './campaign.js';
import { DUMP_FIELDS, FIXED_DUMP_FIELDS } from './harness.js';
import { qemuAvailable } from './qemu.js';

const hex16 = (v: bigint): string => v.toString(16).padStart(16, '0');

/** A dump line for case `index` with x5 = `x5` and no trap log. */
function dumpLine(index: number, x5: bigint): string {
  const values = new Array<bigint>(FIXED_DUMP_FIELDS).fill(0n);
  values[0] = BigInt(index);
  values[DUMP_FIELDS.indexOf('x5')] = x5;
  return `D ${values.map(hex16).join(' ')} `;
}

const run = (backend: BackendRun['backend'], lines: string[], instructions = 1000): BackendRun => ({
  backend, console: `${lines.join('\n')}\n`, stop: 'pass: test: guest wrote PASS (0x5555)', instructions,
});

describe('backendDisagreement', () => {
  const agreed = [dumpLine(0, 1n), dumpLine(1, 2n), 'END'];

  it.each([
    ['identical runs', run('dbt', agreed), undefined],
    ['a dump field', run('dbt', [dumpLine(0, 1n), dumpLine(1, 3n), 'END']),
      'dbt and interp first differ at console line 2:\n  the dump of case 1:\n  x5: interp 0x2, dbt 0x3'],
    ['a missing line', run('dbt', agreed.slice(0, 2)), 'dbt and interp first differ at console line 3:\n  interp: "END"\n  dbt: ""'],
    ['the instruction count alone', run('dbt', agreed, 1001),
      'dbt and interp print the same but stop differently: interp pass: test: guest wrote PASS (0x5555) after 1000 instructions, '
        + 'dbt pass: test: guest wrote PASS (0x5555) after 1001 instructions'],
  ])('%s', (_name, other, expected) => {
    expect(backendDisagreement([run('interp', agreed), other])).toBe(expected);
  });
});

describe('the dbt leg of a differential run', () => {
  it.runIf(qemuAvailable())('catches a fault injected into dbt alone and names dbt', async () => {
    process.env[PERTURB_VARIABLE] = 'dbt:150000';
    try {
      const result = await diffBatch(5, 4);
      expect(result.differences.length).toBeGreaterThan(0);
      expect(new Set(result.differences.map((d) => d.backend))).toEqual(new Set(['dbt']));
      expect(backendDisagreement(result.runs)).toMatch(/^dbt and interp first differ at console line \d+/);
    } finally {
      delete process.env[PERTURB_VARIABLE];
    }
  }, 60_000);
});
