/**
 * The contract of a micro benchmark file: every `test/bench/micro/*.bench.ts`
 * default-exports one `MicroSuite`, which the runner gives a fresh tinybench
 * `Bench` to fill with tasks.
 */
import type { Bench } from 'tinybench';

/** A named group of micro benchmark tasks. */
export interface MicroSuite {
  /** Title printed above the suite's results. */
  name: string;
  /** Adds the suite's tasks to `bench` (`bench.add(name, fn)`). */
  register(bench: Bench): void;
}
