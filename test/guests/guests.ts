/**
 * The project's guest images and what a correct machine makes of them: where
 * each committed image lives, the QEMU board it targets, its expected console
 * output and exit status. Shared by the guest tests and the benchmarks.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Directory holding the committed prebuilt images (`*.elf`). */
export const GUEST_BIN_DIR = join(dirname(fileURLToPath(import.meta.url)), 'bin');

/** Repository root (where `scripts/` and `bin/` are). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Absolute path of the committed image `name.elf`. */
export function guestImage(name: string): string {
  return join(GUEST_BIN_DIR, `${name}.elf`);
}

/**
 * Which QEMU board runs a guest: `virt` (UART + test finisher) or `spike`
 * (the only QEMU 7.2 board with an HTIF, found through the ELF's `tohost`).
 */
export type GuestBoard = 'virt' | 'spike';

/** A guest and the behaviour every correct RV64GC machine must show. */
export interface GuestExpectation {
  /** Image name, without `.elf`. */
  name: string;
  board: GuestBoard;
  /** Exact console output (UART or HTIF console). */
  output: string;
  /** Exit status of the emulator process. */
  exitCode: number;
}

/**
 * The bench guest's output: one digest per workload, then their checksum.
 * The run retires 378,589,438 instructions from `_start` to `power_off`
 * (measured on QEMU with `-icount shift=0`, see test/bench/qemu-icount.ts).
 */
export const BENCH_OUTPUT = [
  'dejavm bench',
  'integer   e5971394f1a0b72e',
  'memory    76d44986da960f6d',
  'hash      9480f9d6a7c1b5eb',
  'sort      666c398d7ffd41f7',
  'recursion 4d4ac321e6376e74',
  'muldiv    06147484dc6bef92',
  'nbody     1bee515c74096a8c',
  'matmul    ac8c2aa8b4d579b7',
  'checksum  c6c9f0e98a172b55',
  '',
].join('\n');

/** The demo guest's output (`deja demo` records it). */
export const DEMO_OUTPUT = [
  'dejavm demo: a guest that prints, traps and takes interrupts',
  '  ecall from U-mode, a0 = 1',
  '  ecall from U-mode, a0 = 2',
  '  ecall from U-mode, a0 = 3',
  '  timer interrupts: ........',
  '  the RTC advances',
  '  powering off',
  '',
].join('\n');

/** Every committed guest with its expected behaviour. */
export const GUESTS: readonly GuestExpectation[] = [
  { name: 'hello', board: 'virt', output: 'Hello, world!\n', exitCode: 0 },
  { name: 'demo', board: 'virt', output: DEMO_OUTPUT, exitCode: 0 },
  { name: 'bench', board: 'virt', output: BENCH_OUTPUT, exitCode: 0 },
  { name: 'htif-pass', board: 'spike', output: '', exitCode: 0 },
  { name: 'htif-fail', board: 'spike', output: '', exitCode: 3 },
  { name: 'htif-console', board: 'spike', output: 'Hello from the HTIF console!\n', exitCode: 0 },
  { name: 'htif-muldiv', board: 'spike', output: '', exitCode: 0 },
  { name: 'htif-amo', board: 'spike', output: '', exitCode: 0 },
  { name: 'htif-fpu', board: 'spike', output: '', exitCode: 0 },
  { name: 'htif-rvc', board: 'spike', output: '', exitCode: 0 },
  { name: 'htif-trap', board: 'spike', output: '', exitCode: 0 },
];
