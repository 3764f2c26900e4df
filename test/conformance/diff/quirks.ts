import type { CaseDifference, FieldDifference } from './dump.js';
import { CODE_BASE, M_LOG, S_LOG } from './layout.js';

/*
 * Known deviations of QEMU 7.2 from the RISC-V specifications that dejavm
 * deliberately does not copy, and how the comparison accepts them.
 *
 * AMO faults: QEMU 7.2 reports a misaligned or faulting AMO as a *load*
 * exception (cause 4, 5 or 13); the unprivileged spec says AMOs raise
 * store/AMO exceptions (6, 7, 15), as dejavm, Spike and Sail do. A logged trap
 * whose cause differs exactly so, at an AMO (not LR) instruction, is accepted;
 * the trap hash, the "last trap" fields and scause (when it still holds that
 * last S-mode trap) then follow from the log.
 *
 * (QEMU 7.2 also leaves mstatus.MPRV set on an MRET/SRET to S or U mode,
 * which priv 1.12 forbids; the generator avoids that situation instead,
 * because its effects on later accesses cannot be compared field by field.)
 */

/**
 * Make a medeleg value delegate load and store/AMO variants of the same
 * exception together (4/6, 5/7, 13/15), so that the AMO quirk above sends the
 * trap to the same handler on both machines.
 */
export function pairLoadStoreDelegation(medeleg: bigint): bigint {
  let v = medeleg;
  for (const [load, store] of [[4n, 6n], [5n, 7n], [13n, 15n]]) {
    if ((v >> load) & 1n || (v >> store) & 1n) v |= (1n << load) | (1n << store);
  }
  return v;
}

const QUIRK_CAUSES = new Map<bigint, bigint>([[4n, 6n], [5n, 7n], [13n, 15n]]);

/** `true` when the 32-bit instruction at `pc` in the image is an AMO other than LR. */
function isAmo(image: Uint8Array, pc: bigint): boolean {
  const offset = Number(pc - CODE_BASE);
  if (offset < 0 || offset + 4 > image.length) return false;
  const word = new DataView(image.buffer, image.byteOffset).getUint32(offset, true);
  return (word & 0x7f) === 0x2f && word >>> 27 !== 0b00010;
}

const isQuirkCause = (expected: bigint, actual: bigint): boolean => QUIRK_CAUSES.get(expected) === actual;

/** The trap hash the handlers compute, over the first `count` log entries (complete when count fits the log). */
function hashOfLog(get: (field: string) => bigint, prefix: string, count: number): bigint {
  let h = 0n;
  for (let i = 0; i < count; i++) {
    for (const part of ['cause', 'epc', 'tval']) h = BigInt.asUintN(64, (h + (h << 5n)) ^ get(`${prefix}${i}.${part}`));
  }
  return h;
}

/**
 * Remove the field differences a known QEMU quirk explains. `get` reads a
 * field of either side's dump; the result holds only unexplained differences
 * and the number of explained ones.
 */
export function excuseQuirks(
  fields: readonly FieldDifference[], image: Uint8Array,
  get: (side: 'expected' | 'actual', field: string) => bigint,
): { remaining: FieldDifference[]; excused: number } {
  const excused = new Set<string>();
  for (const [prefix, size, count, last] of [['mtrap', M_LOG, 'mtraps', 'mlast'], ['strap', S_LOG, 'straps', 'slast']] as const) {
    for (const f of fields) {
      const m = new RegExp(`^${prefix}(\\d+)\\.cause$`).exec(f.field);
      if (m && isQuirkCause(f.expected, f.actual) && isAmo(image, get('expected', `${prefix}${m[1]}.epc`))) excused.add(f.field);
    }
    const lastCause = fields.find((f) => f.field === `${last}cause`);
    if (lastCause && isQuirkCause(lastCause.expected, lastCause.actual) && isAmo(image, get('expected', `${last}epc`))) {
      excused.add(lastCause.field);
      const csr = fields.find((f) => f.field === `${prefix[0]}cause`);
      if (prefix === 'strap' && csr && csr.expected === lastCause.expected && csr.actual === lastCause.actual) excused.add(csr.field);
    }
    const n = Number(get('expected', count));
    const logsDiffer = fields.some((f) => f.field.startsWith(prefix) && !excused.has(f.field));
    const hash = `${prefix[0]}hash`;
    if (n <= size && !logsDiffer && fields.some((f) => f.field === hash)
      && hashOfLog((x) => get('expected', x), prefix, n) === get('expected', hash)
      && hashOfLog((x) => get('actual', x), prefix, n) === get('actual', hash)) {
      excused.add(hash);
    }
  }
  return { remaining: fields.filter((f) => !excused.has(f.field)), excused: excused.size };
}

/** Apply {@link excuseQuirks} to one case difference; `undefined` when nothing unexplained is left. */
export function withoutQuirks(
  difference: CaseDifference, image: Uint8Array, get: (side: 'expected' | 'actual', field: string) => bigint,
): CaseDifference | undefined {
  if (difference.kind !== 'fields') return difference;
  const { remaining } = excuseQuirks(difference.fields, image, get);
  return remaining.length > 0 ? { ...difference, fields: remaining } : undefined;
}
