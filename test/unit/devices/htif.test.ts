import { describe, expect, it } from 'vitest';
import type { FinishEvent } from '../../../src/devices/finish.js';
import { Htif, htifLayout } from '../../../src/devices/htif.js';

// riscv-tests put tohost and fromhost 64 bytes apart in a .tohost section.
const TOHOST = 0x8000_1000n;
const FROMHOST = 0x8000_1040n;

function makeHtif() {
  const output: number[] = [];
  const events: FinishEvent[] = [];
  const layout = htifLayout({ tohost: TOHOST, fromhost: FROMHOST });
  if (!layout) throw new Error('no layout');
  const htif = new Htif({ layout, output: (byte) => output.push(byte), onFinish: (event) => events.push(event) });
  const to = layout.tohostOffset;
  const from = layout.fromhostOffset;
  return { htif, output, events, to, from };
}

const command = (device: bigint, cmd: bigint, payload: bigint) => (device << 56n) | (cmd << 48n) | payload;

describe('htifLayout', () => {
  it.each([
    ['both symbols, tohost first', { tohost: 0x1000n, fromhost: 0x1040n }, { base: 0x1000n, size: 0x48, tohostOffset: 0, fromhostOffset: 0x40 }],
    ['both symbols, fromhost first (QEMU nonelf order)', { tohost: 0x1008n, fromhost: 0x1000n }, { base: 0x1000n, size: 0x10, tohostOffset: 8, fromhostOffset: 0 }],
    ['tohost only: fromhost follows it', { tohost: 0x2000n }, { base: 0x2000n, size: 0x10, tohostOffset: 0, fromhostOffset: 8 }],
  ])('%s', (_name, symbols, expected) => {
    expect(htifLayout(symbols)).toEqual(expected);
  });

  it('returns null without a tohost symbol', () => {
    expect(htifLayout({ fromhost: 0x1000n })).toBeNull();
    expect(htifLayout({})).toBeNull();
  });
});

describe('Htif commands', () => {
  it.each([
    ['exit 0 = pass', command(0n, 0n, 1n), 'pass', 0],
    ['exit code 3 = fail', command(0n, 0n, (3n << 1n) | 1n), 'fail', 3],
    ['riscv-tests failing test 21', command(0n, 0n, (21n << 1n) | 1n), 'fail', 21],
    ['syscall proxy is unsupported', command(0n, 0n, 0x8000_2000n), 'unsupported', 1],
  ] as const)('%s (64-bit store)', (_name, value, kind, code) => {
    const { htif, events, to } = makeHtif();
    htif.write(to, 8, value);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind, code });
  });

  it('names the syscall proxy in the reason', () => {
    const { htif, events, to } = makeHtif();
    htif.write(to, 8, 0x8000_2000n);
    expect(events[0]?.reason).toMatch(/syscall.*not supported/);
  });

  it('triggers only on the high-word write when stored as two 32-bit halves', () => {
    const { htif, events, to } = makeHtif();
    htif.write(to, 4, 1n);
    expect(events).toEqual([]);
    expect(htif.read(to, 8)).toBe(1n);
    htif.write(to + 4, 4, 0n);
    expect(events).toMatchObject([{ kind: 'pass', code: 0 }]);
  });

  it('prints console bytes, clears tohost and acknowledges in fromhost', () => {
    const { htif, output, to, from } = makeHtif();
    for (const byte of [0x68n, 0x69n]) htif.write(to, 8, command(1n, 1n, byte));
    expect(output).toEqual([0x68, 0x69]);
    expect(htif.read(to, 8)).toBe(0n);
    expect(htif.read(from, 8)).toBe(command(1n, 1n, 0x169n));
    expect(htif.read(from + 4, 4)).toBe(0x0101_0000n);
    expect(htif.read(from, 4)).toBe(0x169n);
  });

  it('ignores a new low word while tohost still holds an unconsumed value, and its high word too', () => {
    const { htif, output, to } = makeHtif();
    htif.write(to, 4, 0x41n);
    htif.write(to, 4, 0x42n);
    htif.write(to + 4, 4, 0x0101_0000n);
    expect(output).toEqual([]);
    expect(htif.read(to, 8)).toBe(0x41n);
  });

  it('lets the guest clear fromhost in halves', () => {
    const { htif, to, from } = makeHtif();
    htif.write(to, 8, command(1n, 1n, 0x41n));
    htif.write(from, 8, 0n);
    expect(htif.read(from, 8)).toBe(0n);
  });

  it('acknowledges unknown devices and commands with an empty response', () => {
    const { htif, events, output, to, from } = makeHtif();
    htif.write(to, 8, command(7n, 3n, 0x55n));
    htif.write(to, 8, command(0n, 2n, 0x55n));
    expect([events, output]).toEqual([[], []]);
    expect(htif.read(from, 8)).toBe(command(0n, 2n, 0n));
    expect(htif.read(to, 8)).toBe(0n);
  });

  it('answers a console read with the next input byte', () => {
    const { htif, to, from } = makeHtif();
    htif.write(to, 8, command(1n, 0n, 0n));
    expect(htif.read(to, 8)).toBe(0n);
    htif.pushInput([0x7a]);
    expect(htif.read(from, 8)).toBe(command(1n, 0n, 0x17an));
  });

  it.each([
    ['a byte inside tohost', 1, 1],
    ['between the registers', 0x10, 8],
    ['past the window', 0x1000, 4],
  ])('reads 0 and ignores writes %s', (_name, offset, size) => {
    const { htif, events, output } = makeHtif();
    htif.write(offset, size as 1 | 4 | 8, 0xffff_ffff_ffff_ffffn);
    expect(htif.read(offset, size as 1 | 4 | 8)).toBe(0n);
    expect([events, output]).toEqual([[], []]);
  });

  it('narrow writes at the register offset latch only their bytes', () => {
    const { htif, to } = makeHtif();
    htif.write(to, 1, 0x1234n);
    expect(htif.read(to, 8)).toBe(0x34n);
    expect(htif.read(to, 2)).toBe(0x34n);
  });
});

describe('Htif snapshots', () => {
  it('round-trips the state', () => {
    const source = makeHtif();
    source.htif.write(source.to, 4, 0x41n);
    source.htif.write(source.from, 4, 0x99n);
    const saved = source.htif.save();
    const target = makeHtif();
    target.htif.restore(saved);
    expect(target.htif.save()).toEqual(saved);
    target.htif.write(target.to + 4, 4, 0x0101_0000n);
    expect(target.output).toEqual([0x41]);
  });

  it('rejects a snapshot taken with another layout', () => {
    const layout = htifLayout({ tohost: 0x9000n });
    if (!layout) throw new Error('no layout');
    const other = new Htif({ layout, output: () => undefined, onFinish: () => undefined });
    expect(() => makeHtif().htif.restore(other.save())).toThrow(/layout/);
  });

  it('rejects a truncated snapshot', () => {
    const { htif } = makeHtif();
    expect(() => htif.restore(htif.save().slice(0, 20))).toThrow(/truncated/);
  });
});
