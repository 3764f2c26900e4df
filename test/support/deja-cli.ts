/**
 * Running the built `deja` CLI from tests, as users do (the built code
 * inlines the interpreter's const enums, so whole guests run at full speed).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Repository root. */
export const ROOT = join(import.meta.dirname, '..', '..');
/** The CLI entry point (`bin/deja.js`, which runs the build in `dist/`). */
export const DEJA = join(ROOT, 'bin', 'deja.js');

/** What a `deja` process printed and how it exited. */
export interface DejaResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** How `deja` runs: its standard input, a time limit, and how its output is decoded (default latin1, byte for byte). */
export interface DejaOptions {
  readonly input?: string;
  readonly timeoutMs?: number;
  readonly encoding?: 'latin1' | 'utf8';
}

/** Run `deja args...` from the repository root (trace headers then name images relative to it). */
export function deja(args: readonly string[], options: DejaOptions = {}): DejaResult {
  const result = spawnSync(process.execPath, [DEJA, ...args], {
    cwd: ROOT, encoding: options.encoding ?? 'latin1', timeout: options.timeoutMs ?? 120_000, input: options.input, maxBuffer: 64 << 20,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The one-line verdict `deja replay` prints for an equivalent replay, parsed. */
export function equivalence(stderr: string): { events: number; instructions: string; digest: string } | undefined {
  const match = /^deja replay: equivalent: (\d+) events checked, ([\d+]+) instructions, final digest ([0-9a-f]{64});/m.exec(stderr);
  return match === null ? undefined : { events: Number(match[1]), instructions: match[2]!, digest: match[3]! };
}
