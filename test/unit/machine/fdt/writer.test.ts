import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeCells, encodeStrings, encodeU64, FdtWriter } from '../../../../src/machine/fdt/writer.js';
import { hostToolAvailable, shouldRunWith, skipNote } from '../../../guests/host-tools.js';
import { cellsOf, findNode, parseDtb, stringsOf } from './dtb-parser.js';

function names(values: { name: string }[]): string[] {
  return values.map((value) => value.name);
}

describe('FdtWriter encodings', () => {
  const cases: { title: string; set: (fdt: FdtWriter) => void; bytes: number[] }[] = [
    { title: 'one cell', set: (fdt) => fdt.setCell('/', 'p', 0x12345678), bytes: [0x12, 0x34, 0x56, 0x78] },
    { title: 'cells', set: (fdt) => fdt.setCells('/', 'p', [1, 0xffffffff]), bytes: [0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff] },
    { title: 'u64 as two cells', set: (fdt) => fdt.setU64('/', 'p', 0x1_2345_6789n), bytes: [0, 0, 0, 1, 0x23, 0x45, 0x67, 0x89] },
    { title: 'string', set: (fdt) => fdt.setString('/', 'p', 'ab'), bytes: [0x61, 0x62, 0] },
    { title: 'string list', set: (fdt) => fdt.setStringList('/', 'p', ['a', 'bc']), bytes: [0x61, 0, 0x62, 0x63, 0] },
    { title: 'bytes', set: (fdt) => fdt.setProperty('/', 'p', Uint8Array.of(9, 8, 7, 6, 5)), bytes: [9, 8, 7, 6, 5] },
    { title: 'empty', set: (fdt) => fdt.setEmpty('/', 'p'), bytes: [] },
  ];
  it.each(cases)('$title', ({ set, bytes }) => {
    const fdt = new FdtWriter();
    set(fdt);
    const dtb = parseDtb(fdt.finish());
    expect(Array.from(dtb.root.properties[0]!.value)).toEqual(bytes);
  });

  const invalid: { title: string; run: () => unknown }[] = [
    { title: 'negative cell', run: () => encodeCells([-1]) },
    { title: 'cell above 32 bits', run: () => encodeCells([2 ** 32]) },
    { title: 'fractional cell', run: () => encodeCells([1.5]) },
    { title: 'u64 above 64 bits', run: () => encodeU64(1n << 64n) },
    { title: 'string with NUL', run: () => encodeStrings(['a\0b']) },
    { title: 'duplicate node', run: () => { const fdt = new FdtWriter(); fdt.addSubnode('/', 'a'); fdt.addSubnode('/', 'a'); } },
    { title: 'node name with slash', run: () => new FdtWriter().addSubnode('/', 'a/b') },
    { title: 'property on a missing node', run: () => new FdtWriter().setCell('/nowhere', 'p', 1) },
    { title: 'relative path', run: () => new FdtWriter().setCell('soc', 'p', 1) },
  ];
  it.each(invalid)('rejects $title', ({ run }) => {
    expect(run).toThrow(RangeError);
  });
});

describe('FdtWriter layout', () => {
  it('writes the v17 header with blocks back to back and no free space', () => {
    const fdt = new FdtWriter();
    fdt.addReservation({ address: 0x8000_0000n, size: 0x1000n });
    fdt.setString('/', 'model', 'm');
    const bytes = fdt.finish(3);
    const { header, reservations, strings } = parseDtb(bytes);
    expect(header).toEqual({
      magic: 0xd00dfeed,
      totalSize: bytes.length,
      offMemRsvmap: 40,
      offDtStruct: 40 + 2 * 16,
      offDtStrings: 40 + 2 * 16 + header.sizeDtStruct,
      version: 17,
      lastCompVersion: 16,
      bootCpuidPhys: 3,
      sizeDtStrings: 6,
      sizeDtStruct: 8 + 12 + 4 + 4 + 4,
    });
    expect(reservations).toEqual([{ address: 0x8000_0000n, size: 0x1000n }]);
    expect(stringsOf(strings)).toEqual(['model']);
  });

  it('orders like libfdt: new subnodes and properties go first, a reset value stays in place', () => {
    const fdt = new FdtWriter();
    fdt.addSubnode('/', 'first');
    fdt.addSubnode('/', 'second');
    fdt.setCell('/first', 'a', 1);
    fdt.setCell('/first', 'b', 2);
    fdt.setCell('/first', 'a', 3);
    const dtb = parseDtb(fdt.finish());
    expect(names(dtb.root.children)).toEqual(['second', 'first']);
    const first = findNode(dtb, '/first')!;
    expect(names(first.properties)).toEqual(['b', 'a']);
    expect(cellsOf(first.properties[1]!.value)).toEqual([3]);
  });

  it('stores each property name once, in order of first use', () => {
    const fdt = new FdtWriter();
    fdt.addSubnode('/', 'x');
    fdt.setCell('/x', 'reg', 1);
    fdt.setCell('/', 'phandle', 1);
    fdt.setCell('/', 'reg', 2);
    const dtb = parseDtb(fdt.finish());
    expect(stringsOf(dtb.strings)).toEqual(['reg', 'phandle']);
    expect(dtb.root.properties.map((property) => property.nameOffset)).toEqual([0, 4]);
  });

  it('counts phandles from 1', () => {
    const fdt = new FdtWriter();
    expect([fdt.allocatePhandle(), fdt.allocatePhandle(), fdt.allocatePhandle()]).toEqual([1, 2, 3]);
  });

  it('is deterministic', () => {
    const build = (): Uint8Array => {
      const fdt = new FdtWriter();
      fdt.addSubnode('/', 'n@1');
      fdt.setStringList('/n@1', 'compatible', ['a', 'b']);
      return fdt.finish();
    };
    expect(build()).toEqual(build());
  });
});

describe(`FdtWriter output read by dtc${skipNote('dtc', 'device-tree-compiler')}`, () => {
  it.runIf(shouldRunWith('dtc'))('round-trips through dtc -I dtb -O dts', () => {
    expect(hostToolAvailable('dtc'), 'dtc is required in CI').toBe(true);
    const fdt = new FdtWriter();
    fdt.addReservation({ address: 0x1000n, size: 0x2000n });
    fdt.setCell('/', '#address-cells', 2);
    const node = fdt.addSubnode('/', 'dev@10');
    fdt.setU64(node, 'reg', 0x10n);
    fdt.setStringList(node, 'compatible', ['vendor,dev', 'generic']);
    fdt.setProperty(node, 'blob', Uint8Array.of(1, 2, 3));
    fdt.setEmpty(node, 'flag');
    fdt.setCell(node, 'phandle', fdt.allocatePhandle());
    const dir = mkdtempSync(join(tmpdir(), 'dejavm-fdt-'));
    try {
      writeFileSync(join(dir, 'out.dtb'), fdt.finish());
      const dts = execFileSync('dtc', ['-I', 'dtb', '-O', 'dts', join(dir, 'out.dtb')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(dts).toBe(
        [
          '/dts-v1/;',
          '',
          '/memreserve/\t0x0000000000001000 0x0000000000002000;',
          '/ {',
          '\t#address-cells = <0x02>;',
          '',
          '\tdev@10 {',
          '\t\tphandle = <0x01>;',
          '\t\tflag;',
          '\t\tblob = [01 02 03];',
          '\t\tcompatible = "vendor,dev\\0generic";',
          '\t\treg = <0x00 0x10>;',
          '\t};',
          '};',
          '',
        ].join('\n'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
