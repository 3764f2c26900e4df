import { describe, expect, it } from 'vitest';
import { Aclint, ACLINT_MTIME_OFFSET, ACLINT_MTIMER_OFFSET } from '../../../src/devices/aclint.js';
import { MIP_MSIP, MIP_MTIP } from '../../../src/devices/interrupt-target.js';

class FakeHart {
  mip = 0;
  calls = 0;
  setPending(mask: number, level: boolean): void {
    this.calls++;
    this.mip = level ? this.mip | mask : this.mip & ~mask;
  }
}

function makeAclint(hartCount = 2, start = 0n) {
  const harts = Array.from({ length: hartCount }, () => new FakeHart());
  const clock = { ticks: start };
  const aclint = new Aclint({ harts, time: { now: () => clock.ticks } });
  const timecmp = (hart: number) => ACLINT_MTIMER_OFFSET + 8 * hart;
  return { aclint, harts, clock, timecmp };
}

describe('Aclint MSWI', () => {
  it.each([0, 1, 2])('msip of hart %i drives only that hart\'s MSIP', (hart) => {
    const { aclint, harts } = makeAclint(3);
    aclint.write(4 * hart, 4, 1n);
    expect(harts.map((h) => (h.mip & MIP_MSIP) !== 0)).toEqual([0, 1, 2].map((i) => i === hart));
    expect(aclint.read(4 * hart, 4)).toBe(1n);
    aclint.write(4 * hart, 4, 0xfffffffen);
    expect((harts[hart]?.mip ?? -1) & MIP_MSIP).toBe(0);
    expect(aclint.read(4 * hart, 4)).toBe(0n);
  });

  it.each([
    ['a 1-byte write', 0, 1],
    ['an 8-byte write', 0, 8],
    ['a misaligned write', 2, 4],
    ['a hart that does not exist', 8, 4],
  ] as const)('ignores %s', (_name, offset, size) => {
    const { aclint, harts } = makeAclint(2);
    aclint.write(offset, size, 1n);
    expect(harts.map((h) => h.mip & MIP_MSIP)).toEqual([0, 0]);
    expect(aclint.read(offset, size)).toBe(0n);
  });
});

