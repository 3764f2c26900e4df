import type { DebugTarget, MoveResult } from './target.js';

/** Events `monitor events` shows before and after the position when no count is given. */
const DEFAULT_EVENT_COUNT = 5;

const HELP = [
  'dejavm monitor commands:',
  '  icount        every hart\'s icount (retired instructions)',
  '  seek N        go to hart 0 icount N, backwards or forwards (replay only)',
  '  events [N]    the N recorded events before and after the position (replay only; default 5)',
  '  help          this list',
  'After seek, run "maintenance flush register-cache" so gdb reads the new state.',
].join('\n');

function parseCount(text: string): number | undefined {
  const value = /^(0x[0-9a-f]+|\d+)$/i.test(text) ? Number(text) : NaN;
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/**
 * Run one `monitor` command line (gdb's `qRcmd`) against `target` and
 * return the text to show the user; `seek` moves the target (through the
 * execution state, which must forget where it stopped). Never throws for bad input.
 */
export function runMonitorCommand(line: string, target: DebugTarget, seek: (icount: number) => MoveResult): string {
  const [command = '', ...args] = line.trim().split(/\s+/);
  switch (command) {
    case '':
    case 'help':
      return `${HELP}\n`;
    case 'icount': {
      const lines = target.vmm.machine.harts.map((hart) => `hart ${hart.hartId} icount ${hart.icount}`);
      const end = target.endPosition?.();
      if (end !== undefined) lines.push(`recording ends at hart 0 icount ${end}`);
      return `${lines.join('\n')}\n`;
    }
    case 'seek': {
      if (target.seek === undefined) return 'seek: a live run cannot go back; debug a recording with deja replay --gdb\n';
      const icount = args.length === 1 ? parseCount(args[0]!) : undefined;
      if (icount === undefined) return 'usage: monitor seek N (an icount of hart 0)\n';
      if (icount > (target.endPosition?.() ?? Infinity)) return `seek: the recording ends at hart 0 icount ${target.endPosition!()}\n`;
      const result = seek(icount);
      if (result.kind === 'diverged') return `seek: ${result.message}\n`;
      const reached = target.position();
      const note = reached === icount ? '' : ` (the recording ends at ${reached})`;
      return `at hart 0 icount ${reached}${note}\n`;
    }
    case 'events': {
      if (target.eventsNear === undefined) return 'events: only a replay has recorded events\n';
      const count = args.length === 0 ? DEFAULT_EVENT_COUNT : args.length === 1 ? parseCount(args[0]!) : undefined;
      if (count === undefined) return 'usage: monitor events [N]\n';
      const lines = target.eventsNear(target.position(), count, count);
      return lines.length === 0 ? 'no recorded events near here\n' : `${lines.join('\n')}\n`;
    }
    default:
      return `unknown monitor command '${command}' (try monitor help)\n`;
  }
}
