import { readFileSync, writeSync } from 'node:fs';
import type { Argv } from 'yargs';
import { BACKEND_NAMES, type BackendName } from '../src/exec/backends.js';
import { MAX_MEMORY_MIB } from '../src/machine/virt.js';
import type { HostTimeSource } from '../src/vmm/clock.js';
import type { RunOutcome, VmmConfig } from '../src/vmm/vmm.js';
import { UsageError } from './errors.js';

/** Exit status when the instruction limit ends a run (as timeout(1) uses). */
export const EXIT_LIMIT = 124;

/** The machine flags `run` and `record` share (QEMU's names). */
export interface MachineArgs {
  kernel?: string;
  initrd?: string;
  append?: string;
  smp: number;
  input?: string;
  bios: string;
  memory: string;
  clock: string;
  backend: string;
  'max-insns'?: number;
}

/** Add the machine flags to a command. */
export function machineOptions<T>(y: Argv<T>): Argv<T & MachineArgs> {
  return y
    .option('kernel', { type: 'string', describe: 'kernel image: ELF, or raw (at the start of RAM, or 2 MiB-aligned after the firmware)' })
    .option('bios', { type: 'string', default: 'none', describe: 'firmware: none (start the kernel in M-mode), builtin (the VMM answers SBI calls; the kernel starts in S-mode) or FILE (ELF, or raw at 0x80000000)' })
    .option('initrd', { type: 'string', describe: 'initial ramdisk, placed after the kernel as QEMU places it' })
    .option('append', { type: 'string', describe: 'kernel command line (the device tree\'s /chosen/bootargs)' })
    .option('smp', { type: 'number', default: 1, describe: 'number of harts (1-512)' })
    .option('input', { type: 'string', describe: 'console input: FILE, or - for standard input (read whole, before the run); without it a terminal is the console (Ctrl-A x quits)' })
    .option('memory', { alias: 'm', type: 'string', default: '128', describe: 'RAM size in MiB (or with an M/G suffix)' })
    .option('clock', { type: 'string', default: 'virtual', describe: 'virtual (time derived from instructions: deterministic) or host (real time; record logs every reading)' })
    .option('backend', { type: 'string', default: 'interp', describe: `execution backend: ${BACKEND_NAMES.join(' or ')}` })
    .option('max-insns', { type: 'number', describe: `stop after N instructions (exit status ${EXIT_LIMIT})` }) as unknown as Argv<T & MachineArgs>;
}

/** Parse QEMU-style memory sizes: `128`, `128M`, `1G` (MiB by default). */
export function parseMemoryMiB(text: string): number {
  const match = /^(\d+)([MmGg]?)$/.exec(text.trim());
  if (match === null) throw new UsageError(`--memory: '${text}' is not a size (examples: 128, 256M, 1G)`);
  const mib = Number(match[1]) * (match[2]?.toUpperCase() === 'G' ? 1024 : 1);
  if (mib < 1 || mib > MAX_MEMORY_MIB) throw new UsageError(`--memory: ${mib} MiB is outside 1 MiB..${MAX_MEMORY_MIB / 1024} GiB`);
  return mib;
}

/** Read an image file or fail with a one-line message naming it. */
export function readImage(path: string, flag: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String(code);
    throw new UsageError(`${flag} ${path}: cannot read: ${why}`);
  }
}

/** Console input from a file, or all of standard input for `-` (a terminal is refused). */
function readInput(path: string): Uint8Array {
  if (path !== '-') return readImage(path, '--input');
  if (process.stdin.isTTY) {
    throw new UsageError('--input -: standard input is a terminal; leave out --input to use the terminal as the console, or pipe the input in');
  }
  return new Uint8Array(readFileSync(0));
}

/** The validated machine: the VMM configuration (less its console) and the instruction limit. */
export interface PreparedMachine {
  readonly config: Omit<VmmConfig, 'console'>;
  readonly maxInstructions: number;
}

