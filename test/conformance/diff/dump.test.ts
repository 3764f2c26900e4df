import { describe, expect, it } from 'vitest';
import { compareDumps, parseDumps, type FieldDifference } from './dump.js';
import { DUMP_FIELDS, FIXED_DUMP_FIELDS } from './harness.js';
import { CODE_BASE, M_LOG } from './layout.js';
import { excuseQuirks, pairLoadStoreDelegation } from './quirks.js';

const hex16 = (v: bigint): string => v.toString(16).padStart(16, '0');
const at = (name: string): number => DUMP_FIELDS.indexOf(name);

/** A dump line for case `index` with the given fixed fields set and `mLog` M-mode log triples. */
function line(index: number, fixed: Record<string, bigint>, mLog: bigint[][] = []): string {
  const values = new Array<bigint>(FIXED_DUMP_FIELDS).fill(0n);
  values[0] = BigInt(index);
  for (const [name, v] of Object.entries(fixed)) values[at(name)] = v;
  values[at('mtraps')] = BigInt(mLog.length);
  return `D ${[...values, ...mLog.flat()].map(hex16).join(' ')} `;
}

describe('parseDumps', () => {
  it('reads fixed fields and the printed log entries, leaving the rest zero', () => {
    const dumps = parseDumps(`noise\n${line(3, { x5: 0x1234n }, [[2n, 0x8000_1000n, 0xffn]])}\nEND\n`);
    const d = dumps.get(3)!;
    expect(d.length).toBe(DUMP_FIELDS.length);
    expect(d[at('x5')]).toBe(0x1234n);
    expect([d[at('mtrap0.cause')], d[at('mtrap0.epc')], d[at('mtrap0.tval')]]).toEqual([2n, 0x8000_1000n, 0xffn]);
    expect(d[at('mtrap1.cause')]).toBe(0n);
  });

  it.each([
    ['a truncated line', (l: string) => l.slice(0, l.length - 20)],
    ['a line whose log length disagrees with mtraps', (l: string) => `${l}0000000000000001 `],
    ['a corrupted value', (l: string) => l.replace(/ 0{16} /, ' 00zz000000000000 ')],
  ])('skips %s', (_name, damage) => {
    expect(parseDumps(damage(line(1, {}, [[5n, 1n, 2n]]))).size).toBe(0);
  });
});

describe('compareDumps', () => {
  const expected = parseDumps([line(0, { x1: 1n }), line(1, {}), line(2, {})].join('\n'));
  const actual = parseDumps([line(0, { x1: 2n, f3: 7n }), line(1, {})].join('\n'));

  it('reports differing fields and cases missing on one side', () => {
    const diffs = compareDumps([0, 1, 2], expected, actual);
    expect(diffs).toEqual([
      { index: 0, kind: 'fields', fields: [
        { field: 'x1', expected: 1n, actual: 2n }, { field: 'f3', expected: 0n, actual: 7n }] },
      { index: 2, kind: 'missing-actual', fields: [] },
    ]);
  });
});

describe('excuseQuirks (AMO fault causes in QEMU 7.2)', () => {
  const amoadd = 0x00b5_302f; // amoadd.d x0, a1, (a0)
  const lrd = 0x1005_302f; // lr.d x0, (a0)
  const image = (word: number): Uint8Array => {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(4, word, true);
    return bytes;
  };
  const epc = CODE_BASE + 4n;
  const sides = (qemuCause: bigint, dejavmCause: bigint) => {
    const hash = (cause: bigint): bigint => {
      let h = 0n;
      for (const v of [cause, epc, 0x10n]) h = BigInt.asUintN(64, (h + (h << 5n)) ^ v);
      return h;
    };
    const values: Record<'expected' | 'actual', Record<string, bigint>> = {
      expected: { mtraps: 1n, 'mtrap0.cause': qemuCause, 'mtrap0.epc': epc, 'mtrap0.tval': 0x10n, mhash: hash(qemuCause),
        mlastcause: qemuCause, mlastepc: epc, straps: 0n },
      actual: { mtraps: 1n, 'mtrap0.cause': dejavmCause, 'mtrap0.epc': epc, 'mtrap0.tval': 0x10n, mhash: hash(dejavmCause),
        mlastcause: dejavmCause, mlastepc: epc, straps: 0n },
    };
    const fields: FieldDifference[] = ['mtrap0.cause', 'mhash', 'mlastcause'].map((field) => ({
      field, expected: values.expected[field]!, actual: values.actual[field]!,
    }));
    return { fields, get: (side: 'expected' | 'actual', field: string) => values[side][field] ?? 0n };
  };

  it.each([
    ['load access fault vs store/AMO access fault at an AMO', amoadd, 5n, 7n, 0],
    ['load misaligned vs store/AMO misaligned at an AMO', amoadd, 4n, 6n, 0],
    ['load page fault vs store/AMO page fault at an AMO', amoadd, 13n, 15n, 0],
    ['the same cause pair at an LR (a load: dejavm is wrong)', lrd, 5n, 7n, 3],
    ['an unrelated cause pair at an AMO', amoadd, 5n, 15n, 3],
  ])('%s', (_name, word, qemuCause, dejavmCause, remaining) => {
    const { fields, get } = sides(qemuCause, dejavmCause);
    expect(excuseQuirks(fields, image(word), get).remaining).toHaveLength(remaining);
  });

  it('never excuses the hash when the log cannot hold every trap', () => {
    const { fields, get } = sides(5n, 7n);
    const overflowing = (side: 'expected' | 'actual', field: string) => (field === 'mtraps' ? BigInt(M_LOG + 1) : get(side, field));
    expect(excuseQuirks(fields, image(amoadd), overflowing).remaining.map((f) => f.field)).toEqual(['mhash']);
  });
});

describe('pairLoadStoreDelegation', () => {
  it.each([
    [0n, 0n],
    [1n << 5n, (1n << 5n) | (1n << 7n)],
    [1n << 15n, (1n << 13n) | (1n << 15n)],
    [(1n << 4n) | (1n << 8n), (1n << 4n) | (1n << 6n) | (1n << 8n)],
  ])('medeleg %s becomes %s', (input, output) => {
    expect(pairLoadStoreDelegation(input)).toBe(output);
  });
});
