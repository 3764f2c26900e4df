import { readFileSync, writeSync } from 'node:fs';
import type { Argv } from 'yargs';
import { disassemble } from '../src/isa/disasm.js';
import { Vmm, type RetiredInstruction } from '../src/vmm/vmm.js';
import { UsageError } from './errors.js';
import { runInteractive } from './interactive-console.js';

/** Exit status when the instruction limit ends a run (as timeout(1) uses). */
export const EXIT_LIMIT = 124;

interface RunArgs {
  kernel?: string;
  initrd?: string;
  append?: string;
  smp: number;
  input?: string;
  bios: string;
  memory: string;
  'max-insns'?: number;
  'trace-insns': boolean;
  stats: boolean;
}

/** Parse QEMU-style memory sizes: `128`, `128M`, `1G` (MiB by default). */
export function parseMemoryMiB(text: string): number {
  const match = /^(\d+)([MmGg]?)$/.exec(text.trim());
  if (match === null) throw new UsageError(`--memory: '${text}' is not a size (examples: 128, 256M, 1G)`);
  const mib = Number(match[1]) * (match[2]?.toUpperCase() === 'G' ? 1024 : 1);
  if (mib < 1 || mib > 16384) throw new UsageError(`--memory: ${mib} MiB is outside 1 MiB..16 GiB`);
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

/**
 * Write guest console bytes to stdout synchronously (the run loop never yields
 * to the event loop); a reader that went away (`| head`) ends the run quietly.
 */
function writeConsole(bytes: Uint8Array): void {
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

/** Console input from a file, or all of standard input for `-` (a terminal is refused). */
function readInput(path: string): Uint8Array {
  if (path !== '-') return readImage(path, '--input');
  if (process.stdin.isTTY) {
    throw new UsageError('--input -: standard input is a terminal; pipe the input in, or give a file (interactive consoles are not supported yet)');
  }
  return new Uint8Array(readFileSync(0));
}

function formatRetired(insn: RetiredInstruction): string {
  const raw = insn.len === 2 ? insn.raw.toString(16).padStart(4, '0') : (insn.raw >>> 0).toString(16).padStart(8, '0');
  return `${insn.hart} ${insn.icount} 0x${insn.pc.toString(16).padStart(16, '0')} ${raw.padStart(8)} ${disassemble(insn.raw, insn.pc)}\n`;
}

/** `deja run`: run a guest; the exit status is the guest's. */
export function registerRun(cli: Argv): Argv {
  return cli.command<RunArgs>(
    'run',
    'Run a guest on the virt board (exit status = the guest\'s exit code)',
    (y) => y
      .option('kernel', { type: 'string', describe: 'kernel image: ELF, or raw (at the start of RAM, or 2 MiB-aligned after the firmware)' })
      .option('bios', { type: 'string', default: 'none', describe: 'firmware: none (start the kernel in M-mode), builtin (the VMM answers SBI calls; the kernel starts in S-mode) or FILE (ELF, or raw at 0x80000000)' })
      .option('initrd', { type: 'string', describe: 'initial ramdisk, placed after the kernel as QEMU places it' })
      .option('append', { type: 'string', describe: 'kernel command line (the device tree\'s /chosen/bootargs)' })
      .option('smp', { type: 'number', default: 1, describe: 'number of harts (1-512)' })
      .option('input', { type: 'string', describe: 'console input: FILE, or - for standard input (read whole, before the run); without it a terminal is the console (Ctrl-A x quits)' })
      .option('memory', { alias: 'm', type: 'string', default: '128', describe: 'RAM size in MiB (or with an M/G suffix)' })
      .option('max-insns', { type: 'number', describe: `stop after N instructions (exit status ${EXIT_LIMIT})` })
      .option('trace-insns', { type: 'boolean', default: false, describe: 'print each retired instruction on stderr: hart icount pc bits disassembly' })
      .option('stats', { type: 'boolean', default: false, describe: 'print instruction count, time and MIPS on stderr at the end' }) as unknown as Argv<RunArgs>,
    async (args) => {
      if (args.bios === 'none' && args.kernel === undefined) throw new UsageError('give --kernel FILE, or --bios FILE');
      const maxInsns = args['max-insns'];
      if (maxInsns !== undefined && (!Number.isSafeInteger(maxInsns) || maxInsns < 0)) {
        throw new UsageError(`--max-insns: '${maxInsns}' is not a whole number of instructions`);
      }
      const kernel = args.kernel === undefined ? undefined : { name: args.kernel, bytes: readImage(args.kernel, '--kernel') };
      const bios = args.bios === 'none' ? undefined : args.bios === 'builtin' ? 'builtin' as const : { name: args.bios, bytes: readImage(args.bios, '--bios') };
      if (bios === 'builtin' && kernel === undefined) throw new UsageError('--bios builtin needs --kernel FILE (an S-mode kernel)');
      const input = args.input === undefined ? undefined : readInput(args.input);
      const initrd = args.initrd === undefined ? undefined : { name: args.initrd, bytes: readImage(args.initrd, '--initrd') };
      if (!Number.isInteger(args.smp) || args.smp < 1 || args.smp > 512) throw new UsageError(`--smp: '${args.smp}' is not a number of harts from 1 to 512`);
      const out: number[] = [];
      const flush = (): void => {
        if (out.length > 0) writeConsole(Uint8Array.from(out.splice(0)));
      };
      const vmm = new Vmm({
        bios,
        kernel,
        initrd,
        append: args.append,
        harts: args.smp,
        input,
        memoryMiB: parseMemoryMiB(args.memory),
        console: (byte) => {
          out.push(byte);
          if (byte === 10 || out.length >= 4096) flush();
        },
      });
      const trace = args['trace-insns'] ? (insn: RetiredInstruction) => process.stderr.write(formatRetired(insn)) : undefined;
      const started = process.hrtime.bigint();
      const interactive = input === undefined && trace === undefined && process.stdin.isTTY === true;
      const ended = interactive ? await runInteractive(vmm, maxInsns ?? Infinity, flush) : vmm.run(maxInsns ?? Infinity, trace);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      flush();
      if (ended.reason === 'quit') {
        process.stderr.write('\ndeja: terminated (Ctrl-A x)\n');
        return;
      }
      const outcome = ended;
      if (args.stats) {
        process.stderr.write(`instructions: ${outcome.instructions}\nseconds: ${seconds.toFixed(3)}\nmips: ${(outcome.instructions / seconds / 1e6).toFixed(1)}\n`);
      }
      if (outcome.reason === 'max-insns') {
        process.stderr.write(`deja: ${outcome.message}\n`);
        process.exitCode = EXIT_LIMIT;
      } else if (outcome.reason !== 'pass') {
        if (outcome.reason !== 'fail') process.stderr.write(`deja: ${outcome.message}\n`);
        process.exitCode = outcome.exitCode;
      }
    },
  );
}
