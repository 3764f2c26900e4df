import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES } from '../../src/exec/backends.js';
import { DEMO_OUTPUT, guestImage } from '../guests/guests.js';
import { shouldRunWith, skipNote } from '../guests/host-tools.js';
import { GDB, printedValues, runGdb, startDejaServer } from './debug-session.js';

const DEMO = guestImage('demo');

describe.skipIf(!shouldRunWith(GDB))(`gdb-multiarch against deja run --gdb${skipNote(GDB, 'gdb-multiarch')}`, () => {
  it.each(BACKEND_NAMES)('on %s: breaks at a symbol, reads registers and memory, hits a watchpoint and a trap handler, then the guest exits', async (backend) => {
    const server = await startDejaServer(['run', '--kernel', DEMO, '--backend', backend]);
    try {
      const gdb = await runGdb(server.address, DEMO, [
        'printf "reset pc %#lx\\n", $pc',
        'break puts',
        'continue',
        'printf "at %#lx\\n", $pc',
        'x/s $a0',
        'printf "mtvec %#lx sp %#lx priv %lu\\n", $mtvec, $sp, $priv',
        'delete',
        'break arm_timer',
        'continue',
        'delete',
        'watch *(long *)((long)&stack_top - 32)',
        'continue',
        'printf "watch stopped at %#lx\\n", $pc',
        'delete',
        'break trap_handler',
        'continue',
        'printf "handler %#lx mcause %#lx\\n", $pc, $mcause',
        'stepi',
        'printf "after stepi %#lx\\n", $pc',
        'delete',
        'continue',
      ]);
      expect(gdb.stdout).toContain('reset pc 0x1000');
      expect(gdb.stdout).toMatch(/Breakpoint 1, puts \(\)/);
      expect(gdb.stdout).toContain('at 0x800001e0');
      expect(gdb.stdout).toContain('"dejavm demo: a guest that prints, traps and takes interrupts\\n"');
      expect(gdb.stdout).toContain('mtvec 0x8000011c sp 0x800012d0 priv 3');
      expect(gdb.stdout).toMatch(/Hardware watchpoint 3[^\n]*\n\nOld value = \d+\nNew value = \d+/);
      expect(gdb.stdout).toContain('watch stopped at 0x80000124');
      expect(gdb.stdout).toMatch(/Breakpoint 4, trap_handler \(\)/);
      expect(gdb.stdout).toContain('handler 0x8000011c mcause 0x8000000000000007');
      expect(gdb.stdout).toContain('after stepi 0x80000120');
      expect(gdb.stdout).toContain('[Inferior 1 (Remote target) exited normally]');
      expect(await server.exited).toBe(0);
      expect(server.stdout()).toBe(DEMO_OUTPUT);
    } finally {
      server.process.kill();
    }
  });

  it('shows harts as threads: a breakpoint hit by hart 1 stops thread 2, and each thread reads its own mhartid', async () => {
    const server = await startDejaServer(['run', '--kernel', DEMO, '--smp', '2']);
    try {
      const gdb = await runGdb(server.address, DEMO, [
        'break park',
        'continue',
        'info threads',
        'thread 1',
        'printf "hart of thread 1: %lu\\n", $mhartid',
        'thread 2',
        'printf "hart of thread 2: %lu at %#lx\\n", $mhartid, $pc',
        'kill',
      ]);
      expect(gdb.stdout).toMatch(/^\* 2 +Thread 2 \(hart 1\) park \(\)/m);
      expect(gdb.stdout).toMatch(/^  1 +Thread 1 \(hart 0\) /m);
      expect(gdb.stdout).toContain('hart of thread 1: 0');
      expect(gdb.stdout).toContain('hart of thread 2: 1 at 0x800000f8');
    } finally {
      server.process.kill();
    }
  });

  it('memory outside the guest and breakpoints on unmapped addresses are errors; the session goes on', async () => {
    const server = await startDejaServer(['run', '--kernel', DEMO]);
    try {
      const gdb = await runGdb(server.address, DEMO, [
        'x/2x 0x40000000',
        'break *0x20000',
        'continue',
        'delete',
        'break puts',
        'continue',
        'p $pc == puts',
        'set $t0 = 0x1234',
        'p/x $t0',
        'kill',
      ]);
      expect(gdb.stdout + gdb.stderr).toContain('Cannot access memory at address 0x40000000');
      expect(gdb.stdout + gdb.stderr).toMatch(/Cannot insert breakpoint 1\.\nCannot access memory at address 0x20000/);
      expect(printedValues(gdb.stdout)).toEqual(['1', '0x1234']);
      const again = await runGdb(server.address, DEMO, ['printf "still at %#lx\\n", $pc', 'kill']);
      expect(again.stdout).toContain('still at 0x800001e0');
    } finally {
      server.process.kill();
    }
  });
});
