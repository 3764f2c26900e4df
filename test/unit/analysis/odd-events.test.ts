import { join } from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { ChromeJsonSink } from '../../../src/analysis/export/chrome-json.js';
import { PerfettoSink } from '../../../src/analysis/export/perfetto.js';
import { TimelineBuilder, type TimelineSink } from '../../../src/analysis/export/timeline.js';
import { renderReport } from '../../../src/analysis/report/html.js';
import { ReportCollector } from '../../../src/analysis/report/report-data.js';
import { StatsCollector } from '../../../src/analysis/stats.js';
import { formatStats, statsToJson } from '../../../src/analysis/stats-text.js';
import { EventKind, PRIV_UNKNOWN, type TraceEvent } from '../../../src/trace/events.js';
import { syntheticHeader } from './synthetic-trace.js';

const SCHEMA = join(import.meta.dirname, '..', '..', '..', 'proto', 'perfetto', 'perfetto_trace.proto');
const MAX_ICOUNT = 2 ** 52 - 1;
const MAX_U64 = 0xffff_ffff_ffff_ffffn;

/** Events a decoder can hand over that a well-behaved recording never has: the analysis must take them all. */
const ODD_EVENTS: TraceEvent[] = [
  { kind: EventKind.TRAP, hart: 4095, icount: MAX_ICOUNT, interrupt: true, cause: 2 ** 40, tval: MAX_U64, epc: MAX_U64, fromPriv: PRIV_UNKNOWN, toPriv: 2 },
  { kind: EventKind.TRAP, hart: 0, icount: 5, interrupt: false, cause: 63, tval: 0n, epc: 0n, fromPriv: 2, toPriv: PRIV_UNKNOWN },
  { kind: EventKind.MMIO_READ, hart: 7, icount: 0, device: -1, offset: 0xffff_fff0, size: 8, value: MAX_U64 },
  { kind: EventKind.MMIO_WRITE, hart: 0, icount: 3, device: 99, offset: 0, size: 1, value: 0n },
  { kind: EventKind.IRQ, hart: 3, icount: 1, line: 31, level: true },
  { kind: EventKind.IRQ, hart: 3, icount: 2, line: 31, level: true },
  { kind: EventKind.CLOCK, hart: 1, icount: 10, ticks: MAX_U64 },
  { kind: EventKind.DMA, hart: 0, icount: 11, address: MAX_U64, bytes: new Uint8Array(0) },
  { kind: EventKind.CONSOLE_INPUT, hart: 0, icount: 12, bytes: new Uint8Array([0, 0xff, 0x22, 0x5c]) },
  { kind: EventKind.DIGEST, hart: 0, icount: 13, sha256: new Uint8Array(32) },
  { kind: EventKind.SNAPSHOT, hart: 0, icount: 14, sequence: 0 },
  { kind: EventKind.EXEC, hart: 0, icount: 15, pc: MAX_U64 },
  { kind: EventKind.END, hart: 0, icount: 16, reason: 'weird "reason" <&>', exitCode: -1, icounts: [16, 0, MAX_ICOUNT], sha256: new Uint8Array(32) },
];

function drive(sink: TimelineSink): void {
  const builder = new TimelineBuilder(sink, 2, syntheticHeader().devices.map((d) => d.name), 1000);
  for (const event of ODD_EVENTS) builder.add(event);
  builder.finish();
}

describe('odd events (harts and devices the header does not list, extreme values, unknown privileges)', () => {
  it('stats count them and print them as text and JSON', () => {
    const collector = new StatsCollector({ devices: syntheticHeader().devices, digestInterval: 0 });
    for (const event of ODD_EVENTS) collector.add(event);
    const stats = collector.result();
    expect(stats.events).toBe(ODD_EVENTS.length);
    expect(formatStats(stats).length).toBeGreaterThan(10);
    expect(JSON.parse(JSON.stringify(statsToJson(stats))).hotPcs[0].pc).toBe('0xffffffffffffffff');
    expect(stats.io.map((device) => device.device).sort()).toEqual(['device -1', 'device 99']);
  });

  it('the Perfetto export decodes, and every track event is on a declared track', () => {
    const pieces: Uint8Array[] = [];
    drive(new PerfettoSink((bytes) => pieces.push(bytes.slice())));
    const Trace = protobuf.loadSync(SCHEMA).lookupType('perfetto.protos.Trace');
    const { packet } = Trace.toObject(Trace.decode(Buffer.concat(pieces)), { longs: String }) as { packet: Array<{ trackDescriptor?: { uuid: string }; trackEvent?: { trackUuid: string } }> };
    const declared = new Set(packet.flatMap((p) => (p.trackDescriptor ? [p.trackDescriptor.uuid] : [])));
    const used = packet.flatMap((p) => (p.trackEvent ? [p.trackEvent.trackUuid] : []));
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((uuid) => !declared.has(uuid))).toEqual([]);
  });

  it('the Chrome JSON export parses', () => {
    const pieces: Uint8Array[] = [];
    drive(new ChromeJsonSink((bytes) => pieces.push(bytes.slice())));
    const { traceEvents } = JSON.parse(Buffer.concat(pieces).toString('utf8')) as { traceEvents: Array<{ name: string }> };
    expect(traceEvents.some((event) => event.name === 'end: weird "reason" <&> (exit status -1)')).toBe(true);
  });

  it('the report renders', () => {
    const collector = new ReportCollector(MAX_ICOUNT, 2, { devices: syntheticHeader().devices, digestInterval: 0 });
    for (const event of ODD_EVENTS) collector.add(event);
    const html = renderReport(collector.result('odd'));
    expect(html).toContain('data-chart="privilege-timeline"');
    expect(html).not.toContain('NaN');
  });
});
