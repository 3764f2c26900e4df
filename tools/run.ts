import type { Argv } from 'yargs';
import { LiveTarget } from '../src/gdb/live-target.js';
import { Dbt } from '../src/exec/dbt/dbt.js';
import { disassemble } from '../src/isa/disasm.js';
import { Vmm, type RetiredInstruction } from '../src/vmm/vmm.js';
import { GDB_OPTION_HELP, serveGdb } from './gdb-server.js';
import { runInteractive } from './interactive-console.js';
import { finishRun, machineOptions, prepareMachine, stdoutConsole, type MachineArgs } from './machine-args.js';

interface RunArgs extends MachineArgs {
  'trace-insns': boolean;
  stats: boolean;
  gdb?: string;
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
    (y) => machineOptions(y)
      .option('trace-insns', { type: 'boolean', default: false, describe: 'print each retired instruction on stderr: hart icount pc bits disassembly' })
      .option('stats', { type: 'boolean', default: false, describe: 'print instruction count, time and MIPS on stderr at the end' })
      .option('gdb', { type: 'string', describe: GDB_OPTION_HELP }) as unknown as Argv<RunArgs>,
    async (args) => {
      const { config, maxInstructions } = prepareMachine(args);
      const output = stdoutConsole();
      // Under a debugger the guest stops anywhere: show its output at once.
      const vmm = new Vmm({ ...config, console: args.gdb === undefined ? output.console : (byte) => { output.console(byte); output.flush(); } });
      const translator = vmm.backend instanceof Dbt ? vmm.backend : undefined;
      if (translator !== undefined && args.stats) translator.stopwatch = () => performance.now();
      if (args.gdb !== undefined) {
        const target = new LiveTarget(vmm);
        await serveGdb(target, args.gdb, () => target.outcome() !== undefined);
        output.flush();
        finishRun(target.outcome()!);
        return;
      }
      const trace = args['trace-insns'] ? (insn: RetiredInstruction) => process.stderr.write(formatRetired(insn)) : undefined;
      const started = process.hrtime.bigint();
      const interactive = config.input === undefined && trace === undefined && process.stdin.isTTY === true;
      const ended = interactive ? await runInteractive(vmm, maxInstructions, output.flush) : vmm.run(maxInstructions, trace);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      output.flush();
      if (ended.reason === 'quit') {
        process.stderr.write('\ndeja: terminated (Ctrl-A x)\n');
        return;
      }
      if (args.stats) {
        process.stderr.write(`instructions: ${ended.instructions}\nseconds: ${seconds.toFixed(3)}\nmips: ${(ended.instructions / seconds / 1e6).toFixed(1)}\n`);
        if (translator !== undefined) {
          const { translatedInsns, interpretedInsns, regionsCompiled, translationMs } = translator.stats;
          process.stderr.write(`dbt: ${translatedInsns} instructions translated, ${interpretedInsns} interpreted, ${regionsCompiled} regions, ${(translationMs / 1000).toFixed(3)} s translating\n`);
        }
      }
      finishRun(ended);
    },
  );
}
