import { describe, expect, it } from 'vitest';
import type { FinishEvent } from '../../../src/devices/finish.js';
import { TestFinisher } from '../../../src/devices/test-finisher.js';

function makeFinisher() {
  const events: FinishEvent[] = [];
  const finisher = new TestFinisher((event) => events.push(event));
  return { finisher, events };
}

describe('TestFinisher', () => {
  it.each([
    ['pass', 0, 4, 0x5555n, 'pass', 0],
    ['pass ignores the code half', 0, 4, 0x0007_5555n, 'pass', 0],
    ['fail with code', 0, 4, 0x0003_3333n, 'fail', 3],
    ['fail with the largest code', 0, 4, 0xffff_3333n, 'fail', 0xffff],
    ['fail with code 0', 0, 4, 0x3333n, 'fail', 0],
    ['reset', 0, 4, 0x7777n, 'reset', 0],
    ['a 2-byte write', 0, 2, 0x5555n, 'pass', 0],
  ] as const)('%s', (_name, offset, size, value, kind, code) => {
    const { finisher, events } = makeFinisher();
    finisher.write(offset, size, value);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind, code });
    expect(events[0]?.reason).toMatch(/^test: /);
  });

  it.each([
    ['another offset', 4, 4, 0x5555n],
    ['an unknown status', 0, 4, 0x1234n],
    ['a 1-byte write (QEMU faults)', 0, 1, 0x55n],
    ['an 8-byte write (QEMU faults)', 0, 8, 0x5555n],
    ['an offset far out', 0xfff, 2, 0x5555n],
  ] as const)('ignores %s', (_name, offset, size, value) => {
    const { finisher, events } = makeFinisher();
    finisher.write(offset, size, value);
    expect(events).toEqual([]);
  });

  it('reads 0 everywhere', () => {
    const { finisher } = makeFinisher();
    finisher.write(0, 4, 0x1234n);
    expect([finisher.read(0, 4), finisher.read(8, 8), finisher.read(0xfff, 1)]).toEqual([0n, 0n, 0n]);
  });

  it('round-trips its empty snapshot and rejects a foreign one', () => {
    const { finisher } = makeFinisher();
    const saved = finisher.save();
    finisher.restore(saved);
    expect(finisher.save()).toEqual(saved);
    expect(() => finisher.restore(Uint8Array.from([...saved, 1]))).toThrow(/trailing/);
    expect(() => finisher.restore(new Uint8Array([3, 0x61, 0x62, 0x63, 1]))).toThrow(/not "sifive_test"/);
  });
});
