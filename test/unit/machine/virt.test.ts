import { describe, expect, it } from 'vitest';
import type { TrapInfo } from '../../../src/cpu/trap.js';
import { assemble } from '../../../src/isa/asm.js';
import { buildVirtFdt } from '../../../src/machine/fdt/virt-fdt.js';
import { Vmm } from '../../../src/vmm/vmm.js';
import { cellsOf, findNode, parseDtb, stringsOf } from './fdt/dtb-parser.js';

/** Build a Vmm running `source` (assembled at 0x80000000) as a raw kernel. */
function boot(source: string): { vmm: Vmm; traps: TrapInfo[]; console: number[] } {
  const { bytes } = assemble(source, { origin: 0x80000000n });
  const console: number[] = [];
  const vmm = new Vmm({ kernel: { name: 'inline', bytes }, console: (b) => console.push(b) });
  const traps: TrapInfo[] = [];
  vmm.onTrap((info) => traps.push(info));
  return { vmm, traps, console };
}

const POWER_OFF = `
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
1: j 1b
`;

describe('virt board wiring', () => {
  it('the UART raises its THRE interrupt through the PLIC as an M-mode external interrupt', () => {
    const { vmm, traps } = boot(`
      la t0, handler
      csrw mtvec, t0
      li t0, 0x0c000000      # PLIC
      li t1, 1
      sw t1, 40(t0)          # priority[10] = 1
      li t2, 0x0c002000
      li t1, 1 << 10
      sw t1, 0(t2)           # context 0 (hart 0, M) enables source 10
      li t2, 0x0c200000
      sw zero, 0(t2)         # threshold 0
      li t1, 1 << 11
      csrs mie, t1           # MEIE
      csrsi mstatus, 8       # MIE
      li t0, 0x10000000
      li t1, 2
      sb t1, 1(t0)           # UART IER = ETBEI: THR is empty, so THRE fires
    2: wfi
      j 2b
    handler:
      li t2, 0x0c200004
      lw a0, 0(t2)           # claim
      ${POWER_OFF}
    `);
    const outcome = vmm.run(10_000);
    expect(outcome.reason).toBe('pass');
    expect(traps.map((t) => [t.interrupt, t.cause])).toEqual([[true, 11]]);
    expect(vmm.machine.harts[0]!.getX(10)).toBe(10n);
  });

  it('hands the guest the device tree in a1, as QEMU\'s reset vector does', () => {
    const { vmm } = boot(`
      lwu a2, 0(a1)          # FDT magic, big-endian
      lwu a3, 4(a1)          # totalsize
      ${POWER_OFF}
    `);
    expect(vmm.run(10_000).reason).toBe('pass');
    const hart = vmm.machine.harts[0]!;
    expect(hart.getX(11)).toBe(0x87e00000n);
    expect(hart.getX(12)).toBe(0xedfe0dd0n);
    const totalSize = Number(hart.getX(13));
    const swapped = ((totalSize & 0xff) << 24 | (totalSize & 0xff00) << 8 | (totalSize >>> 8) & 0xff00 | totalSize >>> 24) >>> 0;
    expect(swapped).toBe(buildVirtFdt({ memoryBytes: 128 * 1024 * 1024, harts: 1 }).length);
  });

  it('places the initrd as QEMU does and names it and the command line in /chosen', () => {
    const { bytes } = assemble(POWER_OFF, { origin: 0x80000000n });
    const initrd = Uint8Array.from({ length: 5000 }, (_, i) => i & 0xff);
    const vmm = new Vmm({
      kernel: { name: 'kernel', bytes },
      initrd: { name: 'initrd', bytes: initrd },
      append: 'console=ttyS0 earlycon',
      console: () => {},
    });
    const ram = vmm.machine.ram;
    const fdtOffset = vmm.machine.fdtAddress - ram.base;
    const chosen = findNode(parseDtb(ram.bytes.subarray(fdtOffset, fdtOffset + 0x10000)), '/chosen')!;
    const property = (name: string): Uint8Array => chosen.properties.find((p) => p.name === name)!.value;
    expect(stringsOf(property('bootargs'))).toEqual(['console=ttyS0 earlycon']);
    const start = 0x80000000 + 64 * 1024 * 1024;
    expect(cellsOf(property('linux,initrd-start'))).toEqual([start]);
    expect(cellsOf(property('linux,initrd-end'))).toEqual([start + initrd.length]);
    expect(ram.bytes.subarray(start - ram.base, start - ram.base + initrd.length)).toEqual(initrd);
  });

  it('refuses an initrd that does not fit in RAM', () => {
    const { bytes } = assemble(POWER_OFF, { origin: 0x80000000n });
    expect(() => new Vmm({
      kernel: { name: 'kernel', bytes },
      initrd: { name: 'big.cpio', bytes: new Uint8Array(100 * 1024 * 1024) },
      console: () => {},
    })).toThrow(/^big\.cpio: 0x84000000-0x8a400000 \(104857600 bytes\) does not fit in RAM 0x80000000-0x88000000$/);
  });

  it('the Goldfish RTC counts virtual nanoseconds from the epoch, 100 ns per ACLINT tick', () => {
    const { vmm } = boot(`
      li t1, 100
    1: addi t1, t1, -1
      bnez t1, 1b
      li t0, 0x00101000
      lw a0, 0(t0)           # TIME_LOW
      lw a1, 4(t0)           # TIME_HIGH
      li t0, 0x0200bff8
      ld a2, 0(t0)           # mtime
      ${POWER_OFF}
    `);
    expect(vmm.run(10_000).reason).toBe('pass');
    const hart = vmm.machine.harts[0]!;
    const rtcNs = (hart.getX(11) << 32n) | (hart.getX(10) & 0xffffffffn);
    expect(rtcNs).toBeGreaterThan(0n);
    expect(rtcNs % 100n).toBe(0n);
    expect(hart.getX(12) - rtcNs / 100n).toBeLessThanOrEqual(1n);
  });

  it('a timer interrupt is taken exactly at its deadline on every run (deterministic icount)', () => {
    const program = `
      la t0, handler
      csrw mtvec, t0
      li t0, 0x0200bff8
      ld t1, 0(t0)
      addi t1, t1, 50
      li t0, 0x02004000
      sd t1, 0(t0)           # mtimecmp = now + 50 ticks
      li t1, 1 << 7
      csrs mie, t1
      csrsi mstatus, 8
    1: addi a0, a0, 1
      j 1b
    handler:
      ${POWER_OFF}
    `;
    const runs = [boot(program), boot(program)].map(({ vmm, traps }) => {
      vmm.run(1_000_000);
      return traps.map((t) => [t.cause, t.icount]);
    });
    expect(runs[0]).toHaveLength(1);
    expect(runs[0]![0]![0]).toBe(7);
    expect(runs[1]).toEqual(runs[0]);
  });
});
