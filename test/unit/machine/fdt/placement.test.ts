import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildVirtFdt, QEMU_FDT_BUFFER_SIZE } from '../../../../src/machine/fdt/virt-fdt.js';
import { fdtLoadAddress } from '../../../../src/machine/virt.js';
import { Ram } from '../../../../src/mem/ram.js';
import { hostToolAvailable, QEMU, shouldRunWith, skipNote } from '../../../guests/host-tools.js';

const KiB = 1024;
const RAM_BASE = 0x8000_0000;

/** Asks QEMU's monitor where it put the "fdt" ROM blob, and how much it copied there. */
function qemuFdtRom(memoryKiB: number): { address: number; size: number } {
  const output = execFileSync(QEMU, ['-M', 'virt', '-m', `${memoryKiB}K`, '-S', '-nographic', '-serial', 'none', '-monitor', 'stdio'], {
    input: 'info roms\nquit\n',
    encoding: 'utf8',
    timeout: 30_000,
  });
  const match = /addr=([0-9a-f]+) size=0x([0-9a-f]+) mem=ram name="fdt"/.exec(output);
  if (match === null) throw new Error(`no fdt ROM in QEMU's "info roms":\n${output}`);
  return { address: Number.parseInt(match[1]!, 16), size: Number.parseInt(match[2]!, 16) };
}

describe(`device tree placement against QEMU 7.2${skipNote(QEMU, 'qemu-system-misc')}`, () => {
  const sizes = [{ memoryKiB: 128 * KiB }, { memoryKiB: 128 * KiB + 512 }, { memoryKiB: 129 * KiB }];
  it.runIf(shouldRunWith(QEMU)).each(sizes)('fdtLoadAddress matches QEMU for $memoryKiB KiB of RAM', ({ memoryKiB }) => {
    expect(hostToolAvailable(QEMU), `${QEMU} is required in CI`).toBe(true);
    const rom = qemuFdtRom(memoryKiB);
    expect(rom.size).toBe(QEMU_FDT_BUFFER_SIZE);
    expect(fdtLoadAddress(new Ram(RAM_BASE, memoryKiB * KiB))).toBe(rom.address);
  });
});

describe('QEMU_FDT_BUFFER_SIZE', () => {
  it('holds the tree of the largest board buildVirtFdt accepts', () => {
    expect(buildVirtFdt({ memoryBytes: 2 ** 40, harts: 512, bootargs: 'x'.repeat(4096) }).length).toBeLessThan(QEMU_FDT_BUFFER_SIZE);
  });
});
