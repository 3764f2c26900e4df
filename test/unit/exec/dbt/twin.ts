/**
 * Two identical one-hart machines, one on the interpreter and one on the
 * translator (translating a block the first time it is reached), for tests
 * that the translator behaves exactly as the interpreter: same registers,
 * pc, icount, privilege, memory and traps after every run.
 */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { PRIV_M } from '../../../../src/cpu/constants.js';
import { Hart } from '../../../../src/cpu/hart.js';
import type { TrapInfo } from '../../../../src/cpu/trap.js';
import type { ExitReason } from '../../../../src/exec/backend.js';
import { Dbt } from '../../../../src/exec/dbt/dbt.js';
import { Interpreter } from '../../../../src/exec/interp/interpreter.js';
import { assemble } from '../../../../src/isa/asm.js';
import { Bus } from '../../../../src/mem/bus.js';
import type { MmioDevice } from '../../../../src/mem/device.js';
import { Ram } from '../../../../src/mem/ram.js';

/** Where RAM starts (as on the virt board). */
export const RAM_BASE = 0x80000000;

/** One of the two machines. */
export interface TwinMachine {
  readonly ram: Ram;
  readonly bus: Bus;
  readonly hart: Hart;
  readonly backend: Interpreter | Dbt;
  readonly traps: TrapInfo[];
}

function machine(kind: 'interp' | 'dbt', ramSize: number): TwinMachine {
  const ram = new Ram(RAM_BASE, ramSize);
  const bus = new Bus(ram);
  const hart = new Hart(0);
  const backend = kind === 'interp' ? new Interpreter(bus) : new Dbt(bus, { hotBlockHits: 1 });
  const traps: TrapInfo[] = [];
  backend.forHart(hart).onTrap = (info) => traps.push(info);
  return { ram, bus, hart, backend, traps };
}

/** The interpreter and translator machines, driven together. */
export class Twin {
  readonly interp: TwinMachine;
  readonly dbt: TwinMachine;
  symbols = new Map<string, bigint>();

  constructor(ramSize = 1 << 20) {
    this.interp = machine('interp', ramSize);
    this.dbt = machine('dbt', ramSize);
  }

  /** Both machines. */
  get both(): TwinMachine[] {
    return [this.interp, this.dbt];
  }

  /** The translator's counters. */
  get stats(): Dbt['stats'] {
    return (this.dbt.backend as Dbt).stats;
  }

  /**
   * Assemble `source` at `origin` (RAM by default) into both machines (with a
   * `__halt: wfi; j __halt` tail), M-mode, pc at its start, trap vectors at
   * `__halt` unless the program sets them, PMP open to every mode.
   */
  load(source: string, origin = RAM_BASE): this {
    const { bytes, symbols } = assemble(`${source}\n__halt:\n  wfi\n  j __halt\n`, { origin: BigInt(origin) });
    this.symbols = symbols;
    for (const m of this.both) {
      if (origin >= RAM_BASE) m.ram.load(origin, bytes);
      m.hart.pc = origin;
      m.hart.priv = PRIV_M;
      m.hart.mtvec = this.label('__halt');
      m.hart.stvec = this.label('__halt');
      m.hart.pmpcfg[0] = 0x1f;
      m.hart.pmpaddr[0] = (1n << 54n) - 1n;
      m.hart.onPmpChange();
      m.hart.flushTranslations();
    }
    return this;
  }

  /** The bytes of the last program assembled at `origin` (for a ROM device). */
  assembleAt(source: string, origin: number): Uint8Array {
    const { bytes, symbols } = assemble(`${source}\n__halt:\n  wfi\n  j __halt\n`, { origin: BigInt(origin) });
    this.symbols = symbols;
    return bytes;
  }

  /** Map a device built by `make` on both buses. */
  map(base: number, size: number, make: () => MmioDevice): this {
    for (const m of this.both) m.bus.map(base, size, make());
    return this;
  }

  /** Address of a label of the last program. */
  label(name: string): bigint {
    const value = this.symbols.get(name);
    if (value === undefined) throw new Error(`no label ${name}`);
    return value;
  }

  /** Apply `change` to both machines (registers, CSRs, memory). */
  each(change: (m: TwinMachine) => void): this {
    for (const m of this.both) change(m);
    return this;
  }

  /** Run both for `budget` instructions; they must exit for the same reason and end in the same state. */
  run(budget: number): ExitReason {
    const expected = this.interp.backend.run(this.interp.hart, budget);
    const actual = this.dbt.backend.run(this.dbt.hart, budget);
    expect(actual).toBe(expected);
    this.expectSameState();
    return expected;
  }

  /** Both machines hold the same architectural state, memory and trap history. */
  expectSameState(): void {
    expect(snapshot(this.dbt)).toEqual(snapshot(this.interp));
  }
}

/** What must be identical between the two machines. */
function snapshot(m: TwinMachine): Record<string, unknown> {
  const h = m.hart;
  return {
    x: Array.from(h.x.subarray(0, 64)),
    f: Array.from(h.f),
    pc: h.getPc(),
    icount: h.icount,
    priv: h.priv,
    mstatus: h.mstatus,
    csrs: [h.mepc, h.mcause, h.mtval, h.sepc, h.scause, h.stval, h.fflags, h.reservation],
    waiting: h.waiting,
    ram: createHash('sha256').update(m.ram.bytes).digest('hex'),
    traps: m.traps.map((trap) => ({ ...trap })),
  };
}
