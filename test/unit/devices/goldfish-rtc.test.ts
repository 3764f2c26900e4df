import { describe, expect, it } from 'vitest';
import { GoldfishRtc } from '../../../src/devices/goldfish-rtc.js';

const TIME_LOW = 0x00, TIME_HIGH = 0x04, ALARM_LOW = 0x08, ALARM_HIGH = 0x0c;
const IRQ_ENABLED = 0x10, CLEAR_ALARM = 0x14, ALARM_STATUS = 0x18, CLEAR_INTERRUPT = 0x1c;

function makeRtc(start = 0x1234_5678_9abc_def0n) {
  const clock = { ns: start };
  const levels: boolean[] = [];
  const rtc = new GoldfishRtc({ irq: { set: (level) => levels.push(level) }, clock: () => clock.ns });
  const read = (offset: number) => rtc.read(offset, 4);
  const write = (offset: number, value: bigint) => rtc.write(offset, 4, value);
  const irq = () => levels.at(-1) ?? false;
  const readTime = () => { const low = read(TIME_LOW); return (read(TIME_HIGH) << 32n) | low; };
  const alarmAt = (ns: bigint) => { write(ALARM_HIGH, ns >> 32n); write(ALARM_LOW, ns & 0xffff_ffffn); };
  return { rtc, clock, read, write, irq, readTime, alarmAt };
}

describe('GoldfishRtc time', () => {
  it('reads the injected clock in nanoseconds', () => {
    expect(makeRtc().readTime()).toBe(0x1234_5678_9abc_def0n);
  });

  it('latches the high half when TIME_LOW is read', () => {
    const { clock, read } = makeRtc(0x1_ffff_fff0n);
    expect(read(TIME_LOW)).toBe(0xffff_fff0n);
    clock.ns = 0x2_0000_0010n;
    expect(read(TIME_HIGH)).toBe(1n);
    expect(read(TIME_LOW)).toBe(0x10n);
    expect(read(TIME_HIGH)).toBe(2n);
  });

  it.each([
    ['TIME_HIGH keeps the low half', TIME_HIGH, 5n, 0x5_9abc_def0n],
    ['TIME_LOW keeps the high half', TIME_LOW, 7n, 0x1234_5678_0000_0007n],
  ])('a write to %s', (_name, offset, value, expected) => {
    const { write, readTime } = makeRtc();
    write(offset, value);
    expect(readTime()).toBe(expected);
  });

  it('keeps counting after the guest sets the time', () => {
    const { clock, write, readTime } = makeRtc(1000n);
    write(TIME_HIGH, 0n);
    write(TIME_LOW, 50n);
    clock.ns += 25n;
    expect(readTime()).toBe(75n);
  });

  it.each([1, 2, 8] as const)('ignores %i-byte accesses', (size) => {
    const { rtc, readTime } = makeRtc();
    rtc.write(TIME_LOW, size, 0n);
    expect(rtc.read(TIME_LOW, size)).toBe(0n);
    expect(readTime()).toBe(0x1234_5678_9abc_def0n);
  });

  it.each([CLEAR_ALARM, CLEAR_INTERRUPT, 0x20, 0x24, 0xffc])('reads 0 at offset %i', (offset) => {
    expect(makeRtc().read(offset)).toBe(0n);
  });
});

describe('GoldfishRtc alarm', () => {
  it('fires a past alarm at once and raises the IRQ when enabled', () => {
    const { read, write, irq, alarmAt } = makeRtc(1000n);
    write(IRQ_ENABLED, 1n);
    alarmAt(999n);
    expect(irq()).toBe(true);
    expect(read(ALARM_STATUS)).toBe(0n);
    write(CLEAR_INTERRUPT, 0n);
    expect(irq()).toBe(false);
  });

  it('fires a future alarm when the clock reaches the deadline', () => {
    const { rtc, clock, read, write, irq, alarmAt } = makeRtc(1000n);
    write(IRQ_ENABLED, 1n);
    alarmAt(5000n);
    expect([read(ALARM_STATUS), rtc.nextDeadline()]).toEqual([1n, 5000n]);
    clock.ns = 4999n;
    rtc.sync();
    expect(irq()).toBe(false);
    clock.ns = 5000n;
    rtc.sync();
    expect([irq(), read(ALARM_STATUS), rtc.nextDeadline()]).toEqual([true, 0n, null]);
  });

  it('arms only on the ALARM_LOW write', () => {
    const { rtc, read, write } = makeRtc(1000n);
    write(ALARM_HIGH, 1n);
    expect([read(ALARM_STATUS), rtc.nextDeadline()]).toEqual([0n, null]);
    write(ALARM_LOW, 0n);
    expect(rtc.nextDeadline()).toBe(1n << 32n);
    expect([read(ALARM_HIGH), read(ALARM_LOW)]).toEqual([1n, 0n]);
  });

  it('keeps the IRQ low while disabled and raises it when enabled later', () => {
    const { write, irq, alarmAt } = makeRtc(1000n);
    alarmAt(10n);
    expect(irq()).toBe(false);
    write(IRQ_ENABLED, 3n);
    expect(irq()).toBe(true);
  });

  it('cancels the alarm on CLEAR_ALARM', () => {
    const { rtc, clock, write, irq, read, alarmAt } = makeRtc(1000n);
    write(IRQ_ENABLED, 1n);
    alarmAt(2000n);
    write(CLEAR_ALARM, 0n);
    clock.ns = 3000n;
    rtc.sync();
    expect([irq(), read(ALARM_STATUS), rtc.nextDeadline()]).toEqual([false, 0n, null]);
  });

  it('keeps an armed deadline in clock time when the guest moves the time', () => {
    const { rtc, write, alarmAt } = makeRtc(1000n);
    alarmAt(2000n);
    write(TIME_LOW, 0n);
    expect(rtc.nextDeadline()).toBe(2000n);
  });
});

describe('GoldfishRtc snapshots', () => {
  it('round-trips the state', () => {
    const source = makeRtc(1000n);
    source.write(IRQ_ENABLED, 1n);
    source.write(TIME_LOW, 10n);
    source.alarmAt(5000n);
    source.read(TIME_LOW);
    const saved = source.rtc.save();
    const target = makeRtc(1000n);
    target.rtc.restore(saved);
    expect(target.rtc.save()).toEqual(saved);
    expect([target.readTime(), target.rtc.nextDeadline()]).toEqual([source.readTime(), source.rtc.nextDeadline()]);
  });

  it.each([
    ['a truncated snapshot', (s: Uint8Array) => s.slice(0, 12), /truncated/],
    ['a non-boolean flag', (s: Uint8Array) => { const c = s.slice(); c[14 + 16] = 7; return c; }, /alarmRunning/],
  ])('rejects %s', (_name, mutate, message) => {
    const { rtc } = makeRtc();
    expect(() => rtc.restore(mutate(rtc.save()))).toThrow(message);
  });
});
