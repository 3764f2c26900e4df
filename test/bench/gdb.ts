/**
 * Reverse-stepi latency: how long the GDB server takes to answer `bs` (one
 * instruction back: restore the nearest snapshot, replay to the previous
 * position) and the `g` that gdb sends next, at seeded random points of a
 * recording of 10^9 instructions. Target: 200 ms (issue 9).
 *
 * The recorded guest is assembled here: it sweeps a 32 KiB buffer (loads,
 * stores, arithmetic) forever and takes a timer interrupt every 10,000
 * ticks, printing a byte each time, so the trace holds traps, interrupt
 * lines and MMIO throughout; the recording stops at the instruction limit.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ReplayTarget } from '../../src/gdb/replay-target.js';
import { GdbSession } from '../../src/gdb/session.js';
import { assemble } from '../../src/isa/asm.js';
import { ReplaySession } from '../../src/rr/replay-session.js';
import { Prng } from '../conformance/diff/prng.js';
import { REPO_ROOT } from '../guests/guests.js';
import { formatTable, median } from './stats.js';

/** Instructions recorded. */
const RECORDING_LENGTH = 1_000_000_000;
/** Instructions between two snapshots of the recording. */
const SNAPSHOT_EVERY = 2_000_000;
/** Random points measured. */
const SAMPLES = 15;
/** The latency target for one reverse-stepi. */
const TARGET_MS = 200;

const SWEEP_GUEST = `
_start:
  csrr t0, mhartid
  bnez t0, park
  la sp, stack_top
  la t0, handler
  csrw mtvec, t0
  li s1, 0x200bff8
  li s2, 0x2004000
  call arm
  li t0, 0x80
  csrs mie, t0
  csrsi mstatus, 8
  la s3, buffer
  li s4, 0
sweep:
  li t1, 0
  li t2, 4096
word:
  slli t3, t1, 3
  add t3, t3, s3
  ld t4, 0(t3)
  add t4, t4, t1
  xor t4, t4, s4
  sd t4, 0(t3)
  add s4, s4, t4
  addi t1, t1, 1
  blt t1, t2, word
  j sweep
arm:
  ld t5, 0(s1)
  li t6, 10000
  add t5, t5, t6
  sd t5, 0(s2)
  ret
handler:
  addi sp, sp, -16
  sd ra, 0(sp)
  call arm
  li t5, 0x10000000
  li t6, '.'
  sb t6, 0(t5)
  ld ra, 0(sp)
  addi sp, sp, 16
  mret
park:
  wfi
  j park
.align 12
buffer:
  .zero 32768
stack:
  .zero 4096
stack_top:
`;

/** Record the sweep guest for `RECORDING_LENGTH` instructions into `trace`; the wall time in ms. */
function recordSweep(directory: string, trace: string): number {
  const image = join(directory, 'sweep.bin');
  writeFileSync(image, assemble(SWEEP_GUEST, { origin: 0x80000000n }).bytes);
  const started = performance.now();
  const result = spawnSync(process.execPath, [
    join(REPO_ROOT, 'bin', 'deja.js'), 'record', '--kernel', image, '-o', trace, '--force',
    '--max-insns', String(RECORDING_LENGTH), '--snapshot-every', String(SNAPSHOT_EVERY), '--input', '/dev/null', '--memory', '16',
  ], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 24 });
  if (result.status !== 124) throw new Error(`deja record of the sweep guest failed (status ${result.status}): ${result.stderr}`);
  return performance.now() - started;
}

/** Record, then time `bs` + `g` at seeded random positions; returns the report (with PROBLEM over the target). */
export async function runGdbBenchmark(print: (text: string) => void): Promise<string> {
  const directory = mkdtempSync(join(tmpdir(), 'deja-gdb-bench-'));
  try {
    const trace = join(directory, 'sweep.deja');
    print(`gdb: recording ${RECORDING_LENGTH.toLocaleString('en')} instructions (snapshot every ${SNAPSHOT_EVERY.toLocaleString('en')})...`);
    const recordMs = recordSweep(directory, trace);
    const session = ReplaySession.open(trace);
    try {
      const target = new ReplayTarget(session);
      const gdb = new GdbSession(target);
      const prng = new Prng(9);
      const latencies: number[] = [];
      const rows: string[][] = [];
      for (let sample = 0; sample < SAMPLES; sample++) {
        const position = 1 + prng.below(session.endIcount() - 1);
        target.seek(position);
        const started = performance.now();
        const stop = await gdb.handle('bs');
        const registers = await gdb.handle('g');
        const ms = performance.now() - started;
        if (stop[0] !== 'T05thread:1;' || registers[0]?.length !== 33 * 16 || session.icount() !== position - 1) {
          throw new Error(`reverse-stepi at ${position} answered ${stop.join(' ')} and ended at ${session.icount()}`);
        }
        latencies.push(ms);
        rows.push([String(position), String(position % SNAPSHOT_EVERY), ms.toFixed(1)]);
      }
      const middle = median(latencies);
      const worst = Math.max(...latencies);
      const verdict = middle <= TARGET_MS ? `median within the ${TARGET_MS} ms target` : `PROBLEM: median over the ${TARGET_MS} ms target`;
      return [
        `gdb reverse-stepi (bs + g) on a recording of ${RECORDING_LENGTH.toLocaleString('en')} instructions (${(statSync(trace).size / 1e6).toFixed(1)} MB, recorded in ${(recordMs / 1000).toFixed(1)} s, snapshot every ${SNAPSHOT_EVERY.toLocaleString('en')}):`,
        formatTable(['position', 'after snapshot', 'ms'], rows),
        `median ${middle.toFixed(1)} ms, worst ${worst.toFixed(1)} ms: ${verdict}`,
      ].join('\n');
    } finally {
      session.close();
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
