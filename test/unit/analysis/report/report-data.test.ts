import { describe, expect, it } from 'vitest';
import { ReportCollector } from '../../../../src/analysis/report/report-data.js';
import { EventKind, type TraceEvent } from '../../../../src/trace/events.js';
import { syntheticHeader, syntheticPeriod } from '../synthetic-trace.js';

const DEVICES = syntheticHeader().devices;
const end = (icounts: number[]): TraceEvent => ({ kind: EventKind.END, hart: 0, icount: icounts[0]!, reason: 'pass', exitCode: 0, icounts, sha256: new Uint8Array(32) });

function collect(span: number, harts: number, events: TraceEvent[]) {
  const collector = new ReportCollector(span, harts, { devices: DEVICES, digestInterval: 0 });
  for (const event of events) collector.add(event);
  return collector.result('run.deja');
}

describe('ReportCollector', () => {
  it.each([
    { span: 0, buckets: 1, width: 1 },
    { span: 50, buckets: 50, width: 1 },
    { span: 4677, buckets: 200, width: 24 },
    { span: 1_000_000, buckets: 200, width: 5000 },
  ])('cuts a span of $span instructions into $buckets buckets of $width', ({ span, buckets, width }) => {
    const data = collect(span, 1, []);
    expect([data.buckets, data.bucketInstructions]).toEqual([buckets, width]);
  });

  it('counts events by kind and exits per bucket, and the instructions each bucket retired', () => {
    const data = collect(2000, 1, [...syntheticPeriod(0, 0, 0), ...syntheticPeriod(0, 1000, 1), end([2000])]);
    expect(data.bucketInstructions).toBe(10);
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    expect([sum(data.eventsByKind.trap), sum(data.eventsByKind.irq), sum(data.eventsByKind.io), sum(data.eventsByKind.other)]).toEqual([4, 4, 12, 1]);
    expect(data.eventsByKind.trap[10]).toBe(1);
    expect(sum(data.exits)).toBe(12);
    expect(data.exits[11]).toBe(2);
    expect(data.instructions.every((n) => n === 10)).toBe(true);
    expect(data.stats.traps.total).toBe(4);
  });

  it('spreads privilege stretches over the buckets, per hart, in mode order M, S, U, unknown', () => {
    const trap = (hart: number, icount: number, fromPriv: number, toPriv: number): TraceEvent => ({ kind: EventKind.TRAP, hart, icount, interrupt: false, cause: 8, tval: 0n, epc: 0n, fromPriv, toPriv });
    const data = collect(40, 2, [trap(0, 15, 0, 1), trap(0, 25, 1, 3), trap(0, 35, 3, 1), end([40, 20])]);
    expect(data.bucketInstructions).toBe(1);
    expect(data.privilege[0]![0]).toEqual([0, 0, 1, 0]);
    expect(data.privilege[0]![20]).toEqual([0, 1, 0, 0]);
    expect(data.privilege[0]![30]).toEqual([1, 0, 0, 0]);
    expect(data.privilege[0]![38]).toEqual([0, 0, 0, 1]);
    expect(data.privilege[1]![19]).toEqual([0, 0, 0, 1]);
    expect(data.privilege[1]![25]).toEqual([0, 0, 0, 0]);
    expect(data.instructions[19]).toBe(2);
    expect(data.instructions[30]).toBe(1);
  });
});
