import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { badTraces, deja, DEMO_TRACE } from './analysis-support.js';

const SCHEMA = join(import.meta.dirname, '..', '..', 'proto', 'perfetto', 'perfetto_trace.proto');

describe('deja export', () => {
  const bad = badTraces();

  it('--format perfetto writes a Trace that parses with the Perfetto schema: one hart, the demo\'s 12 traps on its traps track', () => {
    const output = join(bad.dir, 'demo.pftrace');
    const result = deja('export', DEMO_TRACE, '--format', 'perfetto', '-o', output);
    expect([result.status, result.stdout, result.stderr]).toEqual([0, '', '']);
    const Trace = protobuf.loadSync(SCHEMA).lookupType('perfetto.protos.Trace');
    const { packet } = Trace.toObject(Trace.decode(readFileSync(output)), { longs: String }) as { packet: Array<{ trackDescriptor?: { name: string; uuid: string }; trackEvent?: { trackUuid: string } }> };
    const traps = packet.find((p) => p.trackDescriptor?.name === 'traps')!.trackDescriptor!.uuid;
    expect(packet.filter((p) => p.trackEvent?.trackUuid === traps)).toHaveLength(12);
    expect(packet.filter((p) => p.trackDescriptor?.name.startsWith('hart ')).length).toBe(1);
  });

  it('--format chrome-json writes Trace Event Format JSON', () => {
    const output = join(bad.dir, 'demo.json');
    expect(deja('export', DEMO_TRACE, '--format', 'chrome-json', '-o', output).status).toBe(0);
    const { traceEvents } = JSON.parse(readFileSync(output, 'utf8')) as { traceEvents: Array<{ cat?: string }> };
    expect(traceEvents.filter((e) => e.cat === 'io')).toHaveLength(437);
  });

  it.each([
    { name: 'an unknown format', args: () => [DEMO_TRACE, '--format', 'svg', '-o', join(bad.dir, 'x')], message: (): string => "deja: --format: unknown format 'svg' (formats: perfetto, chrome-json)\n" },
    { name: 'an existing output without --force', args: () => [DEMO_TRACE, '-o', DEMO_TRACE], message: (): string => `deja: ${DEMO_TRACE} already exists (use --force to overwrite)\n` },
    { name: 'a corrupt chunk', args: () => [bad.corrupt, '-o', join(bad.dir, 'corrupt.pftrace')], message: (): string => `deja: chunk checksum mismatch (at byte offset ${bad.corruptOffset})\n` },
    { name: 'a bad --interval', args: () => [DEMO_TRACE, '--interval', '0', '-o', join(bad.dir, 'y')], message: (): string => "deja: --interval: '0' is not a positive instruction count\n" },
  ])('refuses $name with one line and exit status 2', ({ args, message }) => {
    const result = deja('export', ...args());
    expect(result.stderr).toBe(message());
    expect(result.status).toBe(2);
  });

  it('a cut recording: exports its complete chunks, says so and exits 2; an empty one gives a valid empty export', () => {
    const cut = join(bad.dir, 'cut.json');
    const result = deja('export', bad.cut, '--format', 'chrome-json', '-o', cut);
    expect(result.stderr).toMatch(/the recording ends without a footer; exported the 2 complete chunks/);
    expect(result.status).toBe(2);
    expect((JSON.parse(readFileSync(cut, 'utf8')) as { traceEvents: unknown[] }).traceEvents.length).toBeGreaterThan(200);
    const empty = join(bad.dir, 'empty.json');
    expect(deja('export', bad.empty, '--format', 'chrome-json', '-o', empty).status).toBe(2);
    const events = (JSON.parse(readFileSync(empty, 'utf8')) as { traceEvents: Array<{ ph: string }> }).traceEvents;
    expect(events.every((e) => e.ph === 'M')).toBe(true);
    expect(existsSync(join(bad.dir, 'corrupt.pftrace'))).toBe(false);
  });
});
