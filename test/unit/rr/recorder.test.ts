import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/isa/asm.js';
import { Recorder } from '../../../src/rr/recorder.js';
import { EventKind, type TraceEvent } from '../../../src/trace/events.js';
import { Vmm } from '../../../src/vmm/vmm.js';

const GUESTS = join(import.meta.dirname, '..', '..', 'guests', 'bin');

/** Record a run of `bytes` and return the events, the devices and the console text. */
function record(bytes: Uint8Array, maxInsns = 1_000_000): { events: TraceEvent[]; devices: string[]; console: string } {
  const out: number[] = [];
  const vmm = new Vmm({ kernel: { name: 'guest', bytes }, console: (b) => out.push(b) });
  const events: TraceEvent[] = [];
  const recorder = new Recorder(vmm, (event) => events.push(event));
  recorder.end(vmm.run(maxInsns));
  return { events, devices: recorder.devices.map((d) => d.name), console: Buffer.from(out).toString('latin1') };
}

describe('Recorder', () => {
  it('records every UART write of the hello guest with its byte, then the power-off and the end', () => {
    const { events, devices, console } = record(new Uint8Array(readFileSync(join(GUESTS, 'hello.elf'))));
    const uart = devices.indexOf('uart0');
    const test = devices.indexOf('test');
    const written = events.filter((e) => e.kind === EventKind.MMIO_WRITE && e.device === uart && e.offset === 0);
    expect(written.map((e) => String.fromCharCode(Number((e as { value: bigint }).value))).join('')).toBe(console);
    expect(console).toBe('Hello, world!\n');
    const powerOff = events.find((e) => e.kind === EventKind.MMIO_WRITE && e.device === test);
    expect(powerOff).toMatchObject({ value: 0x5555n, size: 4, offset: 0 });
    const end = events.at(-1)!;
    expect(end).toMatchObject({ kind: EventKind.END, reason: 'pass', exitCode: 0, icounts: [129] });
    expect((end as { sha256: Uint8Array }).sha256).toHaveLength(32);
  });

  it('records a timer interrupt as the MTIP line rising, then the trap, at the same icount', () => {
    const { events } = record(assemble(`
      la t0, handler
      csrw mtvec, t0
      li t0, 0x0200bff8
      ld t1, 0(t0)
      addi t1, t1, 20
      li t0, 0x02004000
      sd t1, 0(t0)
      li t1, 1 << 7
      csrs mie, t1
      csrsi mstatus, 8
    1: j 1b
    handler:
      li t0, 0x100000
      li t1, 0x5555
      sw t1, 0(t0)
    2: j 2b
    `, { origin: 0x80000000n }).bytes);
    const rise = [...events].reverse().find((e) => e.kind === EventKind.IRQ && e.line === 7 && e.level)!;
    const trap = events.find((e) => e.kind === EventKind.TRAP && e.interrupt)!;
    expect(trap).toMatchObject({ cause: 7, fromPriv: 3, toPriv: 3, interrupt: true });
    expect(trap.icount).toBe(rise.icount);
  });

  it('two recordings of the same guest are identical, event for event', () => {
    const bench = new Uint8Array(readFileSync(join(GUESTS, 'htif-trap.elf')));
    const first = record(bench).events;
    const second = record(bench).events;
    expect(second).toEqual(first);
    expect(first.filter((e) => e.kind === EventKind.TRAP).length).toBeGreaterThan(0);
  });
});
