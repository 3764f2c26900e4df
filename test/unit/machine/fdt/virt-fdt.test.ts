import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildVirtFdt, FIXED_RNG_SEED, qemuInitrdStart, type VirtFdtConfig } from '../../../../src/machine/fdt/virt-fdt.js';
import { hostToolAvailable, QEMU, shouldRunWith, skipNote } from '../../../guests/host-tools.js';
import { cellsOf, type DtbNode, findNode, parseDtb, stringsOf } from './dtb-parser.js';
import { QEMU_CPU } from '../../../support/qemu-cpu.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** Where QEMU 7.2 enters a raw `-kernel` image after its default OpenSBI: the first 2 MiB boundary past the firmware. */
const RAW_KERNEL_ENTRY = 0x8020_0000n;
const INITRD_BYTES = 10_000;

/**
 * Every way our tree may differ from QEMU's, and why. Nothing else may
 * differ. (Alignment padding after a property value is not compared: libfdt
 * leaves stale bytes there when it moves data, and no guest reads past a
 * property's length; the parser steps over it.)
 */
const ALLOWED_DIFFERENCES: { path: string; property: string; reason: string }[] = [
  {
    path: '/chosen',
    property: 'rng-seed',
    reason: 'QEMU fills it with 32 random host bytes each start; dejavm writes the fixed FIXED_RNG_SEED (determinism rule 1). Same length.',
  },
];

interface BoardCase {
  title: string;
  config: VirtFdtConfig;
}

function initrdAt(memoryBytes: number): VirtFdtConfig['initrd'] {
  const start = qemuInitrdStart(RAW_KERNEL_ENTRY, memoryBytes);
  return { start, end: start + BigInt(INITRD_BYTES) };
}

const BOARDS: BoardCase[] = [
  { title: '128M, 1 hart', config: { memoryBytes: 128 * MiB, harts: 1 } },
  { title: '256M, 2 harts, -append', config: { memoryBytes: 256 * MiB, harts: 2, bootargs: 'console=ttyS0 earlycon' } },
  { title: '1G, 4 harts', config: { memoryBytes: GiB, harts: 4 } },
  { title: '256M, 2 harts, -initrd (128 MiB past the kernel)', config: { memoryBytes: 256 * MiB, harts: 2, initrd: initrdAt(256 * MiB) } },
  { title: '64M, 1 hart, -initrd (half of RAM past the kernel), -append', config: { memoryBytes: 64 * MiB, harts: 1, bootargs: 'root=/dev/ram', initrd: initrdAt(64 * MiB) } },
  { title: '15G, 3 harts (high PCIe window moves to 32 GiB)', config: { memoryBytes: 15 * GiB, harts: 3 } },
];

