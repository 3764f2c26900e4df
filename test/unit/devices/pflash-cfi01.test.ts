import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PFLASH_BANK_SIZE, PFLASH_SECTOR_SIZE, Pflash01 } from '../../../src/devices/pflash-cfi01.js';

// Expected values below were read from Debian's qemu-system-riscv64 7.2
// (1:7.2+dfsg-7+deb12u18) by a bare-metal guest on `-M virt -bios none`
// doing these accesses at 0x20000000 and printing what it read.

type Size = 1 | 2 | 4 | 8;
type Step = readonly ['w', number, Size, bigint] | readonly ['r', number, Size, bigint];

function makeFlash() {
  const flash = new Pflash01({ name: 'virt.flash0', size: PFLASH_BANK_SIZE });
  const w = (offset: number, value: bigint, size: Size = 4) => flash.write(offset, size, value);
  const r = (offset: number, size: Size = 4) => flash.read(offset, size);
  const run = (steps: readonly Step[]) => steps.map(([kind, offset, size, value]) => {
    if (kind === 'w') { flash.write(offset, size, value); return value; }
    return flash.read(offset, size);
  });
  return { flash, w, r, run };
}

function expectedOf(steps: readonly Step[]): bigint[] {
  return steps.map((step) => step[3]);
}

/** The 32-bit words QEMU returns for offsets 0, 4, ... 0x14c in CFI query mode (one byte per x16 device lane). */
const CFI_TABLE_FROM_QEMU: Record<number, number> = {
  0x10: 0x51, 0x11: 0x52, 0x12: 0x59, 0x13: 0x01, 0x15: 0x31, 0x1b: 0x45, 0x1c: 0x55,
  0x1f: 0x07, 0x20: 0x07, 0x21: 0x0a, 0x23: 0x04, 0x24: 0x04, 0x25: 0x04, 0x27: 0x18, 0x28: 0x02,
  0x2a: 0x0b, 0x2c: 0x01, 0x2d: 0x7f, 0x30: 0x02, 0x31: 0x50, 0x32: 0x52, 0x33: 0x49, 0x34: 0x31,
  0x35: 0x30, 0x3f: 0x01,
};

describe('Pflash01 construction', () => {
  it('maps a 32 MiB window of 128 sectors of 256 KiB', () => {
    const { flash } = makeFlash();
    expect(flash.size).toBe(0x200_0000);
    expect(PFLASH_SECTOR_SIZE).toBe(0x4_0000);
    expect(flash.name).toBe('virt.flash0');
  });

  it.each([0, 1000, PFLASH_SECTOR_SIZE + 1, -PFLASH_SECTOR_SIZE])('rejects size %i', (size) => {
    expect(() => new Pflash01({ name: 'bad', size })).toThrow(RangeError);
  });
});

describe('Pflash01 read array', () => {
  it.each([
    ['word at 0', 0, 4 as Size],
    ['word at 0x100', 0x100, 4 as Size],
    ['doubleword in the middle', 0x200_0000 - 0x100_0000, 8 as Size],
    ['last byte', 0x1ff_ffff, 1 as Size],
  ])('a blank bank reads zero: %s', (_name, offset, size) => {
    expect(makeFlash().r(offset, size)).toBe(0n);
  });
});

describe('Pflash01 CFI query', () => {
  it('returns QEMU\'s table after 0x98 at 0x55 * 4', () => {
    const { w, r } = makeFlash();
    w(0x55 * 4, 0x98n);
    for (let index = 0; index < 0x54; index++) {
      const byte = CFI_TABLE_FROM_QEMU[index] ?? 0;
      expect(r(index * 4), `CFI index 0x${index.toString(16)}`).toBe(BigInt(byte * 0x1_0001));
    }
  });

  it.each([
    ['byte at 0x40', 0x40, 1 as Size, 0x51n],
    ['byte at 0x42 (same entry, low lane)', 0x42, 1 as Size, 0x51n],
    ['halfword at 0x40', 0x40, 2 as Size, 0x51n],
    ['halfword at 0x42', 0x42, 2 as Size, 0x51n],
    ['doubleword at 0x40 (two entries)', 0x40, 8 as Size, 0x0052_0052_0051_0051n],
    ['word past the table', 0x440, 4 as Size, 0n],
  ])('%s', (_name, offset, size, expected) => {
    const { w, r } = makeFlash();
    w(0x55 * 4, 0x98n);
    expect(r(offset, size)).toBe(expected);
  });

  it.each([
    ['a byte-wide command', 0x98n, 1 as Size],
    ['a halfword command', 0x98n, 2 as Size],
    ['a doubleword command (two writes)', 0x98_0000_0098n, 8 as Size],
  ])('enters query mode from %s', (_name, value, size) => {
    const { w, r } = makeFlash();
    w(0x154, value, size);
    expect(r(0x40)).toBe(0x0051_0051n);
  });

  it.each([[0x12n, 0x0051_0051n], [0x00n, 0x0051_0051n], [0xffn, 0n]])('after writing %i stays in query mode unless it was 0xff', (value, expected) => {
    const { w, r } = makeFlash();
    w(0, 0x98n);
    w(0, value);
    expect(r(0x40)).toBe(expected);
  });
});

