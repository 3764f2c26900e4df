import { describe, expect, it } from 'vitest';
import { defaultExitInterval, TimelineBuilder, type TimelineSink } from '../../../../src/analysis/export/timeline.js';
import { EventKind, PRIV_UNKNOWN, type TraceEvent } from '../../../../src/trace/events.js';

type Item = [string, ...unknown[]];

/** Runs `events` through a builder and lists what the sink heard. */
function timeline(events: TraceEvent[], harts = 1, interval = 100): Item[] {
  const items: Item[] = [];
  const sink: TimelineSink = {
    start: (count, devices, every) => items.push(['start', count, devices, every]),
    privilege: (hart, mode, start, end) => items.push(['privilege', hart, mode, start, end]),
    trap: (event) => items.push(['trap', event.hart, event.icount]),
    interruptLine: (hart, icount, line, level) => items.push(['line', hart, icount, line, level]),
    io: (event) => items.push(['io', event.hart, event.icount]),
    exits: (hart, start, exits) => items.push(['exits', hart, start, exits]),
    vmm: (event, name) => items.push(['vmm', name, event.icount]),
    finish: () => items.push(['finish']),
  };
  const builder = new TimelineBuilder(sink, harts, ['uart0'], interval);
  for (const event of events) builder.add(event);
  builder.finish();
  return items;
}

const trap = (hart: number, icount: number, fromPriv: number, toPriv: number): TraceEvent => ({ kind: EventKind.TRAP, hart, icount, interrupt: false, cause: 8, tval: 0n, epc: 0n, fromPriv, toPriv });
const io = (hart: number, icount: number): TraceEvent => ({ kind: EventKind.MMIO_READ, hart, icount, device: 0, offset: 0, size: 1, value: 0n });
const end = (icounts: number[]): TraceEvent => ({ kind: EventKind.END, hart: 0, icount: icounts[0]!, reason: 'pass', exitCode: 0, icounts, sha256: new Uint8Array(32) });

describe('TimelineBuilder', () => {
  it('draws each stretch before a trap in the mode trapped from, and the time after the last trap as unknown', () => {
    const items = timeline([trap(0, 10, 3, 1), trap(0, 30, 1, 3), trap(0, 35, 0, 1), end([50])]).filter((item) => item[0] === 'privilege');
    expect(items).toEqual([
      ['privilege', 0, 3, 0, 10],
      ['privilege', 0, 1, 10, 30],
      ['privilege', 0, 0, 30, 35],
      ['privilege', 0, PRIV_UNKNOWN, 35, 50],
    ]);
  });

  it('consecutive stretches in the same mode are one (a stretch is reported once its mode changes)', () => {
    const items = timeline([trap(0, 10, 0, 1), trap(0, 20, 0, 1), trap(0, 30, 0, 3), trap(0, 40, 1, 1), end([50])]).filter((item) => item[0] === 'privilege');
    expect(items).toEqual([['privilege', 0, 0, 0, 30], ['privilege', 0, 1, 30, 40], ['privilege', 0, PRIV_UNKNOWN, 40, 50]]);
  });

  it('a hart with no trap is drawn in the unknown mode up to its last icount, as is the time after a last trap; zero-length stretches are left out', () => {
    const items = timeline([trap(0, 0, 3, 3), io(1, 40), end([20, 60])], 2).filter((item) => item[0] === 'privilege');
    expect(items).toEqual([['privilege', 0, PRIV_UNKNOWN, 0, 20], ['privilege', 1, PRIV_UNKNOWN, 0, 60]]);
  });

  it.each([
    { name: 'counts exits per interval and reports each interval once', events: [io(0, 5), io(0, 50), io(0, 150)], expected: [['exits', 0, 0, 2], ['exits', 0, 100, 1]] },
    { name: 'an empty gap after an interval reads as one zero sample', events: [io(0, 5), io(0, 450)], expected: [['exits', 0, 0, 1], ['exits', 0, 100, 0], ['exits', 0, 400, 1]] },
    { name: 'harts count separately', events: [io(0, 5), io(1, 7), io(1, 120)], expected: [['exits', 1, 0, 1], ['exits', 0, 0, 1], ['exits', 1, 100, 1]] },
  ])('$name', ({ events, expected }) => {
    expect(timeline(events, 2).filter((item) => item[0] === 'exits')).toEqual(expected);
  });

  it('starts with the track layout, sends every event but exec to its track, and finishes once', () => {
    const items = timeline([
      { kind: EventKind.CONSOLE_INPUT, hart: 0, icount: 0, bytes: new Uint8Array(1) }, { kind: EventKind.IRQ, hart: 0, icount: 3, line: 7, level: true },
      trap(0, 4, 0, 3), io(0, 5), { kind: EventKind.EXEC, hart: 0, icount: 6, pc: 0x1000n }, end([9]),
    ]);
    expect(items[0]).toEqual(['start', 1, ['uart0'], 100]);
    expect(items.map((item) => item[0])).toEqual(['start', 'vmm', 'line', 'trap', 'io', 'vmm', 'privilege', 'privilege', 'exits', 'finish']);
    expect(items[1]).toEqual(['vmm', 'console input', 0]);
  });
});

describe('defaultExitInterval', () => {
  it.each([[0, 1000], [4677, 1000], [100_000, 1000], [40_528_538, 100_000], [1_000_000_000, 10_000_000]])('%i instructions -> %i', (instructions, interval) => {
    expect(defaultExitInterval(instructions)).toBe(interval);
  });
});
