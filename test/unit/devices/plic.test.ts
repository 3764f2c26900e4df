import { describe, expect, it } from 'vitest';
import { MIP_MEIP, MIP_SEIP } from '../../../src/devices/interrupt-target.js';
import { Plic, plicWindowSize } from '../../../src/devices/plic.js';

class FakeHart {
  mip = 0;
  setPending(mask: number, level: boolean): void {
    this.mip = level ? this.mip | mask : this.mip & ~mask;
  }
}

const priority = (source: number) => 4 * source;
const PENDING = 0x1000;
const enable = (context: number, word = 0) => 0x2000 + 0x80 * context + 4 * word;
const threshold = (context: number) => 0x200000 + 0x1000 * context;
const claim = (context: number) => threshold(context) + 4;

function makePlic(hartCount = 2) {
  const harts = Array.from({ length: hartCount }, () => new FakeHart());
  const plic = new Plic({ harts });
  const read = (offset: number) => Number(plic.read(offset, 4));
  const write = (offset: number, value: number) => plic.write(offset, 4, BigInt(value));
  return { plic, harts, read, write };
}

describe('Plic registers', () => {
  it('sizes its window as VIRT_PLIC_SIZE', () => {
    expect(makePlic(2).plic.size).toBe(0x204000);
    expect(plicWindowSize(8)).toBe(0x210000);
  });

  it.each([
    ['priority is a 3-bit WARL field (QEMU: 9 reads 1)', priority(1), 9, 1],
    ['priority of source 95', priority(95), 7, 7],
    ['priority of source 0 is hardwired to 0', priority(0), 5, 0],
    ['threshold is a 3-bit WARL field (QEMU: 0xf reads 7)', threshold(3), 0xf, 7],
    ['enable words take all 32 bits (bit 0 included, as QEMU)', enable(1, 2), 0xffff_ffff, 0xffff_ffff],
    ['enable word 3 does not exist', enable(0, 3), 0xffff_ffff, 0],
    ['pending ignores writes', PENDING, 0xffff_ffff, 0],
    ['nothing past source 95', priority(96), 5, 0],
    ['no context 4 with two harts', threshold(4), 5, 0],
    ['unused context register', threshold(0) + 8, 5, 0],
  ])('%s', (_name, offset, value, expected) => {
    const { read, write } = makePlic();
    write(offset, value);
    expect(read(offset)).toBe(expected);
  });

  it.each([
    ['a 1-byte access', 1],
    ['a 2-byte access', 2],
    ['an 8-byte access', 8],
  ] as const)('ignores %s', (_name, size) => {
    const { plic, read } = makePlic();
    plic.write(priority(1), size, 3n);
    expect(read(priority(1))).toBe(0);
    plic.write(priority(1), 4, 3n);
    expect(plic.read(priority(1), size)).toBe(0n);
  });

  it('ignores misaligned and negative offsets', () => {
    const { plic, read } = makePlic();
    plic.write(priority(1) + 1, 4, 3n);
    plic.write(-4, 4, 3n);
    expect([read(priority(1)), Number(plic.read(-4, 4))]).toEqual([0, 0]);
  });

  it.each([0, 96, 200, -1, 1.5])('refuses to wire source %d', (source) => {
    expect(() => makePlic().plic.irqLine(source)).toThrow(RangeError);
  });
});

