import type { Hart } from '../cpu/hart.js';

/** Why a backend returned control to the VMM. */
export const enum ExitReason {
  /** The instruction budget is spent (exactly). */
  BUDGET = 0,
  /** The hart executed WFI and no interrupt is pending: it waits. */
  WFI = 1,
  /** The VMM asked the hart to stop (power-off, debugger, error). */
  STOP = 2,
  /**
   * Traps keep being taken without any instruction retiring (the trap vector
   * itself faults): the hart can never make progress again.
   */
  TRAP_LOOP = 3,
}

/**
 * An execution backend: runs one hart for a budget of instructions.
 *
 * `run` retires at most `budget` instructions (exactly `budget` unless it exits
 * early for WFI or a stop request) and keeps `hart.icount` exact. Traps and
 * interrupts are taken inside `run` and reported through `onTrap`.
 */
export interface Backend {
  /** Backend name as written in traces (`interp`, `dbt`). */
  readonly name: string;
  /** Run `hart` for at most `budget` instructions. */
  run(hart: Hart, budget: number): ExitReason;
}
