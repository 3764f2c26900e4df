import type { BackendName, BackendOptions } from '../exec/backends.js';
import { Vmm, type StopReason } from './vmm.js';

/** What `runProgram` runs. */
export interface RunProgramOptions {
  /** The kernel image bytes (ELF or raw). */
  readonly kernel: Uint8Array;
  /** Name for messages. */
  readonly kernelName: string;
  /** Stop after this many instructions (default: no limit). */
  readonly maxInsns?: number;
  /** RAM size in MiB (default 128). */
  readonly memoryMiB?: number;
  /** The execution backend (default `interp`). */
  readonly backend?: BackendName;
  /** Tuning of the backend (default: its own; see `VmmConfig.backendOptions`). */
  readonly backendOptions?: BackendOptions;
}

/** What the guest did. */
export interface RunProgramResult {
  readonly exitCode: number;
  readonly reason: StopReason;
  readonly message: string;
  /** Everything the guest wrote to its console, decoded as Latin-1. */
  readonly console: string;
  /** Instructions retired. */
  readonly icount: number;
}

/**
 * Run a guest in-process on the virt board with `--bios none`, as `deja run`
 * does, and collect its console output. For tests and tools.
 */
export function runProgram(options: RunProgramOptions): RunProgramResult {
  const bytes: number[] = [];
  const vmm = new Vmm({
    kernel: { name: options.kernelName, bytes: options.kernel },
    memoryMiB: options.memoryMiB,
    backend: options.backend,
    backendOptions: options.backendOptions,
    console: (byte) => bytes.push(byte),
  });
  const outcome = vmm.run(options.maxInsns ?? Infinity);
  let console = '';
  for (let i = 0; i < bytes.length; i += 4096) console += String.fromCharCode(...bytes.slice(i, i + 4096));
  return { exitCode: outcome.exitCode, reason: outcome.reason, message: outcome.message, console, icount: outcome.instructions };
}