describe('Plic interrupt flow (sequence checked against QEMU 7.2 with the UART on source 10)', () => {
  it('raises MEIP, claims, and masks the source until complete', () => {
    const { plic, harts, read, write } = makePlic();
    write(priority(10), 1);
    write(enable(0), 1 << 10);
    const line = plic.irqLine(10);
    line.set(true);
    expect(read(PENDING)).toBe(0x400);
    expect(harts[0]?.mip).toBe(MIP_MEIP);
    expect(read(claim(0))).toBe(10);
    expect(read(PENDING)).toBe(0);
    expect(harts[0]?.mip).toBe(0);
    expect(read(claim(0))).toBe(0);
    line.set(true);
    expect(read(PENDING)).toBe(0x400);
    expect(harts[0]?.mip).toBe(0);
    write(claim(0), 10);
    expect(harts[0]?.mip).toBe(MIP_MEIP);
  });

  it('loses a still-high line at completion until the device updates it again, as QEMU', () => {
    const { plic, harts, read, write } = makePlic();
    write(priority(10), 1);
    write(enable(0), 1 << 10);
    plic.irqLine(10).set(true);
    read(claim(0));
    write(claim(0), 10);
    expect(read(PENDING)).toBe(0);
    expect(harts[0]?.mip).toBe(0);
  });

  it('drops the pending bit when the line goes low', () => {
    const { plic, harts, read, write } = makePlic();
    write(priority(3), 1);
    write(enable(0), 1 << 3);
    const line = plic.irqLine(3);
    line.set(true);
    line.set(false);
    expect([read(PENDING), harts[0]?.mip]).toEqual([0, 0]);
  });

  it.each([
    // priorities of sources 5, 6, 7; threshold; expected claim
    [[1, 1, 1], 0, 5],
    [[1, 3, 2], 0, 6],
    [[2, 2, 3], 2, 7],
    [[2, 2, 2], 2, 0],
    [[0, 0, 0], 0, 0],
  ])('with priorities %j and threshold %i claims %i', (priorities, limit, expected) => {
    const { plic, read, write } = makePlic();
    priorities.forEach((p, i) => write(priority(5 + i), p));
    write(enable(0), 0b111 << 5);
    write(threshold(0), limit);
    for (const source of [5, 6, 7]) plic.irqLine(source).set(true);
    expect(read(claim(0))).toBe(expected);
  });

  it('routes odd contexts to SEIP and each hart separately', () => {
    const { plic, harts, read, write } = makePlic(2);
    write(priority(40), 4);
    write(enable(3, 1), 1 << 8);
    plic.irqLine(40).set(true);
    expect(harts.map((h) => h.mip)).toEqual([0, MIP_SEIP]);
    expect(read(claim(2))).toBe(0);
    expect(read(claim(3))).toBe(40);
    expect(harts.map((h) => h.mip)).toEqual([0, 0]);
  });

  it('lets one context claim what another context also had enabled', () => {
    const { plic, harts, read, write } = makePlic(1);
    write(priority(1), 1);
    write(enable(0), 2);
    write(enable(1), 2);
    plic.irqLine(1).set(true);
    expect(harts[0]?.mip).toBe(MIP_MEIP | MIP_SEIP);
    expect(read(claim(1))).toBe(1);
    expect(harts[0]?.mip).toBe(0);
  });

  it('completes a source that is not enabled (no enable check in QEMU 7.2)', () => {
    const { plic, harts, read, write } = makePlic(1);
    write(priority(2), 1);
    write(enable(0), 4);
    plic.irqLine(2).set(true);
    read(claim(0));
    plic.irqLine(2).set(true);
    write(enable(0), 0);
    write(claim(0), 2);
    write(enable(0), 4);
    write(threshold(0), 0);
    expect(harts[0]?.mip).toBe(MIP_MEIP);
  });

  it('does not re-evaluate the harts on an enable write, as QEMU', () => {
    const { plic, harts, write } = makePlic(1);
    write(priority(2), 1);
    plic.irqLine(2).set(true);
    write(enable(0), 4);
    expect(harts[0]?.mip).toBe(0);
    write(threshold(0), 0);
    expect(harts[0]?.mip).toBe(MIP_MEIP);
  });

  it('ignores completion of ids beyond the sources', () => {
    const { plic, harts, read, write } = makePlic(1);
    write(priority(2), 1);
    write(enable(0), 4);
    plic.irqLine(2).set(true);
    read(claim(0));
    plic.irqLine(2).set(true);
    write(claim(0), 96 + 2);
    expect(harts[0]?.mip).toBe(0);
  });
});

describe('Plic snapshots', () => {
  function busy() {
    const h = makePlic(2);
    h.write(priority(10), 3);
    h.write(priority(33), 5);
    h.write(enable(0), 1 << 10);
    h.write(enable(2, 1), 1 << 1);
    h.write(threshold(1), 2);
    h.plic.irqLine(10).set(true);
    h.plic.irqLine(33).set(true);
    h.read(claim(0));
    return h;
  }

  it('round-trips priorities, pending, claimed, enables and thresholds', () => {
    const saved = busy().plic.save();
    const target = makePlic(2);
    target.plic.restore(saved);
    expect(target.plic.save()).toEqual(saved);
    expect(target.read(claim(2))).toBe(33);
    expect(target.read(threshold(1))).toBe(2);
  });

  it.each([
    ['another hart count', () => makePlic(1).plic.save(), /hart count/],
    ['a priority above 7', () => { const s = busy().plic.save(); s[10 + 10] = 8; return s; }, /priority/],
    ['a priority for source 0', () => { const s = busy().plic.save(); s[10] = 1; return s; }, /priority\[0\]/],
    ['a truncated snapshot', () => busy().plic.save().slice(0, 50), /truncated/],
  ])('rejects %s', (_name, snapshot, message) => {
    expect(() => makePlic(2).plic.restore(snapshot())).toThrow(message);
  });
});
