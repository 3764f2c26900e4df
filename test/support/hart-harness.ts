/**
 * A small machine for unit tests of the hart and interpreter: RAM at
 * 0x80000000, one hart in M-mode, the interpreter backend, and a recorder of
 * every trap taken. Programs are written in assembly (`src/isa/asm.ts`).
 *
 * PMP entry 0 starts as a NAPOT region over all memory with RWX, so S- and
 * U-mode code runs (with no entry matching, only M may access memory); PMP
 * tests overwrite it.
 *
 * Every program gets a tail `__halt: wfi; j __halt` and both trap vectors
 * point at it by default, so a test program ends (exit reason WFI) either by
 * reaching `wfi` itself or by taking a trap it did not set a handler for.
 */
import { PRIV_M } from '../../src/cpu/constants.js';
import { Hart } from '../../src/cpu/hart.js';
import type { TrapInfo } from '../../src/cpu/trap.js';
import { ExitReason } from '../../src/exec/backend.js';
import { Interpreter, type InterpHart } from '../../src/exec/interp/interpreter.js';
import { assemble } from '../../src/isa/asm.js';
import { parseFRegister, parseXRegister } from '../../src/isa/registers.js';
import { Bus } from '../../src/mem/bus.js';
import { Ram } from '../../src/mem/ram.js';
import { Prng } from '../conformance/diff/prng.js';

/** Where RAM (and every program) starts. */
export const RAM_BASE = 0x80000000;

/**
 * After this many traps the harness asks the hart to stop, so a program that
 * traps forever without retiring (which `run`'s budget does not bound) ends
 * the test instead of hanging it.
 */
export const TRAP_STORM = 10_000;

/** Options for {@link HartHarness}. */
export interface HarnessOptions {
  /** RAM size in bytes (default 1 MiB). */
  readonly ramSize?: number;
}

/** Registers named by ABI name (`a0`) or number (`x10`). */
function xIndex(reg: string | number): number {
  const index = typeof reg === 'number' ? reg : parseXRegister(reg);
  if (index < 0 || index > 31) throw new Error(`no such x register: ${reg}`);
  return index;
}

/**
 * One hart on a RAM-only bus with an interpreter, ready to run assembled code.
 */
export class HartHarness {
  readonly ram: Ram;
  readonly bus: Bus;
  readonly hart: Hart;
  readonly interpreter: Interpreter;
  readonly core: InterpHart;
  /** Every trap and interrupt taken, in order. */
  readonly traps: TrapInfo[] = [];
  /** Labels of the last loaded program. */
  symbols = new Map<string, bigint>();

  constructor(options: HarnessOptions = {}) {
    this.ram = new Ram(RAM_BASE, options.ramSize ?? 1 << 20);
    this.bus = new Bus(this.ram);
    this.hart = new Hart(0);
    this.hart.pc = RAM_BASE;
    this.interpreter = new Interpreter(this.bus);
    this.core = this.interpreter.forHart(this.hart);
    this.core.onTrap = (info) => {
      this.traps.push(info);
      if (this.traps.length >= TRAP_STORM) {
        this.hart.stopRequest = true;
        this.hart.interruptCheck = true;
      }
    };
  }

  /**
   * Assemble `source` at RAM_BASE (plus the `__halt` tail), load it, point the
   * pc at its first byte and both trap vectors at `__halt`.
   */
  load(source: string): this {
    const { bytes, symbols } = assemble(`${source}\n__halt:\n  wfi\n  j __halt\n`, { origin: BigInt(RAM_BASE) });
    this.ram.load(RAM_BASE, bytes);
    this.symbols = symbols;
    this.hart.pc = RAM_BASE;
    this.hart.priv = PRIV_M;
    this.hart.mtvec = this.label('__halt');
    this.hart.stvec = this.label('__halt');
    this.setPmp(0, 0x1f, (1n << 54n) - 1n);
    return this;
  }

  /** Set PMP entry `index` (config byte and pmpaddr) and rebuild the rules. */
  setPmp(index: number, config: number, address: bigint): this {
    this.hart.pmpcfg[index] = config;
    this.hart.pmpaddr[index] = address;
    this.hart.onPmpChange();
    this.hart.flushTranslations();
    return this;
  }

  /** Address of a label of the loaded program. */
  label(name: string): bigint {
    const value = this.symbols.get(name);
    if (value === undefined) throw new Error(`no label ${name}`);
    return value;
  }