describe('Aclint MTIMER', () => {
  it('starts with MTIP pending, as QEMU after reset (mtimecmp 0 <= mtime 0)', () => {
    const { harts } = makeAclint();
    expect(harts.map((h) => h.mip)).toEqual([MIP_MTIP, MIP_MTIP]);
  });

  it('reads mtime from the time source, in 32-bit halves and whole', () => {
    const { aclint, clock } = makeAclint();
    clock.ticks = 0x1_2345_6789n;
    expect(aclint.read(ACLINT_MTIME_OFFSET, 8)).toBe(0x1_2345_6789n);
    expect(aclint.read(ACLINT_MTIME_OFFSET, 4)).toBe(0x2345_6789n);
    expect(aclint.read(ACLINT_MTIME_OFFSET + 4, 4)).toBe(1n);
    expect(aclint.mtime()).toBe(0x1_2345_6789n);
  });

  it.each([
    // description, writes [offset from mtime, size, value], expected mtime (clock at 0x5_0000_0100)
    ['64-bit write', [[0, 8, 0x42n]], 0x42n],
    ['high half keeps the current low half', [[4, 4, 7n]], 0x7_0000_0100n],
    ['low half keeps the current high half (QEMU fix e0922b73)', [[4, 4, 7n], [0, 4, 0x10n]], 0x7_0000_0010n],
    ['8-byte write to the high half is ignored', [[4, 8, 7n]], 0x5_0000_0100n],
  ] as const)('mtime %s', (_name, writes, expected) => {
    const { aclint } = makeAclint(1, 0x5_0000_0100n);
    for (const [offset, size, value] of writes) aclint.write(ACLINT_MTIME_OFFSET + offset, size, value);
    expect(aclint.mtime()).toBe(expected);
  });

  it('keeps counting from a written mtime', () => {
    const { aclint, clock } = makeAclint(1, 1000n);
    aclint.write(ACLINT_MTIME_OFFSET, 8, 5n);
    clock.ticks += 10n;
    expect(aclint.read(ACLINT_MTIME_OFFSET, 8)).toBe(15n);
  });

  it.each([
    // writes [offset in the hart's mtimecmp, size, value], expected mtimecmp (starting from 0x11_2222_3333)
    ['64-bit write', [[0, 8, 0xaaaa_bbbb_cccc_ddddn]], 0xaaaa_bbbb_cccc_ddddn],
    ['low half', [[0, 4, 0x4444_5555n]], 0x11_4444_5555n],
    ['high half', [[4, 4, 0x66n]], 0x66_2222_3333n],
    ['8-byte write to the high half is ignored', [[4, 8, 0x66n]], 0x11_2222_3333n],
    ['2-byte write is ignored', [[0, 2, 0x66n]], 0x11_2222_3333n],
    ['misaligned write is ignored', [[2, 4, 0x66n]], 0x11_2222_3333n],
  ] as const)('mtimecmp %s', (_name, writes, expected) => {
    const { aclint, timecmp } = makeAclint(2);
    aclint.write(timecmp(1), 8, 0x11_2222_3333n);
    for (const [offset, size, value] of writes) aclint.write(timecmp(1) + offset, size, value);
    expect(aclint.read(timecmp(1), 8)).toBe(expected);
    expect(aclint.read(timecmp(1), 4)).toBe(expected & 0xffff_ffffn);
    expect(aclint.read(timecmp(1) + 4, 4)).toBe(expected >> 32n);
    expect(aclint.read(timecmp(0), 8)).toBe(0n);
  });

  it('raises MTIP exactly when the clock reaches mtimecmp', () => {
    const { aclint, harts, clock, timecmp } = makeAclint(2, 100n);
    aclint.write(timecmp(0), 8, 150n);
    aclint.write(timecmp(1), 8, 130n);
    expect(harts.map((h) => h.mip)).toEqual([0, 0]);
    expect(aclint.nextDeadline()).toBe(130n);
    clock.ticks = 129n;
    aclint.sync();
    expect(harts.map((h) => h.mip)).toEqual([0, 0]);
    clock.ticks = 130n;
    aclint.sync();
    expect(harts.map((h) => h.mip)).toEqual([0, MIP_MTIP]);
    expect(aclint.nextDeadline()).toBe(150n);
    clock.ticks = 1000n;
    aclint.sync();
    expect(harts.map((h) => h.mip)).toEqual([MIP_MTIP, MIP_MTIP]);
    expect(aclint.nextDeadline()).toBeNull();
  });

  it('raises at once for an mtimecmp in the past and lowers for one in the future', () => {
    const { aclint, harts, timecmp } = makeAclint(1, 500n);
    aclint.write(timecmp(0), 8, 600n);
    expect(harts[0]?.mip).toBe(0);
    aclint.write(timecmp(0), 8, 400n);
    expect(harts[0]?.mip).toBe(MIP_MTIP);
    aclint.write(timecmp(0), 8, 0xffff_ffff_ffff_ffffn);
    expect(harts[0]?.mip).toBe(0);
  });

  it('re-evaluates every hart when mtime is written', () => {
    const { aclint, harts, timecmp } = makeAclint(2, 500n);
    aclint.write(timecmp(0), 8, 600n);
    aclint.write(timecmp(1), 8, 700n);
    aclint.write(ACLINT_MTIME_OFFSET, 8, 650n);
    expect(harts.map((h) => h.mip)).toEqual([MIP_MTIP, 0]);
    aclint.write(ACLINT_MTIME_OFFSET, 8, 0n);
    expect(harts.map((h) => h.mip)).toEqual([0, 0]);
  });

  it('states the deadline in time-source ticks when the guest moved mtime', () => {
    const { aclint, clock, timecmp } = makeAclint(1, 1000n);
    aclint.write(ACLINT_MTIME_OFFSET, 8, 0n);
    aclint.write(timecmp(0), 8, 50n);
    expect(aclint.nextDeadline()).toBe(1050n);
    clock.ticks = 1050n;
    aclint.sync();
    expect(aclint.nextDeadline()).toBeNull();
  });

  it('re-evaluates levels both ways in sync, e.g. after the clock is restored to an earlier time', () => {
    const { aclint, harts, clock, timecmp } = makeAclint(1, 100n);
    aclint.write(timecmp(0), 8, 150n);
    clock.ticks = 200n;
    aclint.sync();
    expect(harts[0]?.mip).toBe(MIP_MTIP);
    clock.ticks = 120n;
    aclint.sync();
    expect(harts[0]?.mip).toBe(0);
  });

  it('does not call the hart again when sync finds nothing new', () => {
    const { aclint, harts } = makeAclint(1);
    const before = harts[0]?.calls;
    aclint.sync();
    aclint.sync();
    expect(harts[0]?.calls).toBe(before);
  });

  it('rejects more harts than the layout holds', () => {
    expect(() => makeAclint(4096)).toThrow(RangeError);
  });

  it.each([
    ['an unmapped MSWI offset', 0x3ffc],
    ['the gap before mtime', 0xbff0],
    ['past the window', 0xc000],
    ['a negative offset', -4],
  ])('reads 0 at %s', (_name, offset) => {
    expect(makeAclint(2).aclint.read(offset, 4)).toBe(0n);
  });
});

describe('Aclint snapshots', () => {
  it('round-trips timers, offsets and levels', () => {
    const source = makeAclint(2, 100n);
    source.aclint.write(4, 4, 1n);
    source.aclint.write(source.timecmp(0), 8, 5000n);
    source.aclint.write(ACLINT_MTIME_OFFSET, 8, 77n);
    const saved = source.aclint.save();
    const target = makeAclint(2, 100n);
    target.aclint.restore(saved);
    expect(target.aclint.save()).toEqual(saved);
    expect(target.aclint.mtime()).toBe(77n);
    expect(target.aclint.read(4, 4)).toBe(1n);
    expect(target.aclint.nextDeadline()).toBe(source.aclint.nextDeadline());
  });

  it.each([
    ['another hart count', () => makeAclint(3).aclint.save(), /hart count/],
    ['a truncated snapshot', () => makeAclint(2).aclint.save().slice(0, 30), /truncated/],
    ['a non-boolean level', () => { const s = makeAclint(2).aclint.save(); s[s.length - 1] = 2; return s; }, /mtip\[1\]/],
  ])('rejects %s', (_name, snapshot, message) => {
    expect(() => makeAclint(2).aclint.restore(snapshot())).toThrow(message);
  });
});
