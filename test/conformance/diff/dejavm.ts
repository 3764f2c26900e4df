import { runProgram } from '../../../src/vmm/run-program.js';

/** What a dejavm run of a batch image produced. */
export interface DejavmRun {
  console: string;
  /** Why the run stopped, with dejavm's message (for reports when dump lines are missing). */
  stop: string;
  instructions: number;
}

/** Run an ELF batch image in-process on dejavm's virt board (`--bios none`) for at most `budget` instructions. */
export function runDejavm(elf: Uint8Array, budget: number): DejavmRun {
  const result = runProgram({ kernel: elf, kernelName: 'diff.elf', maxInsns: budget });
  return { console: result.console, stop: `${result.reason}: ${result.message}`, instructions: result.icount };
}
