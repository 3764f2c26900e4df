import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../../src/analysis/report/html.js';
import { ReportCollector } from '../../../../src/analysis/report/report-data.js';
import { EventKind, type TraceEvent } from '../../../../src/trace/events.js';
import { syntheticHeader, syntheticPeriod } from '../synthetic-trace.js';

const CHARTS = ['events-over-time', 'exits-per-million', 'trap-causes', 'privilege-timeline', 'io-per-device'];

function page(events: TraceEvent[], span: number, title = 'run.deja'): string {
  const collector = new ReportCollector(span, 1, { devices: syntheticHeader().devices, digestInterval: 0 });
  for (const event of events) collector.add(event);
  return renderReport(collector.result(title));
}

/** The HTML of each chart's figure, by its data-chart name. */
function figures(html: string): Map<string, string> {
  return new Map([...html.matchAll(/<figure data-chart="([^"]+)">(.*?)<\/figure>/gs)].map((m) => [m[1]!, m[2]!]));
}

describe('renderReport', () => {
  const events: TraceEvent[] = [];
  for (let period = 0; period < 20; period++) events.push(...syntheticPeriod(0, period * 1000, period));
  events.push({ kind: EventKind.END, hart: 0, icount: 20_000, reason: 'pass', exitCode: 0, icounts: [20_000], sha256: new Uint8Array(32) });

  it('is one self-contained page: no script, no external reference', () => {
    const html = page(events, 20_000);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|src=|href=|@import|url\(/);
  });

  it('draws every chart with marks that carry a tooltip', () => {
    const charts = figures(page(events, 20_000));
    expect([...charts.keys()]).toEqual(CHARTS);
    for (const [name, body] of charts) {
      const marks = body.match(/class="mark"[^>]*><title>/g) ?? [];
      expect(marks.length, name).toBeGreaterThan(0);
      expect(body, name).not.toContain('class="empty"');
    }
    expect(charts.get('trap-causes')).toContain('machine timer interrupt: 20 traps');
    expect(charts.get('io-per-device')).toContain('uart0: 40 writes');
  });

  it('lists the hot pcs with their source (0x80400040: 20 ECALLs and the timer interrupt of period 16)', () => {
    const html = page(events, 20_000);
    expect(html).toContain('Where traps were taken (trap epcs)');
    expect(html).toContain('<tr><td class="n">21</td><td><code>0x80400040</code></td><td></td></tr>');
  });

  it('an empty trace gives every chart, each saying it has no data', () => {
    const charts = figures(page([], 0));
    expect([...charts.keys()]).toEqual(CHARTS);
    for (const body of charts.values()) {
      expect(body).toContain('class="empty"');
      expect(body).not.toContain('class="mark"');
    }
  });

  it('escapes the title', () => {
    expect(page([], 0, '<b>&"x"</b>')).toContain('&#60;b&#62;&#38;&#34;x&#34;&#60;/b&#62;');
  });
});