  /** Run for exactly `budget` instructions at most (the backend's contract). */
  run(budget: number): ExitReason {
    return this.interpreter.run(this.hart, budget);
  }

  /**
   * Run until the hart executes WFI with nothing pending; fails the test if
   * that takes more than `limit` instructions.
   */
  runToWfi(limit = 100_000): this {
    const start = this.hart.icount;
    while (this.hart.icount - start < limit) {
      const exit = this.run(limit - (this.hart.icount - start));
      if (exit === ExitReason.WFI) return this;
      if (exit !== ExitReason.BUDGET) throw new Error(`run ended with exit reason ${exit} at pc 0x${this.hart.getPc().toString(16)}`);
    }
    throw new Error(`no WFI within ${limit} instructions (pc 0x${this.hart.getPc().toString(16)})`);
  }

  /** Whether the hart stopped in the `__halt` tail (the program trapped or ended there). */
  halted(): boolean {
    const pc = this.hart.getPc();
    const halt = this.label('__halt');
    return pc >= halt && pc <= halt + 8n;
  }

  /** Read an x register as unsigned 64 bits. */
  x(reg: string | number): bigint {
    return this.hart.getX(xIndex(reg));
  }

  /** Read an x register as signed 64 bits. */
  xs(reg: string | number): bigint {
    return BigInt.asIntN(64, this.x(reg));
  }

  /** Write an x register (any signed or unsigned 64-bit value). */
  setX(reg: string | number, value: bigint): this {
    this.hart.setX(xIndex(reg), BigInt.asUintN(64, value));
    return this;
  }

  /** Read an f register's raw 64 bits. */
  f(reg: string | number): bigint {
    const index = typeof reg === 'number' ? reg : parseFRegister(reg);
    if (index < 0) throw new Error(`no such f register: ${reg}`);
    return this.hart.getF(index);
  }

  /** Read `size` bytes of physical RAM at `paddr`, little-endian, unsigned. */
  read(paddr: bigint | number, size: 1 | 2 | 4 | 8): bigint {
    const offset = Number(paddr) - RAM_BASE;
    let value = 0n;
    for (let i = size - 1; i >= 0; i--) value = (value << 8n) | BigInt(this.ram.bytes[offset + i]!);
    return value;
  }

  /** Write `size` bytes of physical RAM at `paddr` (code caches are told). */
  write(paddr: bigint | number, size: 1 | 2 | 4 | 8, value: bigint): this {
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i++) bytes[i] = Number((value >> BigInt(8 * i)) & 0xffn);
    this.ram.load(Number(paddr), bytes);
    return this;
  }

  /**
   * Execute the program's first instruction once from a fresh pc with the given
   * register values (others keep theirs), and return the hart; for tables of
   * one-instruction cases that share one loaded program.
   */
  step(inputs: Readonly<Record<string, bigint>> = {}): this {
    this.hart.pc = RAM_BASE;
    for (const [reg, value] of Object.entries(inputs)) this.setX(reg, value);
    this.run(1);
    return this;
  }

  /** The only trap taken; fails if there was none or more than one. */
  onlyTrap(): TrapInfo {
    if (this.traps.length !== 1) throw new Error(`expected one trap, got ${this.traps.length}: ${JSON.stringify(this.traps, (_, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v))}`);
    return this.traps[0]!;
  }
}

/** Values that break 64-bit arithmetic: signs, carries between halves, extremes. */
export const EDGE_VALUES: readonly bigint[] = [
  0n, 1n, 2n, 0x7fn, 0x80n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn,
  0x8000000000000000n, 0xffffffffffffffffn, 0xfffffffffffffffen, 0xffffffff80000000n, 0x123456789abcdef0n,
];

/** Edge values plus `count` seeded random 64-bit values (some with small magnitudes). */
export function operands(seed: number, count: number): bigint[] {
  const prng = new Prng(seed);
  const values = [...EDGE_VALUES];
  for (let i = 0; i < count; i++) {
    const v = prng.next64();
    values.push(i % 3 === 0 ? BigInt.asUintN(64, BigInt.asIntN(16, v)) : i % 3 === 1 ? BigInt.asUintN(64, BigInt.asIntN(40, v)) : v);
  }
  return values;
}

/** Assemble and run `source` to its WFI; a shorthand for the common case. */
export function runAsm(source: string, setup?: (h: HartHarness) => void, limit?: number): HartHarness {
  const harness = new HartHarness().load(source);
  setup?.(harness);
  return harness.runToWfi(limit);
}
