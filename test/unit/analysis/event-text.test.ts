import { describe, expect, it } from 'vitest';
import { describeEvent, eventToJson } from '../../../src/analysis/event-text.js';
import { EventKind, type TraceEvent } from '../../../src/trace/events.js';

const context = { devices: ['mrom', 'test', 'uart0'], instructionAt: (address: bigint) => (address === 0x80000010n ? 0x00000073 : undefined) };

describe('describeEvent', () => {
  it.each<[TraceEvent, string]>([
    [{ kind: EventKind.TRAP, hart: 0, icount: 42, interrupt: false, cause: 11, tval: 0n, epc: 0x80000010n, fromPriv: 3, toPriv: 3 },
      '0:42           trap   environment call from M-mode (exception 11) M->M epc=0x80000010 tval=0x0  ecall'],
    [{ kind: EventKind.TRAP, hart: 1, icount: 7, interrupt: true, cause: 5, tval: 0n, epc: 0xffffffff80001234n, fromPriv: 0, toPriv: 1 },
      '1:7            trap   supervisor timer interrupt (interrupt 5) U->S epc=0xffffffff80001234 tval=0x0'],
    [{ kind: EventKind.IRQ, hart: 0, icount: 9, line: 7, level: true }, '0:9            irq    MTIP raised'],
    [{ kind: EventKind.MMIO_WRITE, hart: 0, icount: 100, device: 2, offset: 0, size: 1, value: 0x48n },
      '0:100          io     write uart0+0x0 size 1 value 0x48'],
    [{ kind: EventKind.MMIO_READ, hart: 0, icount: 101, device: 2, offset: 5, size: 1, value: 0x60n },
      '0:101          io     read  uart0+0x5 size 1 value 0x60'],
    [{ kind: EventKind.CONSOLE_INPUT, hart: 0, icount: 0, bytes: new TextEncoder().encode('ls\n') }, '0:0            input  "ls\\n"'],
  ])('%#', (event, text) => {
    expect(describeEvent(event, context)).toBe(text);
  });
});

describe('eventToJson', () => {
  it('writes bigints as hex strings and bytes as hex, with the kind by name', () => {
    const json = eventToJson({ kind: EventKind.MMIO_READ, hart: 0, icount: 5, device: 2, offset: 5, size: 1, value: 0x60n });
    expect(JSON.parse(JSON.stringify(json))).toEqual({ kind: 'io', access: 'read', hart: 0, icount: 5, device: 2, offset: 5, size: 1, value: '0x60' });
  });
});