const workDir = mkdtempSync(join(tmpdir(), 'dejavm-virt-fdt-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** Runs QEMU 7.2 with the board's options and returns the tree it would hand the guest. */
function qemuDtb(board: BoardCase, index: number): Uint8Array {
  const { config } = board;
  const dtbPath = join(workDir, `qemu-${index}.dtb`);
  const args = ['-M', `virt,dumpdtb=${dtbPath}`, '-cpu', QEMU_CPU, '-m', `${config.memoryBytes / MiB}M`, '-smp', String(config.harts), '-nographic', '-monitor', 'none'];
  if (config.bootargs !== undefined || config.initrd !== undefined) {
    const kernel = join(workDir, 'kernel.bin');
    writeFileSync(kernel, new Uint8Array(4096));
    args.push('-kernel', kernel);
  }
  if (config.bootargs !== undefined) args.push('-append', config.bootargs);
  if (config.initrd !== undefined) {
    const initrd = join(workDir, 'initrd.img');
    writeFileSync(initrd, new Uint8Array(Number(config.initrd.end - config.initrd.start)).fill(0x5a));
    args.push('-initrd', initrd);
  }
  execFileSync(QEMU, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
  return readFileSync(dtbPath);
}

/** Lists every difference between two nodes, as `path: what` lines, minus the allowed ones. */
function differences(ours: DtbNode, theirs: DtbNode, path: string): string[] {
  const found: string[] = [];
  const ourProperties = ours.properties.map((property) => property.name);
  const theirProperties = theirs.properties.map((property) => property.name);
  if (ourProperties.join() !== theirProperties.join()) found.push(`${path}: properties [${ourProperties.join(', ')}] vs QEMU [${theirProperties.join(', ')}]`);
  for (const theirProperty of theirs.properties) {
    const ourProperty = ours.properties.find((property) => property.name === theirProperty.name);
    if (ourProperty === undefined) continue;
    const allowed = ALLOWED_DIFFERENCES.some((entry) => entry.path === path && entry.property === theirProperty.name);
    if (ourProperty.nameOffset !== theirProperty.nameOffset) found.push(`${path}/${theirProperty.name}: name offset differs`);
    if (ourProperty.value.length !== theirProperty.value.length) found.push(`${path}/${theirProperty.name}: length ${ourProperty.value.length} vs ${theirProperty.value.length}`);
    else if (!allowed && Buffer.compare(ourProperty.value, theirProperty.value) !== 0) found.push(`${path}/${theirProperty.name}: value differs`);
  }
  const ourChildren = ours.children.map((child) => child.name);
  const theirChildren = theirs.children.map((child) => child.name);
  if (ourChildren.join() !== theirChildren.join()) found.push(`${path}: subnodes [${ourChildren.join(', ')}] vs QEMU [${theirChildren.join(', ')}]`);
  for (const theirChild of theirs.children) {
    const ourChild = ours.children.find((child) => child.name === theirChild.name);
    if (ourChild !== undefined) found.push(...differences(ourChild, theirChild, path === '/' ? `/${theirChild.name}` : `${path}/${theirChild.name}`));
  }
  return found;
}

describe(`buildVirtFdt against QEMU 7.2 dumpdtb${skipNote(QEMU, 'qemu-system-misc')}`, () => {
  it.runIf(shouldRunWith(QEMU)).each(BOARDS.map((board, index) => ({ ...board, index })))('$title', (board) => {
    expect(hostToolAvailable(QEMU), `${QEMU} is required in CI`).toBe(true);
    const theirs = parseDtb(qemuDtb(board, board.index));
    const ours = parseDtb(buildVirtFdt(board.config));
    expect(ours.header).toEqual(theirs.header);
    expect(ours.reservations).toEqual(theirs.reservations);
    expect(Buffer.from(ours.strings).toString('latin1')).toBe(Buffer.from(theirs.strings).toString('latin1'));
    expect(differences(ours.root, theirs.root, '/')).toEqual([]);
  });
});

describe('buildVirtFdt', () => {
  const dtb = parseDtb(buildVirtFdt({ memoryBytes: 512 * MiB, harts: 2, bootargs: 'quiet', initrd: { start: 0x8400_0000n, end: 0x8410_0000n } }));
  const cells = (path: string, property: string): number[] => cellsOf(findNode(dtb, path)!.properties.find((entry) => entry.name === property)!.value);
  const text = (path: string, property: string): string[] => stringsOf(findNode(dtb, path)!.properties.find((entry) => entry.name === property)!.value);

  const properties: { path: string; property: string; expected: number[] | string[] }[] = [
    { path: '/memory@80000000', property: 'reg', expected: [0, 0x8000_0000, 0, 0x2000_0000] },
    { path: '/chosen', property: 'bootargs', expected: ['quiet'] },
    { path: '/chosen', property: 'stdout-path', expected: ['/soc/serial@10000000'] },
    { path: '/chosen', property: 'linux,initrd-start', expected: [0x8400_0000] },
    { path: '/chosen', property: 'linux,initrd-end', expected: [0x8410_0000] },
    { path: '/cpus', property: 'timebase-frequency', expected: [10_000_000] },
    { path: '/cpus/cpu@1', property: 'reg', expected: [1] },
    { path: '/cpus/cpu@0', property: 'mmu-type', expected: ['riscv,sv48'] },
    { path: '/soc/serial@10000000', property: 'interrupts', expected: [10] },
    { path: '/soc/rtc@101000', property: 'interrupts', expected: [11] },
    { path: '/soc/virtio_mmio@10008000', property: 'interrupts', expected: [8] },
    { path: '/soc/clint@2000000', property: 'interrupts-extended', expected: [4, 3, 4, 7, 2, 3, 2, 7] },
    { path: '/soc/plic@c000000', property: 'interrupts-extended', expected: [4, 11, 4, 9, 2, 11, 2, 9] },
    { path: '/soc/plic@c000000', property: 'phandle', expected: [5] },
    { path: '/poweroff', property: 'regmap', expected: [6] },
  ];
  it.each(properties)('$path $property', ({ path, property, expected }) => {
    expect(typeof expected[0] === 'string' ? text(path, property) : cells(path, property)).toEqual(expected);
  });

  it('writes the fixed rng-seed, so two builds are byte-identical', () => {
    expect(findNode(dtb, '/chosen')!.properties.find((entry) => entry.name === 'rng-seed')!.value).toEqual(FIXED_RNG_SEED);
    expect(FIXED_RNG_SEED.length).toBe(32);
    expect(buildVirtFdt({ memoryBytes: GiB, harts: 3 })).toEqual(buildVirtFdt({ memoryBytes: GiB, harts: 3 }));
  });

  it('leaves out bootargs and the initrd when not given, or when bootargs is empty', () => {
    const chosen = findNode(parseDtb(buildVirtFdt({ memoryBytes: 128 * MiB, harts: 1, bootargs: '' })), '/chosen')!;
    expect(chosen.properties.map((entry) => entry.name)).toEqual(['rng-seed', 'stdout-path']);
  });

  const placements: { memoryBytes: number; start: bigint }[] = [
    { memoryBytes: 64 * MiB, start: 0x8220_0000n },
    { memoryBytes: 255 * MiB, start: 0x8820_0000n - BigInt(MiB / 2) },
    { memoryBytes: 256 * MiB, start: 0x8820_0000n },
    { memoryBytes: 4 * GiB, start: 0x8820_0000n },
  ];
  it.each(placements)('puts the initrd of a $memoryBytes-byte board where QEMU does', ({ memoryBytes, start }) => {
    expect(qemuInitrdStart(RAW_KERNEL_ENTRY, memoryBytes)).toBe(start);
  });

  const invalid: { title: string; config: VirtFdtConfig }[] = [
    { title: 'no memory', config: { memoryBytes: 0, harts: 1 } },
    { title: 'no harts', config: { memoryBytes: MiB, harts: 0 } },
    { title: 'fractional harts', config: { memoryBytes: MiB, harts: 1.5 } },
    { title: 'initrd ending before it starts', config: { memoryBytes: MiB, harts: 1, initrd: { start: 0x8100_0000n, end: 0x8000_0000n } } },
    { title: 'initrd above 4 GiB', config: { memoryBytes: 8 * GiB, harts: 1, initrd: { start: 0x1_0000_0000n, end: 0x1_0001_0000n } } },
  ];
  it.each(invalid)('rejects $title', ({ config }) => {
    expect(() => buildVirtFdt(config)).toThrow(RangeError);
  });
});
