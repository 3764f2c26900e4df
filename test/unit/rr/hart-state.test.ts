import { describe, expect, it } from 'vitest';
import { Hart, UNREPRESENTABLE_PC } from '../../../src/cpu/hart.js';
import { HART_FIELDS_NOT_SAVED, HART_FIELDS_SAVED, restoreHart, saveHart } from '../../../src/rr/hart-state.js';

/** Byte offsets in a saved hart: tag "hart" (length byte + 4), version, hart id, 15 doubles, 19 u64 CSRs, 2 flags. */
const HART_ID_AT = 6;
const FIRST_NUMBER_AT = HART_ID_AT + 4;
const FIRST_BIGINT_AT = FIRST_NUMBER_AT + 15 * 8;
const WAITING_AT = FIRST_BIGINT_AT + 19 * 8;
const X_LENGTH_AT = WAITING_AT + 2;

/** A hart with every saved field set to a value no other field has and no fresh hart has. */
function distinctiveHart(hartId: number, reservation: number): Hart {
  const hart = new Hart(hartId);
  for (let i = 0; i < hart.x.length; i++) hart.x[i] = (0x1234_5670 + i * 0x1001) | 0;
  for (let i = 0; i < hart.f.length; i++) hart.f[i] = (0x7ff8_0000 ^ (i * 0x0101_0101)) | 0;
  Object.assign(hart, {
    pc: -(2 ** 47) + 0x1230, priv: 1, icount: 2 ** 53 - 3,
    mstatus: 0x8000_6088 | 0, mstatusGuestBits: 0xc0 >> 6, medeleg: 0xb1ff, mideleg: 0x222, mie: 0xaaa,
    mipSoftware: 0x22, mipExternal: 0x880, frm: 4, fflags: 0x1f,
    reservation, reservationLo: -0x1234_5678, reservationHi: 0x7edc_ba98,
    mtvec: 0x8000_0101n, stvec: 0xffff_ffff_8000_0200n, mepc: 0xffff_ffff_ffff_fffen, sepc: 0xffff_ffc0_0000_1000n,
    mcause: 0x8000_0000_0000_0007n, scause: 0xdn, mtval: 0xdead_beef_cafe_f00dn, stval: 0x1_0000_0000n,
    mscratch: 0x8123_4567_89ab_cdefn, sscratch: 0x42n, satp: 0x8000_0000_0008_0123n,
    mcounteren: 0xffff_ffff_0000_0007n, scounteren: 0x5n, menvcfg: 0x8000_0000_0000_00f1n, senvcfg: 0xf1n,
    mcountinhibit: 0xffff_ffff_ffff_fffdn, cycleOffset: 0xffff_ffff_ffff_0000n, instretOffset: 0x1_2345_6789n,
    wildPc: 0xff00_0000_0000_0004n, waiting: true, powered: false,
  });
  hart.mhpmevent.forEach((_, i) => { hart.mhpmevent[i] = BigInt(i + 3) << 56n | BigInt(i); });
  hart.pmpcfg.forEach((_, i) => { hart.pmpcfg[i] = 0x18 + i; });
  hart.pmpaddr.forEach((_, i) => { hart.pmpaddr[i] = (0x3f_ffff_ffff_ffffn >> BigInt(i)) ^ BigInt(i); });
  return hart;
}

/** The saved fields of `hart`, copied (typed arrays and lists as plain arrays). */
function savedFields(hart: Hart): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const name of HART_FIELDS_SAVED) {
    const value = (hart as unknown as Record<string, unknown>)[name];
    fields[name] = ArrayBuffer.isView(value) || Array.isArray(value) ? Array.from(value as ArrayLike<unknown>) : value;
  }
  return fields;
}

