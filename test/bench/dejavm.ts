/**
 * Runs a guest on dejavm through its CLI, as a user would:
 * `node bin/deja.js run --kernel <elf> --bios none --stats`, and reads the
 * retired instruction count from the `--stats` report on stderr.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../guests/guests.js';
import { runProcess, type ProcessRun } from '../guests/host-tools.js';
import { parseInstructionCount } from './stats.js';

/** The CLI entry point the benchmark drives. */
export const DEJA_CLI = join(REPO_ROOT, 'bin', 'deja.js');

/** One dejavm run: the process outcome plus the instruction count it reported. */
export interface DejavmRun extends ProcessRun {
  /** Retired instructions from `--stats`, or `undefined` if it printed none. */
  instructions: number | undefined;
}

/**
 * Why dejavm cannot be benchmarked here, or `undefined` when it can: its CLI
 * must exist and run `probeElf` to a clean exit (status 0).
 */
export async function dejavmUnavailableReason(probeElf: string): Promise<string | undefined> {
  if (!existsSync(DEJA_CLI)) return `${DEJA_CLI} does not exist yet`;
  const probe = await runOnDejavm(probeElf, 60_000);
  if (probe.exitCode === 0) return undefined;
  const lines = probe.stderr.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const reason = lines.find((line) => /error|deja:/i.test(line)) ?? lines[0] ?? '';
  return `\`deja run\` on ${probeElf} exited with ${probe.exitCode}: ${reason}`;
}

/** Runs `elfPath` bare on dejavm's virt board and waits for the guest to power off. */
export async function runOnDejavm(elfPath: string, timeoutMs = 600_000): Promise<DejavmRun> {
  const run = await runProcess(
    process.execPath,
    [DEJA_CLI, 'run', '--kernel', elfPath, '--bios', 'none', '--stats'],
    timeoutMs,
  );
  return { ...run, instructions: parseInstructionCount(run.stderr) };
}
