import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badTraces, deja, DEMO_TRACE } from './analysis-support.js';

const CHROMIUM = '/usr/bin/chromium';
const CHARTS = ['events-over-time', 'exits-per-million', 'trap-causes', 'privilege-timeline', 'io-per-device'];
const HAVE_CHROMIUM = existsSync(CHROMIUM) || process.env.CI !== undefined;

interface Rendered {
  errors: string[];
  requests: string[];
  charts: Array<{ name: string; marks: number; drawnMarks: number; empty: boolean }>;
}

/** Opens `file` in headless Chromium and reports what each chart drew, every console error and every network request. */
async function render(browser: Browser, file: string): Promise<Rendered> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('request', (request) => {
    if (request.url() !== pathToFileURL(file).href) requests.push(request.url());
  });
  await page.goto(pathToFileURL(file).href);
  const charts = await page.$$eval('figure[data-chart]', (figures) => figures.map((figure) => {
    const marks = [...figure.querySelectorAll('svg .mark')];
    const drawnMarks = marks.filter((mark) => {
      const box = mark.getBoundingClientRect();
      return box.width > 0 && box.height > 0;
    }).length;
    return { name: figure.getAttribute('data-chart') ?? '', marks: marks.length, drawnMarks, empty: figure.querySelector('.empty') !== null };
  }));
  await page.close();
  return { errors, requests, charts };
}

describe.skipIf(!HAVE_CHROMIUM)(`deja report in headless Chromium (${HAVE_CHROMIUM ? 'chromium found' : `skipped: ${CHROMIUM} not installed (apt-get install chromium)`})`, () => {
  const bad = badTraces();
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('the demo report renders every chart with data, logs nothing and loads nothing', async () => {
    const output = join(bad.dir, 'demo.html');
    const result = deja('report', DEMO_TRACE, '-o', output);
    expect([result.status, result.stdout, result.stderr]).toEqual([0, '', '']);
    const rendered = await render(browser, output);
    expect(rendered.errors).toEqual([]);
    expect(rendered.requests).toEqual([]);
    expect(rendered.charts.map((chart) => chart.name)).toEqual(CHARTS);
    for (const chart of rendered.charts) {
      expect(chart.empty, chart.name).toBe(false);
      expect(chart.marks, chart.name).toBeGreaterThan(0);
      expect(chart.drawnMarks, chart.name).toBe(chart.marks);
    }
    const html = readFileSync(output, 'utf8');
    expect(html).toContain('machine timer interrupt: 8 traps');
    expect(html).toContain('<td><code>0x80000098</code></td><td>wait_ticks+0x4</td>');
  });

  it('an empty trace gives a valid page whose charts each say there is no data (exit 2: the recording has no footer)', async () => {
    const output = join(bad.dir, 'empty.html');
    const result = deja('report', bad.empty, '-o', output);
    expect(result.stderr).toMatch(/the recording ends without a footer; reported on the 0 complete chunks/);
    expect(result.status).toBe(2);
    const rendered = await render(browser, output);
    expect(rendered.errors).toEqual([]);
    expect(rendered.charts.map((chart) => [chart.name, chart.marks, chart.empty])).toEqual(CHARTS.map((name) => [name, 0, true]));
  });

  it('a corrupt trace: one line with the offset, exit status 2, no page', () => {
    const output = join(bad.dir, 'corrupt.html');
    const result = deja('report', bad.corrupt, '-o', output);
    expect(result.stderr).toBe(`deja: chunk checksum mismatch (at byte offset ${bad.corruptOffset})\n`);
    expect(result.status).toBe(2);
    expect(existsSync(output)).toBe(false);
  });
});