describe('Pflash01 command sequences', () => {
  const cases: [string, Step[]][] = [
    ['read ID', [
      ['w', 0, 4, 0x90n], ['r', 0, 4, 0x0089_0089n], ['r', 4, 4, 0x0018_0018n], ['r', 8, 4, 0n], ['r', 12, 4, 0n],
      ['r', 0x400, 4, 0x0089_0089n], ['r', 0x404, 4, 0x0018_0018n], ['r', 0, 8, 0x0018_0018_0089_0089n],
      ['r', 1, 1, 0x89n], ['r', 2, 2, 0x89n], ['r', 2, 1, 0x89n],
    ]],
    ['read status in every width', [
      ['w', 0, 4, 0x70n], ['r', 0, 4, 0x0080_0080n], ['r', 0, 1, 0x80n], ['r', 0, 2, 0x80n],
      ['r', 0, 8, 0x0080_0080_0080_0080n], ['r', 0x1234, 4, 0x0080_0080n],
    ]],
    ['word program shows status, then the data in read-array mode', [
      ['w', 0x100, 4, 0x40n], ['r', 0x100, 4, 0x0080_0080n], ['w', 0x100, 4, 0x1234_5678n],
      ['r', 0x100, 4, 0x0080_0080n], ['r', 0x104, 4, 0x0080_0080n], ['w', 0, 4, 0xffn], ['r', 0x100, 4, 0x1234_5678n],
    ]],
    ['byte program (0x10)', [['w', 0x200, 4, 0x10n], ['w', 0x201, 1, 0xabn], ['w', 0, 4, 0xffn], ['r', 0x200, 4, 0xab00n]]],
    ['doubleword program: the high half is an unknown command', [
      ['w', 0x300, 4, 0x10n], ['w', 0x300, 8, 0x1122_3344_5566_7788n], ['r', 0x300, 4, 0x5566_7788n],
      ['w', 0, 4, 0xffn], ['r', 0x300, 8, 0x5566_7788n],
    ]],
    ['a program stores the value, it does not AND it in', [
      ['w', 0, 4, 0x20n], ['w', 0, 4, 0xd0n], ['w', 0, 4, 0x40n], ['w', 0, 4, 0x70n], ['r', 0, 4, 0x0080_0080n],
      ['w', 0, 4, 0xffn], ['r', 0, 4, 0x70n],
    ]],
    ['block erase erases the whole 256 KiB sector at 0x20', [
      ['w', 0x100, 4, 0x20n], ['r', 0, 4, 0x0080_0080n], ['w', 0x100, 4, 0xd0n], ['r', 0, 4, 0x0080_0080n],
      ['w', 0, 4, 0xffn], ['r', 0x100, 4, 0xffff_ffffn], ['r', 0, 4, 0xffff_ffffn], ['r', 0x3_fffc, 4, 0xffff_ffffn],
      ['r', 0x4_0000, 4, 0n],
    ]],
    ['erase then 0xff or a bad confirm returns to read-array, status kept', [
      ['w', 0x4_0000, 4, 0x40n], ['w', 0x4_0000, 4, 0xcafe_f00dn], ['w', 0, 4, 0xffn],
      ['w', 0x4_0000, 4, 0x20n], ['w', 0x4_0000, 4, 0xffn], ['r', 0x4_0000, 4, 0xffff_ffffn],
      ['w', 0x4_0000, 4, 0x20n], ['w', 0x4_0000, 4, 0x33n], ['r', 0x4_0000, 4, 0xffff_ffffn],
      ['w', 0x4_0000, 4, 0x70n], ['r', 0x4_0000, 4, 0x0080_0080n],
    ]],
    ['clear status returns to read-array with status 0', [
      ['w', 0, 4, 0x50n], ['r', 0, 4, 0n], ['w', 0, 4, 0x70n], ['r', 0, 4, 0n],
    ]],
    ['buffered write of four words', [
      ['w', 0x1000, 4, 0xe8n], ['r', 0x1000, 4, 0x0080_0080n], ['w', 0x1000, 4, 3n], ['r', 0x1000, 4, 0x0080_0080n],
      ['w', 0x1000, 4, 0xa1a2_a3a4n], ['w', 0x1004, 4, 0xb1b2_b3b4n], ['r', 0x1000, 4, 0x0080_0080n],
      ['w', 0x1008, 4, 0xc1c2_c3c4n], ['w', 0x100c, 4, 0xd1d2_d3d4n], ['r', 0x1000, 4, 0x0080_0080n],
      ['w', 0x1000, 4, 0xd0n], ['r', 0x1000, 4, 0x0080_0080n], ['w', 0, 4, 0xffn],
      ['r', 0x1000, 4, 0xa1a2_a3a4n], ['r', 0x100c, 4, 0xd1d2_d3d4n], ['r', 0x1010, 4, 0n],
    ]],
    ['buffered write count uses one device lane; a bad confirm discards the buffer', [
      ['w', 0x2000, 4, 0xe8n], ['w', 0x2000, 4, 0x1_0001n], ['w', 0x2000, 4, 0x11n], ['w', 0x2004, 4, 0x22n],
      ['r', 0x2000, 4, 0x0080_0080n], ['w', 0x2008, 4, 0x33n], ['r', 0x2000, 8, 0n], ['r', 0x2008, 4, 0n],
    ]],
    ['buffered write outside the 4 KiB window is a program error and aborts', [
      ['w', 0x5000, 4, 0xe8n], ['w', 0x5ffc, 4, 1n], ['w', 0x5ff8, 4, 0x1111_1111n], ['w', 0x6000, 4, 0x2222_2222n],
      ['r', 0, 4, 0x0090_0090n], ['w', 0, 4, 0xd0n], ['r', 0x5ff8, 4, 0n], ['r', 0x6000, 4, 0n],
      ['w', 0, 4, 0x70n], ['r', 0, 4, 0x0090_0090n],
    ]],
    ['buffered doubleword counts as two words', [
      ['w', 0x7000, 4, 0xe8n], ['w', 0x7000, 4, 1n], ['w', 0x7000, 8, 0x4444_4444_3333_3333n], ['r', 0, 4, 0x0080_0080n],
      ['w', 0, 4, 0xd0n], ['w', 0, 4, 0xffn], ['r', 0x7000, 8, 0x4444_4444_3333_3333n],
    ]],
    ['buffered halfword', [
      ['w', 0x8000, 4, 0xe8n], ['w', 0x8000, 4, 0n], ['w', 0x8002, 2, 0xbeefn], ['w', 0, 4, 0xd0n], ['w', 0, 4, 0xffn],
      ['r', 0x8000, 4, 0xbeef_0000n],
    ]],
    ['block lock and unlock are accepted; an unknown lock command returns to read-array', [
      ['w', 0, 4, 0x60n], ['r', 0, 4, 0x0080_0080n], ['w', 0, 4, 0x01n], ['r', 0, 4, 0x0080_0080n],
      ['w', 0, 4, 0x60n], ['w', 0, 4, 0xd0n], ['r', 0, 4, 0x0080_0080n], ['w', 0, 4, 0x60n], ['w', 0, 4, 0x55n],
      ['r', 0, 4, 0n],
    ]],
    ['unknown commands and 0xf0 return to read-array without touching status', [
      ['w', 0, 4, 0x50n], ['w', 0, 4, 0x33n], ['r', 0, 4, 0n], ['w', 0, 4, 0x70n], ['r', 0, 4, 0n],
      ['w', 0, 4, 0xf0n], ['r', 0, 4, 0n],
    ]],
    ['0x70 and 0x90 switch modes directly', [
      ['w', 0, 4, 0x70n], ['w', 0, 4, 0x70n], ['r', 0, 4, 0x0080_0080n], ['w', 0, 4, 0x90n], ['r', 0, 4, 0x0089_0089n],
    ]],
    ['programming the last word of the bank', [
      ['w', 0x1ff_fffc, 4, 0x40n], ['w', 0x1ff_fffc, 4, 0x5a5a_5a5an], ['w', 0, 4, 0xffn], ['r', 0x1ff_fffc, 4, 0x5a5a_5a5an],
    ]],
    ['a program then a query', [
      ['w', 0x9000, 4, 0x40n], ['w', 0x9000, 4, 0x0102_0304n], ['w', 0, 4, 0x98n], ['r', 0x40, 4, 0x0051_0051n],
    ]],
  ];

  it.each(cases)('%s', (_name, steps) => {
    expect(makeFlash().run(steps)).toEqual(expectedOf(steps));
  });
});

