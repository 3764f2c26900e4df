/**
 * Drives the real debugger against the built CLI: starts `deja ... --gdb
 * 127.0.0.1:0`, reads the port it bound from its stderr, and runs
 * gdb-multiarch in batch mode with a list of commands.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../guests/guests.js';
import { runProcess, type ProcessRun } from '../guests/host-tools.js';

/** The debugger the tests drive (Debian package gdb-multiarch). */
export const GDB = 'gdb-multiarch';

const DEJA = join(REPO_ROOT, 'bin', 'deja.js');

/** A `deja` process serving the GDB protocol. */
export interface DejaServer {
  /** `127.0.0.1:PORT`. */
  readonly address: string;
  readonly process: ChildProcess;
  /** Its stderr so far. */
  stderr(): string;
  /** Its stdout (the guest console) so far. */
  stdout(): string;
  /** Resolves with the exit status when the process ends. */
  readonly exited: Promise<number | null>;
}

/** Start `deja ARGS --gdb 127.0.0.1:0` and wait until it listens. */
export function startDejaServer(args: readonly string[], timeoutMs = 30_000): Promise<DejaServer> {
  const child = spawn(process.execPath, [DEJA, ...args, '--gdb', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (data: Buffer) => { stdout += data.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`deja did not start listening within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.stderr.on('data', (data: Buffer) => {
      stderr += data.toString();
      const match = /listening on (127\.0\.0\.1:\d+)/.exec(stderr);
      if (match !== null) {
        clearTimeout(timer);
        resolve({ address: match[1]!, process: child, stderr: () => stderr, stdout: () => stdout, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`deja exited with ${code} before listening: ${stderr}`));
    });
  });
}

/** Run gdb-multiarch in batch mode on `elf`, connected to `address`, with `commands` in order. */
export function runGdb(address: string, elf: string, commands: readonly string[], timeoutMs = 60_000): Promise<ProcessRun> {
  const args = ['-batch', '-nx', '-ex', 'set architecture riscv:rv64', '-ex', 'set confirm off', '-ex', `target remote ${address}`];
  for (const command of commands) args.push('-ex', command);
  return runProcess(GDB, [...args, elf], timeoutMs);
}

/** The value gdb printed for `$N = value` lines, in order, as text. */
export function printedValues(output: string): string[] {
  return [...output.matchAll(/^\$\d+ = (.*)$/gm)].map((match) => match[1]!);
}
