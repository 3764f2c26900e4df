/**
 * Builds and runs the x86 hardware oracle (fpu-oracle.c) for the FPU tests.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(new URL('./fpu-oracle.c', import.meta.url));

/** One operation for the oracle: name, rounding mode 0..3 and up to three 64-bit operands. */
export interface OracleQuery {
  readonly op: string;
  readonly rm: number;
  readonly a: bigint;
  readonly b: bigint;
  readonly c: bigint;
}

/** The oracle's answer: result bits (or 64-bit integer) and RISC-V-ordered flags. */
export interface OracleAnswer {
  readonly bits: bigint;
  readonly flags: number;
}

/** Why the oracle cannot run here, or null when it can (gcc on an x86-64 host). */
export function oracleUnavailableReason(): string | null {
  if (process.arch !== 'x64') return `the oracle needs x86-64 SSE, host is ${process.arch}`;
  const probe = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return 'gcc is not installed';
  return null;
}

/** Compiles the oracle into a fresh temporary directory and returns the executable's path. */
export function buildOracle(): string {
  const exe = join(mkdtempSync(join(tmpdir(), 'dejavm-fpu-oracle-')), 'fpu-oracle');
  const cc = spawnSync('gcc', ['-O0', '-frounding-math', '-fno-fast-math', '-o', exe, SOURCE, '-lm'], {
    encoding: 'utf8',
  });
  if (cc.status !== 0) throw new Error(`compiling the FPU oracle failed:\n${cc.stderr}`);
  return exe;
}

/** Runs every query through the oracle in one process and returns the answers in order. */
export function askOracle(exe: string, queries: readonly OracleQuery[]): OracleAnswer[] {
  const hex = (v: bigint): string => BigInt.asUintN(64, v).toString(16);
  const input = queries.map((q) => `${q.op} ${q.rm} ${hex(q.a)} ${hex(q.b)} ${hex(q.c)}\n`).join('');
  const run = spawnSync(exe, { input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (run.status !== 0) throw new Error(`the FPU oracle failed:\n${run.stderr}`);
  const lines = run.stdout.trimEnd().split('\n');
  if (lines.length !== queries.length) {
    throw new Error(`the FPU oracle answered ${lines.length} of ${queries.length} queries`);
  }
  return lines.map((line) => {
    const [bits, flags] = line.split(' ');
    return { bits: BigInt(`0x${bits}`), flags: parseInt(flags, 16) };
  });
}