describe('Pflash01 save and restore', () => {
  function busyFlash() {
    const { flash, w } = makeFlash();
    w(0x4_0000, 0x20n);
    w(0x4_0000, 0xd0n);
    w(0x100, 0x40n);
    w(0x100, 0xdead_beefn);
    w(0x1ff_fffc, 0x40n);
    w(0x1ff_fffc, 0x0102_0304n);
    w(0x3000, 0xe8n);
    w(0x3000, 1n);
    w(0x3000, 0x7777_7777n);
    return flash;
  }

  it('round-trips contents and a buffered write in progress', () => {
    const original = busyFlash();
    const copy = new Pflash01({ name: 'virt.flash0', size: PFLASH_BANK_SIZE });
    copy.restore(original.save());
    expect(digest(copy.save())).toBe(digest(original.save()));
    for (const flash of [original, copy]) {
      flash.write(0x3004, 4, 0x8888_8888n);
      flash.write(0, 4, 0xd0n);
      flash.write(0, 4, 0xffn);
    }
    for (const [offset, expected] of [[0x100, 0xdead_beefn], [0x3000, 0x8888_8888_7777_7777n], [0x4_0008, 0xffff_ffff_ffff_ffffn], [0x1ff_fff8, 0x0102_0304_0000_0000n]] as const) {
      expect(copy.read(offset, 8)).toBe(expected);
    }
    expect(digest(copy.save())).toBe(digest(original.save()));
  });

  it('saves a blank bank and one whose writes were all zero identically', () => {
    const blank = makeFlash();
    const zeroed = makeFlash();
    zeroed.w(0x100, 0x40n);
    zeroed.w(0x100, 0n);
    zeroed.w(0, 0xffn);
    expect(digest(zeroed.flash.save())).toBe(digest(blank.flash.save()));
    expect(blank.flash.save().length).toBeLessThan(64);
  });

  it('restoring drops contents written after the snapshot', () => {
    const { flash, w, r } = makeFlash();
    const snapshot = flash.save();
    w(0, 0x40n);
    w(0, 0x1234n);
    flash.restore(snapshot);
    expect(r(0)).toBe(0n);
  });

  it.each([
    ['a truncated snapshot', (state: Uint8Array) => state.subarray(0, state.length - 1), /truncated/],
    ['trailing bytes', (state: Uint8Array) => Uint8Array.of(...state, 0), /trailing/],
    ['an unreachable command state', (state: Uint8Array) => patch(state, 15, 0x33), /not a state/],
    ['a wcycle past 3', (state: Uint8Array) => patch(state, 14, 4), /wcycle/],
  ])('rejects %s', (_name, corrupt, message) => {
    const state = makeFlash().flash.save();
    expect(() => makeFlash().flash.restore(corrupt(state))).toThrow(message);
  });

  it('rejects a snapshot of a bank of another size', () => {
    const big = makeFlash();
    big.w(0x1ff_fffc, 0x40n);
    big.w(0x1ff_fffc, 1n);
    const small = new Pflash01({ name: 'small', size: PFLASH_SECTOR_SIZE * 4 });
    expect(() => small.restore(big.flash.save())).toThrow(/sector index/);
  });
});

