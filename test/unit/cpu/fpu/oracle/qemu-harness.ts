/**
 * Builds the bare-metal RISC-V oracle (riscv-oracle.c) and runs it on
 * qemu-system-riscv64, so the FPU tests can compare with QEMU's softfloat.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(new URL('./riscv-oracle.c', import.meta.url));
const LINKER_SCRIPT = fileURLToPath(new URL('./riscv-oracle.ld', import.meta.url));
const CROSS_CC = 'riscv64-unknown-elf-gcc';
const QEMU = 'qemu-system-riscv64';
/** Where the program expects its cases (see riscv-oracle.c). */
const CASES_ADDR = 0x80200000;
const RECORD_BYTES = 32;

/** One instruction for QEMU: op name, rounding mode 0..4, raw 64-bit operand registers. */
export interface QemuQuery {
  readonly op: string;
  readonly rm: number;
  readonly a: bigint;
  readonly b: bigint;
  readonly c: bigint;
}

/** What the emulated hart produced: the whole destination register and fflags. */
export interface QemuAnswer {
  readonly register: bigint;
  readonly flags: number;
}

/** Why the QEMU oracle cannot run here, or null when it can. */
export function qemuOracleUnavailableReason(): string | null {
  for (const [tool, pkg] of [[CROSS_CC, 'gcc-riscv64-unknown-elf'], [QEMU, 'qemu-system-misc']]) {
    const probe = spawnSync(tool, ['--version'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) return `${tool} is not installed (apt-get install ${pkg})`;
  }
  return null;
}

/** A built oracle: its temporary directory, ELF image and op numbering. */
export interface QemuOracle {
  readonly dir: string;
  readonly elf: string;
  /** Op names in the program's numbering (read from its first output line). */
  readonly ops: readonly string[];
}

/** Compiles the oracle program into a fresh temporary directory and reads its op numbering. */
export function buildQemuOracle(): QemuOracle {
  const dir = mkdtempSync(join(tmpdir(), 'dejavm-fpu-qemu-'));
  const elf = join(dir, 'riscv-oracle.elf');
  const cc = spawnSync(CROSS_CC, [
    '-march=rv64gc', '-mabi=lp64d', '-mcmodel=medany', '-O1', '-ffreestanding', '-nostdlib',
    '-Wl,--no-warn-rwx-segments', '-T', LINKER_SCRIPT, '-o', elf, SOURCE,
  ], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`compiling the QEMU FPU oracle failed:\n${cc.stderr}`);
  const [header] = boot({ dir, elf, ops: [] }, Buffer.alloc(8));
  return { dir, elf, ops: header.split(' ').slice(1) };
}

/** Boots the oracle with `cases` loaded; returns its output lines (header, answers) after checking it finished. */
function boot(oracle: QemuOracle, cases: Buffer): string[] {
  const file = join(oracle.dir, 'cases.bin');
  writeFileSync(file, cases);
  const run = spawnSync(QEMU, [
    '-M', 'virt', '-bios', 'none', '-kernel', oracle.elf, '-nographic', '-monitor', 'none',
    '-semihosting-config', 'enable=on,target=native',
    '-device', `loader,file=${file},addr=0x${CASES_ADDR.toString(16)},force-raw=on`,
  ], { encoding: 'latin1', maxBuffer: 1 << 30, timeout: 120_000 });
  // Semihosting console output (SYS_WRITE0) goes to QEMU's stderr.
  const lines = run.stderr.trimEnd().split('\n');
  if (run.status !== 0 || lines.pop() !== 'done' || !lines[0]?.startsWith('ops ')) {
    throw new Error(`the QEMU FPU oracle failed (status ${run.status}):\n${run.stderr.slice(-500)}${run.stdout}`);
  }
  return lines;
}

/** Runs every query on QEMU in one boot and returns the answers in order. */
export function askQemu(oracle: QemuOracle, queries: readonly QemuQuery[]): QemuAnswer[] {
  const data = Buffer.alloc(8 + queries.length * RECORD_BYTES);
  data.writeBigUInt64LE(BigInt(queries.length), 0);
  queries.forEach((q, i) => {
    const at = 8 + i * RECORD_BYTES;
    const op = oracle.ops.indexOf(q.op);
    if (op < 0) throw new Error(`the QEMU oracle has no op ${q.op}`);
    data.writeUInt32LE(op, at);
    data.writeUInt32LE(q.rm, at + 4);
    data.writeBigUInt64LE(BigInt.asUintN(64, q.a), at + 8);
    data.writeBigUInt64LE(BigInt.asUintN(64, q.b), at + 16);
    data.writeBigUInt64LE(BigInt.asUintN(64, q.c), at + 24);
  });
  const answers = boot(oracle, data).slice(1);
  if (answers.length !== queries.length) {
    throw new Error(`the QEMU FPU oracle answered ${answers.length} of ${queries.length} queries`);
  }
  return answers.map((line) => {
    const [register, flags] = line.split(' ');
    return { register: BigInt(`0x${register}`), flags: parseInt(flags, 16) };
  });
}
