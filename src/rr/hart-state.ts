import { Hart, PMP_ENTRIES } from '../cpu/hart.js';
import { StateReader, StateWriter } from '../devices/state-codec.js';

const TAG = 'hart';
const VERSION = 1;

/** Number fields of a hart, saved as IEEE doubles (pc, icount and the reservation address need all 53 bits). */
const NUMBER_FIELDS = [
  'pc', 'priv', 'icount', 'mstatus', 'mstatusGuestBits', 'medeleg', 'mideleg', 'mie', 'mipSoftware', 'mipExternal',
  'frm', 'fflags', 'reservation', 'reservationLo', 'reservationHi',
] as const satisfies ReadonlyArray<keyof Hart>;

/** 64-bit CSR fields of a hart. */
const BIGINT_FIELDS = [
  'mtvec', 'stvec', 'mepc', 'sepc', 'mcause', 'scause', 'mtval', 'stval', 'mscratch', 'sscratch', 'satp',
  'mcounteren', 'scounteren', 'menvcfg', 'senvcfg', 'mcountinhibit', 'cycleOffset', 'instretOffset', 'wildPc',
] as const satisfies ReadonlyArray<keyof Hart>;

/** Flag fields of a hart. */
const BOOLEAN_FIELDS = ['waiting', 'powered'] as const satisfies ReadonlyArray<keyof Hart>;

/**
 * Hart fields that are not architectural state and are deliberately not
 * saved: hooks set by the machine's owner, the reused trap signal, the hart
 * id (fixed by the board), and the VMM's run-control flags (a snapshot is
 * taken between slices, where no stop is pending and interrupts are
 * rechecked on resume).
 */
export const HART_FIELDS_NOT_SAVED = [
  'hartId', 'trap', 'supervisorCall', 'onTranslationFlush', 'onPmpChange', 'onPrivilegeChange', 'onInterruptLine',
  'stopRequest', 'interruptCheck',
] as const;

/** Every hart field a snapshot holds (a test checks this plus `HART_FIELDS_NOT_SAVED` covers the class). */
export const HART_FIELDS_SAVED: readonly string[] = [
  ...NUMBER_FIELDS, ...BIGINT_FIELDS, ...BOOLEAN_FIELDS, 'x', 'f', 'mhpmevent', 'pmpcfg', 'pmpaddr',
];

const float = new Float64Array(1);
const floatBits = new BigUint64Array(float.buffer);

/** Serialises the architectural state of `hart`. */
export function saveHart(hart: Hart): Uint8Array {
  const writer = new StateWriter(TAG, VERSION).u32(hart.hartId);
  for (const field of NUMBER_FIELDS) {
    float[0] = hart[field];
    writer.u64(floatBits[0]!);
  }
  for (const field of BIGINT_FIELDS) writer.u64(hart[field]);
  for (const field of BOOLEAN_FIELDS) writer.bool(hart[field]);
  writer.bytes(new Uint8Array(hart.x.buffer.slice(0)));
  writer.bytes(new Uint8Array(hart.f.buffer.slice(0)));
  for (const value of hart.mhpmevent) writer.u64(value);
  writer.bytes(hart.pmpcfg);
  for (const value of hart.pmpaddr) writer.u64(value);
  return writer.finish();
}

/**
 * Replaces the state of `hart` with `state` from {@link saveHart}, then
 * drops every cached translation and asks for an interrupt check.
 * @throws Error naming the field when `state` is malformed or for another hart.
 */
export function restoreHart(hart: Hart, state: Uint8Array): void {
  const reader = new StateReader(state, TAG, VERSION);
  const hartId = reader.u32('hartId');
  reader.check(hartId === hart.hartId, 'hartId', `is ${hartId}, not ${hart.hartId}`);
  for (const field of NUMBER_FIELDS) {
    floatBits[0] = reader.u64(field);
    (hart as unknown as Record<string, number>)[field] = float[0]!;
  }
  for (const field of BIGINT_FIELDS) (hart as unknown as Record<string, bigint>)[field] = reader.u64(field);
  for (const field of BOOLEAN_FIELDS) (hart as unknown as Record<string, boolean>)[field] = reader.bool(field);
  const x = reader.bytes('x', hart.x.byteLength);
  reader.check(x.length === hart.x.byteLength, 'x', 'has the wrong length');
  new Uint8Array(hart.x.buffer).set(x);
  const f = reader.bytes('f', hart.f.byteLength);
  reader.check(f.length === hart.f.byteLength, 'f', 'has the wrong length');
  new Uint8Array(hart.f.buffer).set(f);
  for (let i = 0; i < hart.mhpmevent.length; i++) hart.mhpmevent[i] = reader.u64('mhpmevent');
  const pmpcfg = reader.bytes('pmpcfg', PMP_ENTRIES);
  reader.check(pmpcfg.length === PMP_ENTRIES, 'pmpcfg', 'has the wrong length');
  hart.pmpcfg.set(pmpcfg);
  for (let i = 0; i < PMP_ENTRIES; i++) hart.pmpaddr[i] = reader.u64('pmpaddr');
  reader.done();
  hart.stopRequest = false;
  hart.interruptCheck = true;
  hart.onPmpChange();
  hart.flushTranslations();
  hart.onPrivilegeChange();
}
