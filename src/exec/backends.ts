import type { Hart } from '../cpu/hart.js';
import type { Bus } from '../mem/bus.js';
import type { Backend, ExitReason } from './backend.js';
import { Dbt } from './dbt/dbt.js';
import { Interpreter, type InterpHart } from './interp/interpreter.js';

/** The execution backends a run can choose (`--backend`), by the name traces record. */
export const BACKEND_NAMES = ['interp', 'dbt'] as const;

/** A backend name (`interp`, `dbt`). */
export type BackendName = (typeof BACKEND_NAMES)[number];

/**
 * What the VMM needs from a backend: `run`, and `forHart` for a hart's
 * interpreter state (CSRs, trap observer, next instruction). Every backend
 * keeps the interpreter as its first tier, so every backend has one.
 */
export interface VmmBackend extends Backend {
  readonly name: BackendName;
  run(hart: Hart, budget: number): ExitReason;
  forHart(hart: Hart): InterpHart;
}

/** Build the backend called `name` over `bus`. */
export function createBackend(name: BackendName, bus: Bus): VmmBackend {
  switch (name) {
    case 'interp':
      return new Interpreter(bus);
    case 'dbt':
      return new Dbt(bus);
  }
}
