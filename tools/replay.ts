import type { Argv } from 'yargs';
import { divergenceReport } from '../src/analysis/divergence-report.js';
import { formatRegisters, hartRegisters } from '../src/analysis/hart-registers.js';
import { BACKEND_NAMES, type BackendName } from '../src/exec/backends.js';
import { ReplayTarget } from '../src/gdb/replay-target.js';
import { disassemble } from '../src/isa/disasm.js';
import { machineDigest } from '../src/rr/digest.js';
import { ReplaySession, type ReplayOptions } from '../src/rr/replay-session.js';
import { UsageError } from './errors.js';
import { firstTimeOutput, GDB_OPTION_HELP, serveGdb } from './gdb-server.js';
import { stdoutConsole } from './machine-args.js';
import { progress } from './progress.js';

interface ReplayArgs {
  trace: string;
  kernel?: string;
  bios?: string;
  initrd?: string;
  backend?: string;
  from?: number;
  to?: number;
  at?: number;
  'print-state': boolean;
  feed: boolean;
  gdb?: string;
}

/** Instructions between two progress updates. */
const PROGRESS_STEP = 20_000_000;

function position(value: number | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 0) throw new UsageError(`${flag}: '${value}' is not an icount (a whole number of instructions)`);
  return value;
}

/** `deja replay`: replay a trace, checking every event; seek with --from/--to/--at. */
export function registerReplay(cli: Argv): Argv {
  return cli.command<ReplayArgs>(
    'replay <trace>',
    'Replay a recorded run, checking every event against the recording (exit 0 equivalent, 1 divergent, 2 bad input)',
    (y) => y
      .positional('trace', { type: 'string', demandOption: true, describe: 'the trace file' })
      .option('kernel', { type: 'string', describe: 'the kernel image, when it is no longer where the trace says' })
      .option('bios', { type: 'string', describe: 'the firmware image, when it is no longer where the trace says' })
      .option('initrd', { type: 'string', describe: 'the initrd, when it is no longer where the trace says' })
      .option('backend', { type: 'string', describe: `replay on this backend (${BACKEND_NAMES.join(', ')}; default: the recording's)` })
      .option('from', { type: 'number', describe: 'start at this icount (seeking through the nearest snapshot); console output starts there' })
      .option('to', { type: 'number', describe: 'stop at this icount' })
      .option('at', { type: 'number', describe: 'go to this icount (with --print-state)' })
      .option('feed', { type: 'boolean', default: false, describe: 'take device reads and interrupt lines from the trace instead of the device models' })
      .option('print-state', { type: 'boolean', default: false, describe: 'print every hart\'s registers and CSRs at --at' })
      .option('gdb', { type: 'string', describe: `${GDB_OPTION_HELP}, with reverse execution; serves until interrupted` }) as unknown as Argv<ReplayArgs>,
    async (args) => {
      if (args.backend !== undefined && !(BACKEND_NAMES as readonly string[]).includes(args.backend)) {
        throw new UsageError(`--backend: '${args.backend}' is not ${BACKEND_NAMES.join(' or ')}`);
      }
      const at = position(args.at, '--at');
      if (args['print-state'] !== (at !== undefined)) throw new UsageError('--at N and --print-state go together');
      const from = position(args.from, '--from');
      const to = position(args.to, '--to');
      if (from !== undefined && to !== undefined && to < from) throw new UsageError(`--to ${to} is before --from ${from}`);
      const output = stdoutConsole();
      let printing = from === undefined && at === undefined;
      const options: ReplayOptions = {
        images: { kernel: args.kernel, bios: args.bios, initrd: args.initrd },
        backend: args.backend as BackendName | undefined,
        mode: args.feed ? 'feed' : 'verify',
        console: (byte) => {
          if (!printing || (args.gdb !== undefined && !isNewOutput())) return;
          output.console(byte);
          if (args.gdb !== undefined) output.flush();
        },
      };
      const session = ReplaySession.open(args.trace, options);
      const isNewOutput = firstTimeOutput(() => session.icount());
      try {
        const end = session.endIcount();
        for (const [flag, value] of [['--from', from], ['--to', to], ['--at', at]] as const) {
          if (value !== undefined && value > end) throw new UsageError(`${flag} ${value} is past the end of the recording (icount ${end})`);
        }
        if (at !== undefined) {
          printState(session, at);
          return;
        }
        if (from !== undefined) session.seek(from);
        printing = true;
        if (args.gdb !== undefined) {
          await serveGdb(new ReplayTarget(session), args.gdb, () => false);
          return;
        }
        const target = to ?? end;
        const bar = progress('replay', target);
        for (let next = session.currentPosition(); session.currentPosition() < target && session.firstDivergence === undefined && !session.finished; ) {
          next = Math.min(target, next + PROGRESS_STEP);
          session.runTo(next);
          bar.update(session.currentPosition());
          if (session.currentPosition() < next) break;
        }
        if (session.currentPosition() === end && session.firstDivergence === undefined) session.runTo(end);
        bar.done();
        output.flush();
        report(session, args.trace, options);
      } finally {
        session.close();
      }
    },
  );
}

/** The one-line verdict (and the divergence report). */
function report(session: ReplaySession, trace: string, options: ReplayOptions): void {
  const divergence = session.firstDivergence;
  if (divergence !== undefined) {
    process.stderr.write(`deja replay: DIVERGED after ${session.eventsChecked} matching events\n`);
    process.stderr.write(`${divergenceReport(trace, options, divergence).join('\n')}\n`);
    process.exitCode = 1;
    return;
  }
  const machine = session.vmm.machine;
  const digest = Buffer.from(session.finished && session.finalDigest !== undefined ? session.finalDigest : machineDigest(machine.harts, machine.ram)).toString('hex');
  const where = session.finished
    ? `run ended: ${session.outcome?.message ?? 'instruction limit'}`
    : session.complete ? `stopped at icount ${session.currentPosition()} of ${session.endIcount()}`
      : `the trace has no end (still being written, or cut): replayed to icount ${session.currentPosition()}, the last complete chunk (${session.reader.chunks.length} chunks, up to file offset ${session.reader.truncated?.atOffset})`;
  process.stderr.write(`deja replay: equivalent: ${session.eventsChecked} events checked, ${machine.harts.map((h) => h.icount).join('+')} instructions, final digest ${digest}; ${where}\n`);
}

/** `--at N --print-state`: every hart's position, instruction and registers. */
function printState(session: ReplaySession, at: number): void {
  const progressMade = session.seek(at);
  const lines: string[] = [];
  if (progressMade.divergence !== undefined) {
    throw new UsageError(`the replay diverged at icount ${progressMade.divergence.icount}, before ${at}: run deja replay without --at for the report`);
  }
  for (const hart of session.vmm.machine.harts) {
    const pc = hart.getPc();
    const insn = session.vmm.backend.forHart(hart).peekInstruction();
    lines.push(`hart ${hart.hartId} at icount ${hart.icount}${hart.waiting ? ' (waiting for an interrupt)' : ''}: pc 0x${pc.toString(16)}  ${insn === null ? '(cannot fetch)' : disassemble(insn.raw, pc)}`);
    lines.push(...formatRegisters(hartRegisters(hart)).map((line) => `  ${line}`));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