/** What `fn` throws (it must throw). */
function thrown(fn: () => void): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('saveHart / restoreHart', () => {
  it.each([
    ['no reservation (NaN)', NaN],
    ['a reservation at a high virtual address', -(2 ** 38) + 0x1008],
  ])('round-trip every saved field with %s', (_, reservation) => {
    const original = distinctiveHart(0, reservation);
    const copy = new Hart(0);
    restoreHart(copy, saveHart(original));
    expect(savedFields(copy)).toEqual(savedFields(original));
    expect(Object.is(copy.reservation, reservation)).toBe(true);
    expect(copy.getPc()).toBe(0xffff_8000_0000_1230n);
    expect(copy.icount).toBe(2 ** 53 - 3);
  });

  it('the distinctive hart differs from a fresh one in every saved field, so the round trip proves something', () => {
    const fresh = savedFields(new Hart(0));
    const distinctive = savedFields(distinctiveHart(0, 0x8000_1000));
    const same = HART_FIELDS_SAVED.filter((name) => JSON.stringify(fresh[name], replacer) === JSON.stringify(distinctive[name], replacer));
    expect(same).toEqual([]);
  });

  it('round-trips a pc a double cannot hold through wildPc', () => {
    const original = new Hart(3);
    original.setPc(0x8000_0000_0000_0001n);
    const copy = new Hart(3);
    restoreHart(copy, saveHart(original));
    expect(copy.pc).toBe(UNREPRESENTABLE_PC);
    expect(copy.getPc()).toBe(0x8000_0000_0000_0001n);
  });

  it('drops cached translations, rechecks interrupts and clears a pending stop after restoring', () => {
    const hart = new Hart(0);
    const calls: string[] = [];
    hart.onTranslationFlush = () => calls.push('flush');
    hart.onPmpChange = () => calls.push('pmp');
    hart.onPrivilegeChange = () => calls.push('priv');
    hart.stopRequest = true;
    hart.interruptCheck = false;
    restoreHart(hart, saveHart(distinctiveHart(0, NaN)));
    expect(calls.sort()).toEqual(['flush', 'pmp', 'priv']);
    expect(hart.stopRequest).toBe(false);
    expect(hart.interruptCheck).toBe(true);
  });

  it('refuses the state of another hart id', () => {
    const error = thrown(() => restoreHart(new Hart(1), saveHart(new Hart(0))));
    expect(error.constructor).toBe(Error);
    expect(error.message).toMatch(/hartId.*is 0, not 1/);
  });

  it('every own property of a Hart is either saved or deliberately not saved', () => {
    const listed = new Set<string>([...HART_FIELDS_SAVED, ...HART_FIELDS_NOT_SAVED]);
    expect(Object.keys(new Hart(0)).filter((name) => !listed.has(name))).toEqual([]);
    expect([...listed].filter((name) => !(name in new Hart(0)))).toEqual([]);
    expect(HART_FIELDS_SAVED.filter((name) => (HART_FIELDS_NOT_SAVED as readonly string[]).includes(name))).toEqual([]);
  });
});

describe('restoreHart on malformed state', () => {
  const good = saveHart(distinctiveHart(0, NaN));
  const cut = (length: number): Uint8Array => good.slice(0, length);
  const patched = (offset: number, bytes: number[]): Uint8Array => {
    const copy = good.slice();
    copy.set(bytes, offset);
    return copy;
  };
  const u32 = (value: number): number[] => [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24];
  const xLength = new Hart(0).x.byteLength;

  it.each([
    ['empty', new Uint8Array(0), /tag length/],
    ['cut inside the hart id', cut(HART_ID_AT + 2), /field hartId needs 4 bytes/],
    ['cut inside pc', cut(FIRST_NUMBER_AT + 3), /field pc needs 8 bytes/],
    ['cut inside mtvec', cut(FIRST_BIGINT_AT + 1), /field mtvec needs 8 bytes/],
    ['cut before waiting', cut(WAITING_AT), /field waiting needs 1 bytes/],
    ['cut inside the x registers', cut(X_LENGTH_AT + 4 + 10), /field x needs/],
    ['cut one byte short', cut(good.length - 1), /field pmpaddr needs 8 bytes/],
    ['another device tag', patched(1, [0x63]), /snapshot of "cart", not "hart"/],
    ['another format version', patched(5, [9]), /format version 9, expected 1/],
    ['waiting neither 0 nor 1', patched(WAITING_AT, [2]), /field waiting at byte \d+ is 2/],
    ['too few x register bytes', patched(X_LENGTH_AT, u32(8)), /field x before byte \d+ has the wrong length/],
    ['too many x register bytes', patched(X_LENGTH_AT, u32(xLength + 8)), /field x at byte \d+ has length \d+, more than/],
    ['a trailing byte', Uint8Array.from([...good, 0]), /1 unexpected trailing bytes/],
  ])('%s: a plain Error naming the problem', (_, state, message) => {
    const error = thrown(() => restoreHart(new Hart(0), state));
    expect(error.constructor).toBe(Error);
    expect(error.message).toMatch(/^hart snapshot /);
    expect(error.message).toMatch(message);
  });

  it('every truncation of a valid state throws a plain Error, never a RangeError', () => {
    for (let length = 0; length < good.length; length++) {
      const error = thrown(() => restoreHart(new Hart(0), cut(length)));
      expect(error.constructor, `length ${length}`).toBe(Error);
      expect(error.message, `length ${length}`).toMatch(/^hart snapshot is truncated at byte \d+: field \w+/);
    }
  });
});

function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : typeof value === 'number' && Number.isNaN(value) ? 'NaN' : value;
}
