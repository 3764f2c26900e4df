/**
 * `deja diff --locate` benchmark: how long locating a divergence 10^8
 * instructions into a run takes, against the time `deja replay` needs to
 * replay that prefix (target: at most twice as long).
 *
 * The guest is Debian's OpenSBI + U-Boot with no console input (U-Boot's
 * autoboot countdown keeps it busy well past 10^8 instructions), recorded
 * twice with digests and snapshots every 10^7 instructions: once on the
 * interpreter, once on the translator with the test-only perturbation at
 * icount 10^8 (`DEJA_TEST_PERTURB`, see src/exec/perturb.ts).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess, type ProcessRun } from '../guests/host-tools.js';
import { DEJA_CLI } from './dejavm.js';
import { formatTable } from './stats.js';

const FW_JUMP = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin';
const UBOOT = '/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin';
/** Where the perturbation starts: the divergence to locate. */
const DIVERGENCE = 100_000_000;
/** How far both runs are recorded. */
const RECORDED = 120_000_000;
/** Digest and snapshot interval of the recordings. */
const INTERVAL = 10_000_000;
/** The locate/replay time ratio aimed at. */
const TARGET_RATIO = 2;
const TIMEOUT_MS = 900_000;

/** Runs the built `deja` with `args`, with `perturb` as DEJA_TEST_PERTURB when given. */
async function deja(args: string[], perturb?: string, inputPath?: string): Promise<ProcessRun> {
  const previous = process.env.DEJA_TEST_PERTURB;
  if (perturb === undefined) delete process.env.DEJA_TEST_PERTURB;
  else process.env.DEJA_TEST_PERTURB = perturb;
  try {
    return await runProcess(process.execPath, [DEJA_CLI, ...args], TIMEOUT_MS, inputPath);
  } finally {
    if (previous === undefined) delete process.env.DEJA_TEST_PERTURB;
    else process.env.DEJA_TEST_PERTURB = previous;
  }
}

/** Records both runs, times `deja replay --to 10^8` and `deja diff --locate`; returns the report (PROBLEM when off target). */
export async function runLocateBenchmark(print: (text: string) => void): Promise<string> {
  if (!existsSync(FW_JUMP) || !existsSync(UBOOT)) return 'locate benchmark: skipped (opensbi and u-boot-qemu are not installed)';
  const dir = mkdtempSync(join(tmpdir(), 'deja-bench-locate-'));
  try {
    const empty = join(dir, 'empty-input');
    writeFileSync(empty, '');
    const flags = ['--bios', FW_JUMP, '--kernel', UBOOT, '--input', empty, '--max-insns', String(RECORDED),
      '--digest-every', String(INTERVAL), '--snapshot-every', String(INTERVAL)];
    const interp = join(dir, 'interp.deja');
    const perturbed = join(dir, 'perturbed.deja');
    const perturbation = `dbt:${DIVERGENCE}`;
    print(`locate benchmark: recording OpenSBI + U-Boot to ${RECORDED} instructions twice (interp; dbt perturbed at ${DIVERGENCE})`);
    await deja(['record', '-o', interp, ...flags]);
    await deja(['record', '-o', perturbed, '--backend', 'dbt', ...flags], perturbation);
    const replay = await deja(['replay', interp, '--to', String(DIVERGENCE)]);
    const located = await deja(['diff', '--locate', interp, perturbed], perturbation);
    const found = /first state difference after the instruction at icount (\d+)/.exec(located.stdout);
    const ratio = located.wallMs / replay.wallMs;
    const problems: string[] = [];
    if (found === null || Number(found[1]) < DIVERGENCE) problems.push(`PROBLEM: --locate did not name an instruction at or after ${DIVERGENCE}: ${located.stdout.split('\n')[0]} ${located.stderr.trim()}`);
    if (ratio > TARGET_RATIO) problems.push(`PROBLEM: locate takes ${ratio.toFixed(2)}x the replay of the prefix (target <= ${TARGET_RATIO})`);
    const table = formatTable(['measure', 'wall s', 'vs replay'], [
      [`deja replay --to ${DIVERGENCE}`, (replay.wallMs / 1000).toFixed(2), '1.00'],
      ['deja diff --locate', (located.wallMs / 1000).toFixed(2), ratio.toFixed(2)],
    ]);
    return [`locate benchmark (divergence at icount ${DIVERGENCE}; found at ${found?.[1] ?? 'none'}; target <= ${TARGET_RATIO}x):`, table, ...problems].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
