import { DUMP_FIELDS, FIXED_DUMP_FIELDS } from './harness.js';
import { M_LOG, S_LOG } from './layout.js';

/** One parsed dump line: the values in `DUMP_FIELDS` order. */
export type Dump = readonly bigint[];

/** A field whose value differs between the reference and the machine under test. */
export interface FieldDifference {
  field: string;
  expected: bigint;
  actual: bigint;
}

/** How one case differs: missing on one side, or a list of differing fields. */
export interface CaseDifference {
  index: number;
  /** `missing-expected`/`missing-actual` when a side printed no line for the case. */
  kind: 'fields' | 'missing-expected' | 'missing-actual';
  fields: FieldDifference[];
}

/** Parse every complete `D ...` line of a console log into full dumps (unprinted log entries as zero), keyed by case index. */
export function parseDumps(console: string): Map<number, Dump> {
  const dumps = new Map<number, Dump>();
  for (const line of console.split('\n')) {
    if (!line.startsWith('D ')) continue;
    const words = line.trim().split(/\s+/).slice(1);
    if (words.length < FIXED_DUMP_FIELDS || !words.every((w) => /^[0-9a-f]{16}$/.test(w))) continue;
    const printed = words.map((w) => BigInt(`0x${w}`));
    const field = (name: string): bigint => printed[DUMP_FIELDS.indexOf(name)]!;
    const mEntries = Math.min(Number(field('mtraps')), M_LOG);
    const sEntries = Math.min(Number(field('straps')), S_LOG);
    if (words.length !== FIXED_DUMP_FIELDS + 3 * (mEntries + sEntries)) continue;
    const values = new Array<bigint>(DUMP_FIELDS.length).fill(0n);
    printed.slice(0, FIXED_DUMP_FIELDS + 3 * mEntries).forEach((v, i) => (values[i] = v));
    printed.slice(FIXED_DUMP_FIELDS + 3 * mEntries).forEach((v, i) => (values[FIXED_DUMP_FIELDS + 3 * M_LOG + i] = v));
    dumps.set(Number(values[0]), values);
  }
  return dumps;
}

/** Compare the dumps of the cases `indices`; QEMU's side is `expected`. */
export function compareDumps(
  indices: readonly number[], expected: Map<number, Dump>, actual: Map<number, Dump>,
): CaseDifference[] {
  const differences: CaseDifference[] = [];
  for (const index of indices) {
    const e = expected.get(index);
    const a = actual.get(index);
    if (!e || !a) {
      differences.push({ index, kind: e ? 'missing-actual' : 'missing-expected', fields: [] });
      continue;
    }
    const fields: FieldDifference[] = [];
    DUMP_FIELDS.forEach((field, i) => {
      if (e[i] !== a[i]) fields.push({ field, expected: e[i]!, actual: a[i]! });
    });
    if (fields.length > 0) differences.push({ index, kind: 'fields', fields });
  }
  return differences;
}

/** One line per differing field, e.g. `  f3: qemu 0x7ff8000000000000, dejavm 0x7ff8000000000001`. */
export function describeFields(fields: readonly FieldDifference[]): string {
  const hex = (v: bigint): string => `0x${v.toString(16)}`;
  return fields.map((f) => `  ${f.field}: qemu ${hex(f.expected)}, dejavm ${hex(f.actual)}`).join('\n');
}
