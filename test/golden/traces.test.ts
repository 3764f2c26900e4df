import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/analysis/summary.js';
import { EventKind } from '../../src/trace/events.js';
import { FORMAT_VERSION } from '../../src/trace/format.js';
import { TraceReader } from '../../src/trace/reader.js';

const TRACES = join(import.meta.dirname, '..', '..', 'traces');

/**
 * The reference traces in traces/ (see its README): this version of dejavm
 * must read them completely, with the contents they were recorded with.
 */
describe('reference traces', () => {
  it.each([
    { file: 'demo.deja', instructions: 4677, events: 470, traps: 12, kernel: 'test/guests/bin/demo.elf', digests: 4 },
    { file: 'u-boot.deja', instructions: 40528538, events: 5907, traps: 6, kernel: '/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin', digests: 0 },
  ])('$file reads back whole, with its recorded contents', ({ file, instructions, events, traps, kernel, digests }) => {
    const reader = TraceReader.open(join(TRACES, file));
    try {
      expect(reader.formatVersion).toBeLessThanOrEqual(FORMAT_VERSION);
      expect(reader.truncated).toBeUndefined();
      expect(reader.header.machine).toMatchObject({ kernel, backend: 'interp', clock: 'virtual', harts: 1, memoryMib: 128 });
      expect(reader.header.images.find((image) => image.role === 'kernel')?.sha256).toHaveLength(32);
      const summary = summarize(reader.events(), reader.header.devices.map((d) => d.name));
      expect(summary.events).toBe(events);
      expect([...summary.traps.values()].reduce((a, b) => a + b, 0)).toBe(traps);
      expect(summary.byKind.get('digest') ?? 0).toBe(digests);
      expect(summary.end).toMatchObject({ kind: EventKind.END, reason: 'pass', exitCode: 0, icounts: [instructions] });
    } finally {
      reader.close();
    }
  });
});