/** Check the machine flags and read every image, with one-line errors naming the flag or file. */
export function prepareMachine(args: MachineArgs): PreparedMachine {
  if (args.bios === 'none' && args.kernel === undefined) throw new UsageError('give --kernel FILE, or --bios FILE');
  const maxInsns = args['max-insns'];
  if (maxInsns !== undefined && (!Number.isSafeInteger(maxInsns) || maxInsns < 0)) {
    throw new UsageError(`--max-insns: '${maxInsns}' is not a whole number of instructions`);
  }
  if (!Number.isInteger(args.smp) || args.smp < 1 || args.smp > 512) throw new UsageError(`--smp: '${args.smp}' is not a number of harts from 1 to 512`);
  if (args.clock !== 'virtual' && args.clock !== 'host') throw new UsageError(`--clock: '${args.clock}' is not virtual or host`);
  if (!(BACKEND_NAMES as readonly string[]).includes(args.backend)) throw new UsageError(`--backend: '${args.backend}' is not ${BACKEND_NAMES.join(' or ')}`);
  const kernel = args.kernel === undefined ? undefined : { name: args.kernel, bytes: readImage(args.kernel, '--kernel') };
  const bios = args.bios === 'none' ? undefined : args.bios === 'builtin' ? 'builtin' as const : { name: args.bios, bytes: readImage(args.bios, '--bios') };
  if (bios === 'builtin' && kernel === undefined) throw new UsageError('--bios builtin needs --kernel FILE (an S-mode kernel)');
  return {
    config: {
      bios,
      kernel,
      initrd: args.initrd === undefined ? undefined : { name: args.initrd, bytes: readImage(args.initrd, '--initrd') },
      append: args.append,
      harts: args.smp,
      input: args.input === undefined ? undefined : readInput(args.input),
      memoryMiB: parseMemoryMiB(args.memory),
      hostTime: args.clock === 'host' ? hostTime() : undefined,
      backend: args.backend as BackendName,
    },
    maxInstructions: maxInsns ?? Infinity,
  };
}

/** The host's monotonic time since now, and a blocking sleep: the real time `--clock host` hands the VMM. */
function hostTime(): HostTimeSource {
  const start = process.hrtime.bigint();
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const nowNs = (): bigint => process.hrtime.bigint() - start;
  return {
    nowNs,
    sleepUntilNs: (ns) => {
      const ms = Number(ns - nowNs()) / 1e6;
      if (ms > 0) Atomics.wait(sleeper, 0, 0, Math.min(ms, 60_000));
    },
  };
}

/**
 * Guest console output to stdout, buffered by line and written synchronously
 * (the run loop never yields to the event loop); a reader that went away
 * (`| head`) ends the run quietly.
 */
export function stdoutConsole(): { console: (byte: number) => void; flush: () => void } {
  const pending: number[] = [];
  const flush = (): void => {
    if (pending.length > 0) writeStdout(Uint8Array.from(pending.splice(0)));
  };
  return {
    console: (byte) => {
      pending.push(byte);
      if (byte === 10 || pending.length >= 4096) flush();
    },
    flush,
  };
}

/**
 * Write all of `bytes` to standard output synchronously; when the reader has
 * gone away (`| head`), end the process quietly with status 0.
 */
export function writeStdout(bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) {
    try {
      written += writeSync(1, bytes, written);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') process.exit(0);
      if (code !== 'EAGAIN') throw error;
    }
  }
}

/** Report how a run ended on stderr and set the exit status: the guest's, or 124 at the limit. */
export function finishRun(outcome: RunOutcome): void {
  if (outcome.reason === 'max-insns') {
    process.stderr.write(`deja: ${outcome.message}\n`);
    process.exitCode = EXIT_LIMIT;
  } else if (outcome.reason !== 'pass') {
    if (outcome.reason !== 'fail') process.stderr.write(`deja: ${outcome.message}\n`);
    process.exitCode = outcome.exitCode;
  }
}
