import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readQemuLog } from '../../../src/analysis/import/qemu-log-file.js';
import { QemuLogError, QemuLogParser } from '../../../src/analysis/import/qemu-log.js';
import { decodeEvents, encodeEvents } from '../../../src/trace/codec.js';
import { EventKind, PRIV_UNKNOWN, type TraceEvent } from '../../../src/trace/events.js';

const exec = (pc: number, cpu = 0): string => `Trace ${cpu}: 0x7f0000001000 [0000000000000000/${pc.toString(16).padStart(16, '0')}/00209003/ff000201] `;
const trap = (async: 0 | 1, cause: number, epc: number, tval = 0, hart = 0): string =>
  `riscv_cpu_do_interrupt: hart:${hart}, async:${async}, cause:${cause.toString(16).padStart(16, '0')}, epc:0x${epc.toString(16).padStart(16, '0')}, tval:0x${tval.toString(16).padStart(16, '0')}, desc=x`;
const stopped = (pc: number): string => `Stopped execution of TB chain before 0x7f0000001000 [${pc.toString(16).padStart(16, '0')}] `;

/** What a short `(kind, icount, pc or epc)` summary of the parsed events looks like. */
function parse(lines: string[]): { events: string[]; icounts: number[] } {
  const events: TraceEvent[] = [];
  const parser = new QemuLogParser((event) => events.push(event));
  for (const line of lines) parser.line(line);
  const end = parser.finish();
  return {
    events: events.map((event) => event.kind === EventKind.EXEC ? `exec ${event.icount} ${event.pc.toString(16)}`
      : event.kind === EventKind.TRAP ? `trap ${event.icount} ${event.interrupt ? 'i' : 'e'}${event.cause} ${event.epc.toString(16)} ${event.tval.toString(16)}` : `${event.kind}`),
    icounts: end.icounts,
  };
}

describe('QemuLogParser', () => {
  it.each([
    ['a block is counted once the next line shows it ran; the last one is not', [exec(0x1000), exec(0x1004), exec(0x1008)],
      ['exec 0 1000', 'exec 1 1004'], [2]],
    ['an instruction that raises an exception does not retire; the handler starts at its icount', [exec(0x100), exec(0x104), trap(0, 11, 0x104), exec(0x200), exec(0x204)],
      ['exec 0 100', 'exec 1 104', 'trap 1 e11 104 0', 'exec 1 200'], [2]],
    ['an interrupt comes after the block that ran', [exec(0x100), exec(0x104), trap(1, 7, 0x108), exec(0x300), exec(0x304)],
      ['exec 0 100', 'exec 1 104', 'trap 2 i7 108 0', 'exec 2 300'], [3]],
    ['a block QEMU stopped before running is dropped', [exec(0x100), exec(0x104), stopped(0x104), trap(1, 7, 0x104), exec(0x300), exec(0x304)],
      ['exec 0 100', 'trap 1 i7 104 0', 'exec 1 300'], [2]],
    ['a fetch fault (no block logged for it) comes after the jump that ran', [exec(0x100), exec(0x104), trap(0, 12, 0x5000, 0x5000), exec(0x300), exec(0x304)],
      ['exec 0 100', 'exec 1 104', 'trap 2 e12 5000 5000', 'exec 2 300'], [3]],
    ['harts count apart', [exec(0x100, 0), exec(0x200, 1), exec(0x104, 0), exec(0x204, 1), trap(0, 9, 0x204, 0, 1), exec(0x108, 0)],
      ['exec 0 100', 'exec 0 200', 'exec 1 204', 'trap 1 e9 204 0', 'exec 1 104'], [2, 1]],
  ])('%s', (_name, lines, events, icounts) => {
    expect(parse(lines)).toEqual({ events, icounts });
  });

  it('marks traps as of unknown privilege (the log names none)', () => {
    const events: TraceEvent[] = [];
    const parser = new QemuLogParser((event) => events.push(event));
    parser.line(exec(0x100));
    parser.line(trap(0, 2, 0x100, 0xc0001073));
    expect(events.at(-1)).toEqual({ kind: EventKind.TRAP, hart: 0, icount: 0, interrupt: false, cause: 2, tval: 0xc0001073n, epc: 0x100n, fromPriv: PRIV_UNKNOWN, toPriv: PRIV_UNKNOWN });
  });

  it.each([
    ['a line of another format', [exec(0x100), 'IN: some_function'], 'line 2: not a line of a QEMU -d int,exec,nochain log: IN: some_function'],
    ['a garbled exec line', ['Trace 0: nonsense'], 'line 1: unreadable exec line: Trace 0: nonsense'],
    ['a garbled trap line', [exec(0x100), 'riscv_cpu_do_interrupt: hart:0'], 'line 2: unreadable trap line: riscv_cpu_do_interrupt: hart:0'],
  ])('refuses %s, naming the line', (_name, lines, message) => {
    const parser = new QemuLogParser(() => undefined);
    expect(() => lines.forEach((line) => parser.line(line))).toThrow(new QemuLogError(message.replace(/^line \d+: /, ''), Number(/^line (\d+)/.exec(message)![1])));
  });

  it('refuses a log with no QEMU line at all', () => {
    const parser = new QemuLogParser(() => undefined);
    parser.line('');
    expect(() => parser.finish()).toThrow(/no exec or trap line/);
  });
});

describe('readQemuLog', () => {
  it('reads a file line by line and leaves out a last line QEMU did not finish', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deja-import-'));
    const path = join(dir, 'qemu.log');
    writeFileSync(path, `${[exec(0x100), exec(0x104), exec(0x108)].join('\n')}\nTrace 0: 0x7f00`);
    const pcs: bigint[] = [];
    const end = readQemuLog(path, (event) => { if (event.kind === EventKind.EXEC) pcs.push(event.pc); });
    expect(pcs).toEqual([0x100n, 0x104n]);
    expect(end).toMatchObject({ kind: EventKind.END, reason: 'log-end', icounts: [2] });
    rmSync(dir, { recursive: true });
  });
});

describe('EXEC events in the codec', () => {
  it('round-trip with pcs delta-coded per hart, including jumps backwards and across the 64-bit range', () => {
    const pcs = [0x8000_0000n, 0x8000_0004n, 0x8000_0002n, 0xffff_ffff_8000_0000n, 0x1000n, 0xffff_ffff_ffff_fffen];
    const events: TraceEvent[] = pcs.map((pc, index) => ({ kind: EventKind.EXEC, hart: index % 2, icount: index, pc }));
    const payload = encodeEvents(events);
    expect(decodeEvents(payload, events.length)).toEqual(events);
    const straight = encodeEvents([0, 1, 2, 3].map((index) => ({ kind: EventKind.EXEC, hart: 0, icount: index, pc: 0x8000_0000n + BigInt(index * 4) })));
    // The first pc costs its full varint (5 bytes here); each next one a single byte.
    expect(straight.length).toBe(7 + 3 * 3);
  });
});
