import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES } from '../../src/exec/backends.js';
import { DEMO_OUTPUT, guestImage, REPO_ROOT } from '../guests/guests.js';
import { shouldRunWith, skipNote } from '../guests/host-tools.js';
import { GDB, printedValues, runGdb, startDejaServer, type DejaServer } from './debug-session.js';

const DEMO = guestImage('demo');
const scratch = mkdtempSync(join(tmpdir(), 'deja-gdb-'));

/** Record the demo guest on `backend` with a snapshot every 1,000 instructions. */
function recordDemo(backend: string): string {
  const trace = join(scratch, `demo-${backend}.deja`);
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'deja.js'), 'record', '--kernel', DEMO, '--backend', backend, '-o', trace, '--force', '--snapshot-every', '1000'], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return trace;
}

/** The lines gdb printed with `printf "NAME ..."`, by NAME, in order. */
function tagged(output: string, name: string): string[] {
  return [...output.matchAll(new RegExp(`^${name} (.*)$`, 'gm'))].map((match) => match[1]!);
}

async function withReplay(trace: string, body: (server: DejaServer) => Promise<void>): Promise<void> {
  const server = await startDejaServer(['replay', trace]);
  try {
    await body(server);
  } finally {
    server.process.kill();
  }
}

describe.skipIf(!shouldRunWith(GDB))(`gdb-multiarch against deja replay --gdb${skipNote(GDB, 'gdb-multiarch')}`, () => {
  describe.each(BACKEND_NAMES)('a demo recording made on %s', (backend) => {
    const trace = recordDemo(backend);

    it('reverse-stepi returns to the previous pc with the previous register values', async () => {
      await withReplay(trace, async (server) => {
        const gdb = await runGdb(server.address, DEMO, [
          'break puts',
          'continue',
          'stepi 3',
          'printf "before %#lx %#lx %#lx %#lx\\n", $pc, $a0, $t0, $t1',
          'stepi',
          'printf "after %#lx %#lx %#lx %#lx\\n", $pc, $a0, $t0, $t1',
          'reverse-stepi',
          'printf "back %#lx %#lx %#lx %#lx\\n", $pc, $a0, $t0, $t1',
          'monitor icount',
        ]);
        const [before] = tagged(gdb.stdout, 'before');
        expect(before).toMatch(/^0x8000/);
        expect(tagged(gdb.stdout, 'after')[0]).not.toBe(before);
        expect(tagged(gdb.stdout, 'back')).toEqual([before]);
        expect(gdb.stderr, 'gdb shows monitor output on stderr').toMatch(/^recording ends at hart 0 icount \d+$/m);
      });
    });

    it('reverse-continue stops at earlier breakpoint hits, then at the start of history', async () => {
      await withReplay(trace, async (server) => {
        const gdb = await runGdb(server.address, DEMO, [
          'break interrupt',
          'continue', 'continue', 'continue',
          'p $s0',
          'reverse-continue',
          'p $s0',
          'p $pc == interrupt',
          'reverse-continue',
          'p $s0',
          'reverse-continue',
          'p $pc',
        ]);
        expect(printedValues(gdb.stdout).slice(0, 4)).toEqual(['(void *) 0x2', '(void *) 0x1', '1', '(void *) 0x0']);
        expect(gdb.stdout).toContain('No more reverse-execution history.');
        expect(printedValues(gdb.stdout)[4]).toBe('(void (*)()) 0x1000');
      });
    });

    it('a watchpoint stops reverse-continue at the last write to a stack slot; the end of the recording stops continue', async () => {
      await withReplay(trace, async (server) => {
        const gdb = await runGdb(server.address, DEMO, [
          'continue',
          'printf "end %#lx\\n", $pc',
          'watch *(long *)((long)&stack_top - 32)',
          'reverse-continue',
          'printf "writer %#lx\\n", $pc',
          'x/i $pc',
        ]);
        expect(gdb.stdout).toContain('No more reverse-execution history.');
        expect(tagged(gdb.stdout, 'end')).toEqual(['0x800000f8']);
        expect(gdb.stdout).toMatch(/Hardware watchpoint 1[^\n]*\n\nOld value = \d+\nNew value = \d+/);
        expect(tagged(gdb.stdout, 'writer')).toEqual(['0x80000120']);
        expect(gdb.stdout).toMatch(/<trap_handler\+4>:\s+sd\s+ra,0\(sp\)/);
        expect(server.stdout(), 'the console shows each byte once, though the reverse scan replays it again').toBe(DEMO_OUTPUT);
      });
    });
  });

  it('monitor seek and monitor events; a second debugger finds the position the first one left', async () => {
    const trace = recordDemo('interp');
    await withReplay(trace, async (server) => {
      const first = await runGdb(server.address, DEMO, [
        'monitor seek 2020',
        'maintenance flush register-cache',
        'printf "pc %#lx\\n", $pc',
        'monitor events 2',
        'monitor events 40',
        'monitor seek 99999999',
        'monitor seek',
        'disconnect',
      ]);
      expect(first.stderr).toContain('at hart 0 icount 2020');
      expect(tagged(first.stdout, 'pc')).toEqual(['0x80000098']);
      expect(first.stderr).toMatch(/---- here: hart 0 icount 2020\n0:2020 +irq +MTIP raised\n0:2020 +trap +machine timer interrupt/);
      const long = first.stderr.slice(first.stderr.indexOf('---- here') + 10);
      expect(long.slice(0, long.indexOf('---- here')).split('\n').filter((line) => /^0:\d+ /.test(line)), 'the 40 events before, in several O packets').toHaveLength(2 + 40);
      expect(first.stderr).toMatch(/seek: the recording ends at hart 0 icount \d+/);
      expect(first.stderr).toContain('usage: monitor seek N');
      const second = await runGdb(server.address, DEMO, ['printf "pc %#lx\\n", $pc', 'monitor icount']);
      expect(tagged(second.stdout, 'pc')).toEqual(['0x80000098']);
      expect(second.stderr).toContain('hart 0 icount 2020');
    });
  });
});
