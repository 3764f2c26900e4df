import type { Hart } from '../cpu/hart.js';
import { F_REGISTER_NAMES, X_REGISTER_NAMES } from '../isa/registers.js';

const PRIV_NAMES: Record<number, string> = { 0: 'U', 1: 'S', 3: 'M' };

/**
 * The architectural registers of a hart by name, in a fixed order: pc,
 * privilege, x1..x31 (ABI names), f0..f31, fcsr and the trap, interrupt and
 * translation CSRs. What `--print-state` shows and what a divergence report
 * compares.
 */
export function hartRegisters(hart: Hart): Map<string, bigint> {
  const registers = new Map<string, bigint>();
  registers.set('pc', BigInt.asUintN(64, hart.getPc()));
  registers.set('priv', BigInt(hart.priv));
  for (let i = 1; i < 32; i++) registers.set(X_REGISTER_NAMES[i]!, BigInt.asUintN(64, hart.getX(i)));
  for (let i = 0; i < 32; i++) registers.set(F_REGISTER_NAMES[i]!, BigInt.asUintN(64, hart.getF(i)));
  registers.set('fcsr', BigInt((hart.frm << 5) | hart.fflags));
  const csrs: Array<[string, bigint | number]> = [
    ['mstatus', (BigInt(hart.mstatusGuestBits) << 32n) | BigInt(hart.mstatus >>> 0)], ['mepc', hart.mepc], ['mcause', hart.mcause],
    ['mtval', hart.mtval], ['mtvec', hart.mtvec], ['mscratch', hart.mscratch], ['medeleg', hart.medeleg], ['mideleg', hart.mideleg],
    ['mie', hart.mie], ['mip', hart.mip], ['sepc', hart.sepc], ['scause', hart.scause], ['stval', hart.stval], ['stvec', hart.stvec],
    ['sscratch', hart.sscratch], ['satp', hart.satp],
  ];
  for (const [name, value] of csrs) registers.set(name, BigInt.asUintN(64, BigInt(value)));
  return registers;
}

function hex(value: bigint): string {
  return `0x${value.toString(16).padStart(16, '0')}`;
}

/** The value of register `name` for people: hex, or the privilege letter. */
export function registerText(name: string, value: bigint): string {
  return name === 'priv' ? (PRIV_NAMES[Number(value)] ?? String(value)) : hex(value);
}

/** `registers` as lines of four `name=value` columns. */
export function formatRegisters(registers: ReadonlyMap<string, bigint>): string[] {
  const cells = [...registers].map(([name, value]) => `${name.padStart(8)}=${registerText(name, value).padEnd(18)}`);
  const lines: string[] = [];
  for (let i = 0; i < cells.length; i += 4) lines.push(cells.slice(i, i + 4).join(' ').trimEnd());
  return lines;
}

/** The registers whose values differ between `expected` and `actual`, one line each. */
export function registerDifferences(expected: ReadonlyMap<string, bigint>, actual: ReadonlyMap<string, bigint>): string[] {
  const lines: string[] = [];
  for (const [name, value] of expected) {
    const other = actual.get(name);
    if (other !== value) lines.push(`${name.padStart(8)}: expected ${registerText(name, value)}, actual ${other === undefined ? '(none)' : registerText(name, other)}`);
  }
  return lines;
}
