import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRecordedElfImages, symbolizerFor } from '../../../src/analysis/stats-symbols.js';
import { syntheticHeader } from './synthetic-trace.js';

const DEMO = join(import.meta.dirname, '..', '..', 'guests', 'bin', 'demo.elf');

describe('symbols of the recorded images', () => {
  const bytes = new Uint8Array(readFileSync(DEMO));
  const header = { ...syntheticHeader(), images: [{ role: 'kernel', name: DEMO, sha256: new Uint8Array(createHash('sha256').update(bytes).digest()) }] };

  it.each([
    [0x8000_0000n, '_start'],
    [0x8000_0098n, 'wait_ticks+0x4'],
    [0x8000_0058n, 'user_code+0x4'],
    [0x7fff_fff0n, undefined],
    [0x9000_0000n, undefined],
  ])('names %s as %s (labels without sizes: the nearest symbol below in an executable segment)', (pc, name) => {
    expect(symbolizerFor(loadRecordedElfImages(header))(pc)).toBe(name);
  });

  it('skips images that are missing or changed since the recording (their SHA-256 differs)', () => {
    expect(loadRecordedElfImages({ ...header, images: [{ role: 'kernel', name: DEMO, sha256: new Uint8Array(32) }] })).toEqual([]);
    expect(loadRecordedElfImages({ ...header, images: [{ role: 'kernel', name: '/nonexistent.elf', sha256: new Uint8Array(32) }] })).toEqual([]);
  });
});
