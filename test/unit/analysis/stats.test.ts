import { describe, expect, it } from 'vitest';
import { StatsCollector, type TraceStats } from '../../../src/analysis/stats.js';
import { formatStats, STATS_SOURCES, statsToJson } from '../../../src/analysis/stats-text.js';
import { EventKind, PRIV_UNKNOWN, type TraceEvent } from '../../../src/trace/events.js';
import { syntheticHeader, syntheticPeriod } from './synthetic-trace.js';

const DEVICES = syntheticHeader().devices;
const HASH = new Uint8Array(32).fill(0xab);

function statsOf(events: TraceEvent[], symbolize?: (pc: bigint) => string | undefined): TraceStats {
  const collector = new StatsCollector({ devices: DEVICES, digestInterval: 1000, hotPcCount: 3, symbolize });
  for (const event of events) collector.add(event);
  return collector.result();
}

const end = (icounts: number[]): TraceEvent => ({ kind: EventKind.END, hart: 0, icount: icounts[0]!, reason: 'pass', exitCode: 0, icounts, sha256: HASH });
const uartWrite = (icount: number, offset: number, value: bigint): TraceEvent => ({ kind: EventKind.MMIO_WRITE, hart: 0, icount, device: 0, offset, size: 1, value });
const trap = (icount: number, cause: number, interrupt: boolean, fromPriv: number, toPriv: number, epc = 0x8000_0000n, hart = 0): TraceEvent => (
  { kind: EventKind.TRAP, hart, icount, interrupt, cause, tval: 0n, epc, fromPriv, toPriv });

