import type { Bus } from '../mem/bus.js';
import { Interpreter } from './interp/interpreter.js';

/** The execution backends a run can choose (`--backend`), by the name traces record. */
export const BACKEND_NAMES = ['interp'] as const;

/** A backend name (`interp`, ...). */
export type BackendName = (typeof BACKEND_NAMES)[number];

/**
 * What the VMM needs from a backend: the interpreter's surface (`run`,
 * `forHart` for a hart's CSRs, trap observer and next instruction). Every
 * backend keeps the interpreter as its first tier, so it exposes the same.
 */
export type VmmBackend = Interpreter;

/** Build the backend called `name` over `bus`. */
export function createBackend(name: BackendName, bus: Bus): VmmBackend {
  switch (name) {
    case 'interp':
      return new Interpreter(bus);
  }
}
