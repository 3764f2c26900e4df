import type { Hart } from '../cpu/hart.js';
import type { Bus } from '../mem/bus.js';
import type { Backend, ExitReason } from './backend.js';
import { Dbt, type DbtOptions } from './dbt/dbt.js';
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

/**
 * Tuning of a backend: the translator's hotness threshold. The interpreter
 * takes none and ignores it; none given: each backend's defaults.
 */
export type BackendOptions = DbtOptions;

/** Build the backend called `name` over `bus`, tuned by `options`. */
export function createBackend(name: BackendName, bus: Bus, options: BackendOptions = {}): VmmBackend {
  switch (name) {
    case 'interp':
      return new Interpreter(bus);
    case 'dbt':
      return new Dbt(bus, options);
  }
}