describe('StatsCollector', () => {
  it('counts a synthetic timer period: events by kind, traps by cause and transition, exits, I/O per register', () => {
    const stats = statsOf([...syntheticPeriod(0, 0, 0), ...syntheticPeriod(0, 1000, 1), end([2000])]);
    expect(stats.events).toBe(21);
    expect(stats.eventsByKind).toEqual([
      { kind: 'trap', count: 4 }, { kind: 'irq', count: 4 }, { kind: 'io read', count: 6 }, { kind: 'io write', count: 6 }, { kind: 'end', count: 1 },
    ]);
    expect(stats.instructions).toEqual({ perHart: [2000], total: 2000, source: 'end event' });
    expect(stats.traps.byCause).toEqual([
      { interrupt: false, cause: 8, name: 'environment call from U-mode', count: 2, transitions: [{ from: 'U', to: 'S', count: 2 }] },
      { interrupt: true, cause: 7, name: 'machine timer interrupt', count: 2, transitions: [{ from: 'U', to: 'M', count: 2 }] },
    ]);
    expect(stats.traps.byTransition).toEqual([{ from: 'U', to: 'M', count: 2 }, { from: 'U', to: 'S', count: 2 }]);
    expect(stats.exits).toEqual({ total: 12, byReason: [{ reason: 'device read (MMIO)', count: 6 }, { reason: 'device write (MMIO)', count: 6 }], instructionsPerExit: 2000 / 12 });
    expect(stats.io.map((device) => [device.device, device.reads, device.writes])).toEqual([['uart0', 2, 4], ['aclint', 2, 2], ['rtc', 2, 0]]);
    expect(stats.io[0]!.registers).toEqual([{ offset: 0, reads: 0, writes: 4 }, { offset: 5, reads: 2, writes: 0 }]);
  });

  it.each([
    { name: 'without an end event, instructions are the last icount of each hart (a lower bound)', events: [trap(50, 8, false, 0, 1), trap(70, 8, false, 0, 1, 0n, 1)], perHart: [50, 70], source: 'last event of each hart' },
    { name: 'with an end event, its icounts', events: [trap(50, 8, false, 0, 1), end([90, 95])], perHart: [90, 95], source: 'end event' },
  ])('$name', ({ events, perHart, source }) => {
    const stats = statsOf(events);
    expect(stats.instructions.perHart).toEqual(perHart);
    expect(stats.instructions.source).toBe(source);
  });

  it.each([
    {
      name: 'latency runs from the line rising to the trap with that cause on the same hart',
      events: [
        { kind: EventKind.IRQ, hart: 0, icount: 100, line: 7, level: true },
        { kind: EventKind.IRQ, hart: 0, icount: 104, line: 7, level: true },
        trap(110, 7, true, 0, 3),
        { kind: EventKind.IRQ, hart: 0, icount: 200, line: 7, level: true },
        trap(230, 7, true, 0, 3),
      ] as TraceEvent[],
      expected: [{ line: 7, name: 'MTIP', raised: 3, lowered: 0, taken: 2, latency: { samples: 2, min: 10, mean: 20, max: 30 } }],
    },
    {
      name: 'a line lowered before it was taken gives no sample; a trap without a recorded rise counts as taken only',
      events: [
        { kind: EventKind.IRQ, hart: 0, icount: 100, line: 9, level: true },
        { kind: EventKind.IRQ, hart: 0, icount: 120, line: 9, level: false },
        trap(130, 9, true, 1, 1),
        trap(140, 1, true, 1, 1),
      ] as TraceEvent[],
      expected: [
        { line: 1, name: 'SSIP', raised: 0, lowered: 0, taken: 1, latency: undefined },
        { line: 9, name: 'SEIP', raised: 1, lowered: 1, taken: 1, latency: undefined },
      ],
    },
    {
      name: 'lines are tracked per hart',
      events: [
        { kind: EventKind.IRQ, hart: 1, icount: 100, line: 7, level: true },
        trap(150, 7, true, 0, 3, 0n, 0),
        trap(105, 7, true, 0, 3, 0n, 1),
      ] as TraceEvent[],
      expected: [{ line: 7, name: 'MTIP', raised: 1, lowered: 0, taken: 2, latency: { samples: 1, min: 5, mean: 5, max: 5 } }],
    },
  ])('interrupts: $name', ({ events, expected }) => {
    expect(statsOf(events).interrupts).toEqual(expected);
  });

  it('counts console bytes: input events in, UART transmit-register writes out (not divisor-latch writes)', () => {
    const stats = statsOf([
      { kind: EventKind.CONSOLE_INPUT, hart: 0, icount: 0, bytes: new TextEncoder().encode('ls\n') },
      uartWrite(1, 3, 0x80n), uartWrite(2, 0, 0x01n), uartWrite(3, 3, 0x03n),
      uartWrite(4, 0, 0x68n), uartWrite(5, 0, 0x69n),
      { kind: EventKind.MMIO_WRITE, hart: 0, icount: 6, device: 1, offset: 0, size: 4, value: 1n },
    ]);
    expect(stats.console).toEqual({ bytesIn: 3, bytesOut: 2 });
  });

  it('hot pcs are trap epcs, named by the symbolizer, most frequent first', () => {
    const stats = statsOf([trap(1, 8, false, 0, 1, 0x10n), trap(2, 8, false, 0, 1, 0x20n), trap(3, 8, false, 0, 1, 0x20n), trap(4, 2, false, 0, 1, 0x30n), trap(5, 2, false, 0, 1, 0x40n)],
      (pc) => (pc === 0x20n ? 'main+0x4' : undefined));
    expect(stats.hotPcSource).toBe('trap epcs');
    expect(stats.hotPcs).toEqual([{ pc: 0x20n, count: 2, symbol: 'main+0x4' }, { pc: 0x10n, count: 1, symbol: undefined }, { pc: 0x30n, count: 1, symbol: undefined }]);
  });

  it('hot pcs come from exec events when the trace has a pc stream', () => {
    const stats = statsOf([
      trap(1, 8, false, PRIV_UNKNOWN, PRIV_UNKNOWN, 0x99n),
      { kind: EventKind.EXEC, hart: 0, icount: 2, pc: 0x100n }, { kind: EventKind.EXEC, hart: 0, icount: 3, pc: 0x104n }, { kind: EventKind.EXEC, hart: 0, icount: 4, pc: 0x100n },
    ]);
    expect(stats.hotPcSource).toBe('exec events');
    expect(stats.hotPcs.map((pc) => [pc.pc, pc.count])).toEqual([[0x100n, 2], [0x104n, 1]]);
    expect(stats.traps.byTransition).toEqual([{ from: '?', to: '?', count: 1 }]);
  });

  it('digests: count, interval, first and last icount, the final state from the end event', () => {
    const digest = (icount: number): TraceEvent => ({ kind: EventKind.DIGEST, hart: 0, icount, sha256: HASH });
    const stats = statsOf([digest(1000), digest(2000), digest(3000), end([3500])]);
    expect(stats.digests).toEqual({ count: 3, interval: 1000, firstIcount: 1000, lastIcount: 3000, final: 'ab'.repeat(32) });
    expect(stats.end).toEqual({ reason: 'pass', exitCode: 0 });
  });

  it('an empty run has zeros and no instructions per exit', () => {
    const stats = statsOf([]);
    expect(stats.events).toBe(0);
    expect(stats.instructions.total).toBe(0);
    expect(stats.exits).toEqual({ total: 0, byReason: [], instructionsPerExit: undefined });
    expect(stats.end).toBeUndefined();
  });
});

describe('stats text and JSON', () => {
  const stats = statsOf([...syntheticPeriod(0, 0, 0), end([1000])], () => 'handler');

  it('every section line names its source in brackets', () => {
    const lines = formatStats(stats);
    for (const source of Object.values(STATS_SOURCES)) expect(lines.some((line) => line.endsWith(`[${source}]`))).toBe(true);
    expect(lines).toContain('VM exits: 6, 166.7 instructions per exit  [' + STATS_SOURCES.exits + ']');
    expect(lines).toContain('  MTIP (7)     1 / 1 / 1, latency 3 / 3.0 / 3 over 1');
    expect(lines.at(-1)).toBe('ended: pass (exit status 0)');
  });

  it('JSON has hex pcs, nulls for missing values and the sources', () => {
    const json = JSON.parse(JSON.stringify(statsToJson(stats))) as Record<string, unknown>;
    expect(json.hotPcs).toEqual([{ pc: '0x80400000', count: 1, symbol: 'handler' }, { pc: '0x80400040', count: 1, symbol: 'handler' }]);
    expect(json.sources).toEqual(STATS_SOURCES);
    expect(json.end).toEqual({ reason: 'pass', exitCode: 0 });
  });
});
