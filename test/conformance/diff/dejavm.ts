import type { BackendName } from '../../../src/exec/backends.js';
import { runProgram } from '../../../src/vmm/run-program.js';

/** What a dejavm run of a batch image produced. */
export interface DejavmRun {
  console: string;
  /** Why the run stopped, with dejavm's message (for reports when dump lines are missing). */
  stop: string;
  instructions: number;
}

/**
 * Run an ELF batch image in-process on dejavm's virt board (`--bios none`)
 * for at most `budget` instructions under `backend`. The generated programs
 * are far too short to make a block hot at dbt's default threshold, so dbt
 * translates every block the first time it reaches it (`hotBlockHits: 1`):
 * then every block runs translated.
 */
export function runDejavm(elf: Uint8Array, budget: number, backend: BackendName = 'interp'): DejavmRun {
  const result = runProgram({
    kernel: elf, kernelName: 'diff.elf', maxInsns: budget, backend,
    backendOptions: backend === 'dbt' ? { hotBlockHits: 1 } : undefined,
  });
  return { console: result.console, stop: `${result.reason}: ${result.message}`, instructions: result.icount };
}
