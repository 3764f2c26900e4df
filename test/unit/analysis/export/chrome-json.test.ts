import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportTrace } from '../../../../src/analysis/export/export-trace.js';
import { TraceReader } from '../../../../src/trace/reader.js';
import { EVENTS_PER_PERIOD, writeSyntheticTrace } from '../synthetic-trace.js';

interface ChromeEvent {
  name: string;
  ph: string;
  pid: number;
  tid?: number;
  ts?: number;
  dur?: number;
  cat?: string;
  args?: Record<string, unknown>;
}

function exportJson(path: string): { traceEvents: ChromeEvent[]; otherData: unknown } {
  const reader = TraceReader.open(path);
  const pieces: Uint8Array[] = [];
  exportTrace(reader, 'chrome-json', (bytes) => pieces.push(bytes.slice()), { exitInterval: 10_000 });
  reader.close();
  return JSON.parse(Buffer.concat(pieces).toString('utf8')) as { traceEvents: ChromeEvent[]; otherData: unknown };
}

describe('deja export --format chrome-json', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'deja-chrome-')), 'run.deja');
  writeSyntheticTrace(path, 20, 2);
  const { traceEvents, otherData } = exportJson(path);

  it('is Trace Event Format JSON naming its processes and threads', () => {
    expect(otherData).toEqual({ timebase: 'one instruction per microsecond' });
    const names = traceEvents.filter((e) => e.ph === 'M').map((e) => `${e.pid}/${e.tid ?? '-'} ${String(e.args!.name)}`);
    expect(names).toEqual([
      '0/- harts', '1/- devices', '2/- vmm', '2/0 vmm', '1/0 uart0', '1/1 aclint', '1/2 rtc',
      '0/0 hart 0 privilege', '0/1 hart 0 traps', '0/2 hart 0 interrupt lines',
      '0/3 hart 1 privilege', '0/4 hart 1 traps', '0/5 hart 1 interrupt lines',
    ]);
  });

  it.each([
    { what: 'traps', filter: (e: ChromeEvent) => e.cat === 'trap', count: 2 * 20 * 2 },
    { what: 'I/O', filter: (e: ChromeEvent) => e.cat === 'io', count: 6 * 20 * 2 },
    { what: 'interrupt lines', filter: (e: ChromeEvent) => e.cat === 'irq', count: 2 * 20 * 2 },
    { what: 'vmm instants', filter: (e: ChromeEvent) => e.cat === 'vmm', count: 2 },
  ])('has one instant per event: $what', ({ filter, count }) => {
    const found = traceEvents.filter(filter);
    expect(found).toHaveLength(count);
    expect(found.every((e) => e.ph === 'i' && Number.isInteger(e.ts))).toBe(true);
  });

  it('carries the details: trap epc (tval when set) and transition, I/O value, size and hart', () => {
    expect(traceEvents.find((e) => e.cat === 'trap')).toEqual({ name: 'machine timer interrupt U->M', cat: 'trap', ph: 'i', pid: 0, tid: 1, ts: 103, args: { epc: '0x80400000' } });
    expect(traceEvents.find((e) => e.cat === 'io' && e.name === 'write +0x0')).toEqual({ name: 'write +0x0', cat: 'io', ph: 'i', pid: 1, tid: 0, ts: 522, args: { value: '0x41', size: 1, hart: 0 } });
  });

  it('privilege slices tile each hart from 0 to its end without gaps', () => {
    for (const tid of [0, 3]) {
      const slices = traceEvents.filter((e) => e.ph === 'X' && e.tid === tid).sort((a, b) => a.ts! - b.ts!);
      let at = 0;
      for (const slice of slices) {
        expect(slice.ts).toBe(at);
        at += slice.dur!;
      }
      expect(at).toBe(20_000);
    }
  });

  it('exit counters add up to every I/O event', () => {
    const counters = traceEvents.filter((e) => e.ph === 'C');
    expect(counters.reduce((sum, e) => sum + (e.args!.exits as number), 0)).toBe(6 * 20 * 2);
    expect(traceEvents.length).toBe(13 + EVENTS_PER_PERIOD * 20 * 2 + 2 + counters.length + traceEvents.filter((e) => e.ph === 'X').length);
  });
});
