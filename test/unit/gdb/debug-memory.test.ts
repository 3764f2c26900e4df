import { describe, expect, it } from 'vitest';
import { PRIV_M, PRIV_S } from '../../../src/cpu/constants.js';
import { DebugMemory } from '../../../src/gdb/debug-memory.js';
import { assemble } from '../../../src/isa/asm.js';
import { Vmm } from '../../../src/vmm/vmm.js';

const RAM = 0x80000000;
/** Where the test puts its Sv39 page tables (root, then one level-1 table, then one level-0 table). */
const ROOT = 0x80100000;
const LEVEL1 = 0x80101000;
const LEVEL0 = 0x80102000;
const V = 1n, R = 2n, W = 4n, X = 8n;

function machine(): Vmm {
  return new Vmm({ kernel: { name: 'nop.bin', bytes: new Uint8Array(4) }, memoryMiB: 16, console: () => {} });
}

function pte(paddr: number, flags: bigint): bigint {
  return (BigInt(paddr) >> 12n << 10n) | flags;
}

/**
 * Sv39 tables: 0x40000000 (a 1 GiB leaf at level 2) maps RAM; 0x1000 maps to
 * 0x80003000 through three levels; 0x2000 has an invalid PTE; 0x3000 a
 * reserved W-without-R PTE; A/D bits are clear everywhere.
 */
function withPageTables(vmm: Vmm): void {
  const ram = vmm.machine.ram;
  const put = (paddr: number, value: bigint): void => ram.view.setBigUint64(paddr - RAM, value, true);
  put(ROOT + 1 * 8, pte(RAM, V | R | W | X));
  put(ROOT + 0 * 8, pte(LEVEL1, V));
  put(LEVEL1 + 0 * 8, pte(LEVEL0, V));
  put(LEVEL0 + 1 * 8, pte(0x80003000, V | R | X));
  put(LEVEL0 + 2 * 8, 0n);
  put(LEVEL0 + 3 * 8, pte(0x80004000, V | W));
  ram.bytes.set([0xde, 0xad, 0xbe, 0xef], 0x3010);
  const hart = vmm.machine.harts[0]!;
  hart.satp = (8n << 60n) | BigInt(ROOT >>> 12);
  hart.priv = PRIV_S;
}

describe('DebugMemory', () => {
  it.each([
    ['M-mode sees physical addresses', PRIV_M, 0x80003010n, 0x80003010],
    ['a 1 GiB superpage', PRIV_S, 0x40003010n, 0x80003010],
    ['a 4 KiB page through three levels', PRIV_S, 0x1010n, 0x80003010],
    ['an invalid PTE', PRIV_S, 0x2000n, undefined],
    ['a reserved W-without-R PTE', PRIV_S, 0x3000n, undefined],
    ['a non-canonical Sv39 address', PRIV_S, 0x8000000000n, undefined],
    ['an address nothing maps', PRIV_S, 0x7000n, undefined],
  ])('translate: %s', (_, priv, vaddr, paddr) => {
    const vmm = machine();
    withPageTables(vmm);
    vmm.machine.harts[0]!.priv = priv;
    expect(new DebugMemory(vmm.machine.bus).translate(vmm.machine.harts[0]!, vaddr)).toBe(paddr);
  });

  it('reads through the page tables without setting A or D bits', () => {
    const vmm = machine();
    withPageTables(vmm);
    const before = Uint8Array.from(vmm.machine.ram.bytes.subarray(ROOT - RAM, LEVEL0 + 4096 - RAM));
    expect(new DebugMemory(vmm.machine.bus).read(vmm.machine.harts[0]!, 0x1010n, 4)).toEqual(Uint8Array.of(0xde, 0xad, 0xbe, 0xef));
    expect(vmm.machine.ram.bytes.subarray(ROOT - RAM, LEVEL0 + 4096 - RAM)).toEqual(before);
  });

  it('a read that runs into unmapped memory returns what it could read; none at all is undefined', () => {
    const vmm = machine();
    withPageTables(vmm);
    const memory = new DebugMemory(vmm.machine.bus);
    const hart = vmm.machine.harts[0]!;
    expect(memory.read(hart, 0x1ffcn, 8)).toHaveLength(4);
    expect(memory.read(hart, 0x2000n, 8)).toBeUndefined();
  });

  it('reads the boot ROM but no device register, and writes RAM only', () => {
    const vmm = machine();
    const memory = new DebugMemory(vmm.machine.bus);
    const hart = vmm.machine.harts[0]!;
    expect(memory.read(hart, 0x1000n, 4)).toEqual(Uint8Array.of(0x97, 0x02, 0x00, 0x00));
    expect(memory.read(hart, 0x10000005n, 1)).toBeUndefined();
    expect(memory.write(hart, 0x10000000n, Uint8Array.of(0x41))).toBe(false);
    expect(memory.write(hart, 0x1000n, Uint8Array.of(0))).toBe(false);
    expect(memory.write(hart, 0x80000100n, Uint8Array.of(1, 2))).toBe(true);
    expect(memory.read(hart, 0x80000100n, 2)).toEqual(Uint8Array.of(1, 2));
  });

  it('a write drops the code decoded from those bytes: the next run executes what was written', () => {
    const vmm = new Vmm({ kernel: { name: 'loop.bin', bytes: assemble('nop\nloop: j loop').bytes }, memoryMiB: 16, console: () => {} });
    const hart = vmm.machine.harts[0]!;
    vmm.run(7);
    expect(hart.getPc(), 'six boot ROM instructions, then the nop').toBe(0x80000004n);
    hart.setPc(0x80000000n);
    expect(new DebugMemory(vmm.machine.bus).write(hart, 0x80000000n, Uint8Array.of(0x93, 0x02, 0x50, 0x00))).toBe(true);
    vmm.run(8);
    expect(hart.getX(5), 'addi t0, zero, 5 ran instead of the nop').toBe(5n);
  });
});
