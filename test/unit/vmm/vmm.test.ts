import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/isa/asm.js';
import { Vmm } from '../../../src/vmm/vmm.js';
import { Prng } from '../../conformance/diff/prng.js';

/**
 * Two harts: hart 1 enables MSIE, says it is about to wait, and executes WFI
 * with MIE clear; hart 0 waits for that, sends it a software interrupt through
 * the ACLINT, and waits for hart 1 to answer before powering off.
 */
const IPI_WAKES_WFI = `
  csrr t0, mhartid
  bnez t0, hart1
  la t4, ready
1:
  lw t5, 0(t4)
  beqz t5, 1b
  li t1, 0x2000004
  li t2, 1
  sw t2, 0(t1)
  la t4, answer
2:
  lw t5, 0(t4)
  beqz t5, 2b
  li t1, 0x100000
  li t2, 0x5555
  sw t2, 0(t1)
3:
  j 3b
hart1:
  li t1, 8
  csrw mie, t1
  la t4, ready
  li t5, 1
  sw t5, 0(t4)
  wfi
  la t4, answer
  sw t5, 0(t4)
4:
  j 4b
.align 3
ready: .word 0
answer: .word 0
`;

/**
 * One hart arms the timer 1000 ticks ahead, enables MTIE and MIE and waits;
 * the handler checks that rdtime reached the deadline and powers off.
 */
const TIMER_WAKES_WFI = `
  la t0, handler
  csrw mtvec, t0
  li t1, 0x200bff8
  ld t2, 0(t1)
  addi t2, t2, 1000
  la t4, deadline
  sd t2, 0(t4)
  li t1, 0x2004000
  sd t2, 0(t1)
  li t0, 0x80
  csrw mie, t0
  csrsi mstatus, 8
1:
  wfi
  j 1b
.align 2
handler:
  csrr t0, mcause
  li t1, -1
  srli t1, t1, 1
  and t0, t0, t1
  li t1, 7
  bne t0, t1, fail
  rdtime t0
  la t4, deadline
  ld t1, 0(t4)
  bltu t0, t1, fail
  li t1, 0x100000
  li t2, 0x5555
  sw t2, 0(t1)
fail:
  li t1, 0x100000
  li t2, 0x13333
  sw t2, 0(t1)
2:
  j 2b
.align 3
deadline: .dword 0
`;

describe('Vmm', () => {
  it('a timer interrupt wakes a hart in WFI at the deadline (virtual time skips ahead)', () => {
    const { bytes } = assemble(TIMER_WAKES_WFI, { origin: 0x80000000n });
    const vmm = new Vmm({ kernel: { name: 'timer.bin', bytes }, memoryMiB: 16, console: () => {} });
    const outcome = vmm.run(1_000_000);
    expect(outcome.reason).toBe('pass');
    expect(outcome.instructions).toBeLessThan(200);
  });

  it('a software interrupt wakes a hart waiting in WFI even with MIE clear', () => {
    const { bytes } = assemble(IPI_WAKES_WFI, { origin: 0x80000000n });
    const vmm = new Vmm({ kernel: { name: 'ipi.bin', bytes }, harts: 2, memoryMiB: 16, console: () => {} });
    const outcome = vmm.run(20_000_000);
    expect(outcome.reason).toBe('pass');
  });

  it('the run is deterministic: the same guest retires the same instruction count', () => {
    const { bytes } = assemble(IPI_WAKES_WFI, { origin: 0x80000000n });
    const counts = [1, 2].map(() => new Vmm({ kernel: { name: 'ipi.bin', bytes }, harts: 2, memoryMiB: 16, console: () => {} }).run(20_000_000).instructions);
    expect(counts[0]).toBe(counts[1]);
  });
});

/** Device windows of the virt board a guest can poke: [base, size]. */
const DEVICE_WINDOWS: ReadonlyArray<readonly [number, number]> = [
  [0x1000, 0xf000],
  [0x2000000, 0xc000],
  [0x10000000, 0x100],
];

/** A guest making `count` random MMIO accesses (any size, any offset, any value), then passing. */
function mmioFuzzGuest(seed: number, count: number): string {
  const prng = new Prng(seed);
  const lines = ['  la t0, skip', '  csrw mtvec, t0'];
  for (let i = 0; i < count; i++) {
    const [base, size] = prng.pick(DEVICE_WINDOWS);
    const address = base + prng.below(size);
    const op = prng.pick(['lb', 'lh', 'lw', 'ld', 'lbu', 'lhu', 'lwu', 'sb', 'sh', 'sw', 'sd']);
    lines.push(`  li t1, ${address}`, `  li t2, 0x${prng.next64().toString(16)}`);
    lines.push(op.startsWith('s') ? `  ${op} t2, 0(t1)` : `  ${op} t3, 0(t1)`);
  }
  lines.push('  li t1, 0x100000', '  li t2, 0x5555', '  sw t2, 0(t1)', '1:', '  j 1b');
  lines.push('.align 2', 'skip:', '  csrr t6, mepc', '  addi t6, t6, 4', '  csrw mepc, t6', '  mret');
  return lines.join('\n');
}

describe('random bytes as a kernel on the whole board', () => {
  it('never raise a host exception', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const prng = new Prng(1000 + seed);
      const bytes = new Uint8Array(64 * 1024);
      const view = new DataView(bytes.buffer);
      for (let i = 0; i < bytes.length; i += 4) view.setUint32(i, prng.next32(), true);
      const vmm = new Vmm({ kernel: { name: `random-${seed}.bin`, bytes }, memoryMiB: 16, console: () => {} });
      expect(() => vmm.run(50_000), `seed ${seed}`).not.toThrow();
    }
  });
});

describe('random MMIO from the guest', () => {
  it('never raises a host exception and the guest still powers off', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { bytes } = assemble(mmioFuzzGuest(seed, 300), { origin: 0x80000000n });
      const vmm = new Vmm({ kernel: { name: `mmio-${seed}.bin`, bytes }, memoryMiB: 16, console: () => {} });
      expect(vmm.run(100_000).reason, `seed ${seed}`).toBe('pass');
    }
  });
});
