/**
 * Host programs the guest tests and benchmarks drive: finding them, and
 * running a guest image on QEMU with its console captured and the wall time
 * measured. When a tool is missing, tests skip on a laptop but fail in CI
 * (`process.env.CI` set), as the project's CI rule requires.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { GuestBoard } from './guests.js';

/** The QEMU binary of the reference runs. */
export const QEMU = 'qemu-system-riscv64';

/** The cross compiler `scripts/build-guests.sh` uses. */
export const GUEST_CC = 'riscv64-unknown-elf-gcc';

/** `true` when `command --version` runs. */
export function hostToolAvailable(command: string): boolean {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Whether tests needing `command` run: when it is there, and in CI always (so they fail there). */
export function shouldRunWith(command: string): boolean {
  return hostToolAvailable(command) || process.env.CI !== undefined;
}

/** The one-line skip reason to append to a suite title ('' when `command` is there). */
export function skipNote(command: string, debianPackage: string): string {
  return hostToolAvailable(command) ? '' : ` (skipped: needs ${command}, apt-get install ${debianPackage})`;
}

/** How one emulator process ended. */
export interface ProcessRun {
  /** Everything written to stdout (the guest console). */
  stdout: string;
  stderr: string;
  /** Process exit status, or `null` if it was killed. */
  exitCode: number | null;
  /** Wall time from spawn to exit, in milliseconds. */
  wallMs: number;
}

/** The QEMU command line that boots `elfPath` bare (no firmware) on `board`. */
export function qemuArgs(elfPath: string, board: GuestBoard): string[] {
  return ['-M', board, '-bios', 'none', '-kernel', elfPath, '-nographic', '-monitor', 'none', '-serial', 'stdio'];
}

/**
 * Runs `command args`, capturing its output; kills it after `timeoutMs`.
 * Standard input is `inputPath` when given, else nothing.
 */
export function runProcess(command: string, args: readonly string[], timeoutMs: number, inputPath?: string): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const input = inputPath === undefined ? 'ignore' : openSync(inputPath, 'r');
    const started = performance.now();
    const child = spawn(command, args, { stdio: [input, 'pipe', 'pipe'], timeout: timeoutMs });
    if (typeof input === 'number') closeSync(input);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      resolve({
        stdout: Buffer.concat(stdout).toString('latin1'),
        stderr: Buffer.concat(stderr).toString('latin1'),
        exitCode,
        wallMs: performance.now() - started,
      });
    });
  });
}

/** Boots `elfPath` on QEMU's `board` and waits for the guest to power off. */
export function runOnQemu(elfPath: string, board: GuestBoard, timeoutMs = 60_000): Promise<ProcessRun> {
  return runProcess(QEMU, qemuArgs(elfPath, board), timeoutMs);
}