/** SHA-256 of a snapshot: comparing megabyte snapshots byte by byte in vitest is slow. */
function digest(state: Uint8Array): string {
  return createHash('sha256').update(state).digest('hex');
}

function patch(state: Uint8Array, at: number, value: number): Uint8Array {
  const copy = state.slice();
  copy[at] = value;
  return copy;
}

describe('Pflash01 under random guest accesses', () => {
  it('never throws, stays within its state machine and survives save/restore', () => {
    let seed = 0x1234_5678;
    const next = () => {
      seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
      return seed >>> 0;
    };
    const commands = [0x00, 0x10, 0x20, 0x40, 0x50, 0x60, 0x70, 0x90, 0x98, 0xd0, 0xe8, 0xf0, 0xff, 0x01];
    const sizes: Size[] = [1, 2, 4, 8];
    const flash = new Pflash01({ name: 'fuzz', size: PFLASH_SECTOR_SIZE * 4 });
    for (let i = 0; i < 20_000; i++) {
      const size = sizes[next() % 4];
      const offset = next() % (flash.size + 16) - 8;
      const value = next() % 3 === 0 ? BigInt(commands[next() % commands.length]) : (BigInt(next()) << 32n) | BigInt(next());
      if (next() % 2 === 0) flash.write(offset, size, value);
      else expect(flash.read(offset, size)).toBeLessThan(1n << BigInt(size * 8));
      if (i % 2_000 === 0) flash.restore(flash.save());
    }
  });
});

describe('Pflash01 outside its window', () => {
  it.each([-4, PFLASH_BANK_SIZE, PFLASH_BANK_SIZE + 0x1000])('ignores a buffered write started at offset %i', (offset) => {
    const { flash, w, r } = makeFlash();
    w(offset, 0xe8n);
    w(offset, 0n);
    expect(r(offset)).toBe(0n);
    expect(r(0)).toBe(0n);
    flash.restore(flash.save());
  });
});
