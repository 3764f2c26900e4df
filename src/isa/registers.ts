/**
 * Register names: ABI names for printing, and parsing of ABI or numeric names.
 */

/** ABI names of the integer registers x0..x31, as GNU objdump prints them. */
export const X_REGISTER_NAMES: readonly string[] = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2',
  's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7',
  's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
];

/** ABI names of the floating-point registers f0..f31, as GNU objdump prints them. */
export const F_REGISTER_NAMES: readonly string[] = [
  'ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7',
  'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3', 'fa4', 'fa5',
  'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7',
  'fs8', 'fs9', 'fs10', 'fs11', 'ft8', 'ft9', 'ft10', 'ft11',
];

function indexNames(abi: readonly string[], prefix: string, extra: Record<string, number>): Map<string, number> {
  const byName = new Map<string, number>();
  abi.forEach((name, i) => {
    byName.set(name, i);
    byName.set(`${prefix}${i}`, i);
  });
  for (const [name, i] of Object.entries(extra)) byName.set(name, i);
  return byName;
}

const X_BY_NAME = indexNames(X_REGISTER_NAMES, 'x', { fp: 8 });
const F_BY_NAME = indexNames(F_REGISTER_NAMES, 'f', {});

/** Parses an integer register name (`a0`, `x10`, `fp`, ...); returns its number or -1. */
export function parseXRegister(name: string): number {
  return X_BY_NAME.get(name.trim().toLowerCase()) ?? -1;
}

/** Parses a floating-point register name (`fa0`, `f10`, ...); returns its number or -1. */
export function parseFRegister(name: string): number {
  return F_BY_NAME.get(name.trim().toLowerCase()) ?? -1;
}
