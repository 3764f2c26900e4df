import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isPerturbable } from '../../src/exec/perturb.js';
import { toExecInsn } from '../../src/exec/interp/code-cache.js';
import { Vmm } from '../../src/vmm/vmm.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DEJA = join(ROOT, 'bin', 'deja.js');
const DEMO = join(ROOT, 'test', 'guests', 'bin', 'demo.elf');
const HELLO = join(ROOT, 'test', 'guests', 'bin', 'hello.elf');

function deja(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [DEJA, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The icount and pc of the first instruction at or after `from` that the perturbation hits, found on the interpreter. */
function perturbedInstruction(elf: string, from: number): { icount: number; pc: bigint } {
  const vmm = new Vmm({ kernel: { name: elf, bytes: new Uint8Array(readFileSync(elf)) }, console: () => undefined });
  let found: { icount: number; pc: bigint } | undefined;
  vmm.run(from + 10_000, (insn) => {
    if (found === undefined && insn.icount >= from && isPerturbable(toExecInsn(insn.raw))) found = { icount: insn.icount, pc: insn.pc };
  });
  return found!;
}

describe('deja diff', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'deja-tools-diff-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const interp = join(scratch, 'interp.deja');
  const dbt = join(scratch, 'dbt.deja');
  const perturbed = join(scratch, 'perturbed.deja');
  const PERTURB_AT = 3000;

  it('finds recordings of the same guest on the interpreter and the translator equivalent (exit 0)', () => {
    expect(deja(['record', '-o', interp, '--kernel', DEMO]).status).toBe(0);
    expect(deja(['record', '-o', dbt, '--backend', 'dbt', '--kernel', DEMO]).status).toBe(0);
    const result = deja(['diff', interp, dbt]);
    expect(result.stdout).toMatch(/^equivalent: \d+ events match \(io \d+, irq 16, trap 12, end 1\)\n/);
    expect(result.status).toBe(0);
  });

  it('shows the first divergence side by side with the events before it (exit 1)', () => {
    const env = { DEJA_TEST_PERTURB: `dbt:${PERTURB_AT}` };
    expect(deja(['record', '-o', perturbed, '--backend', 'dbt', '--kernel', DEMO], env).status).toBe(0);
    const result = deja(['diff', '--context', '2', interp, perturbed]);
    expect(result.status).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^divergent: first divergence/);
    const marked = lines.filter((line) => line.startsWith('! '));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toMatch(/^! 0:\d+ +io +read +rtc\+0x0 .*\| 0:\d+ +io +read +rtc\+0x0 /);
  });

  it('--locate names exactly the perturbed instruction, with the register it got wrong', () => {
    const expected = perturbedInstruction(DEMO, PERTURB_AT);
    const result = deja(['diff', '--locate', interp, perturbed], { DEJA_TEST_PERTURB: `dbt:${PERTURB_AT}` });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`first state difference after the instruction at icount ${expected.icount}:`);
    const pc = `pc 0x${expected.pc.toString(16)}`;
    expect(result.stdout).toMatch(new RegExp(`^A ${interp.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: icount ${expected.icount}  ${pc}  `, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^B .*: icount ${expected.icount}  ${pc}  `, 'm'));
    const registers = result.stdout.slice(result.stdout.indexOf('registers that differ:')).split('\n').slice(1).filter((line) => line !== '');
    expect(registers).toHaveLength(1);
    const [, , valueA, valueB] = /^ {2}(\S+) +A (0x[0-9a-f]+) +B (0x[0-9a-f]+)$/.exec(registers[0]!)!.slice(0);
    expect(BigInt(valueB!)).toBe(BigInt(valueA!) + 1n);
  });

  it('--locate on equivalent recordings finds no difference (exit 0)', () => {
    const result = deja(['diff', '--locate', interp, dbt]);
    expect(result.stdout).toContain('the event streams are equivalent');
    expect(result.status).toBe(0);
  });

  it.each([
    ['traces of different guests, naming the image', () => {
      const other = join(scratch, 'hello.deja');
      deja(['record', '-o', other, '--force', '--kernel', HELLO]);
      return [interp, other];
    }, /^deja: the traces are of different guests: the kernel images differ \(A: .*demo\.elf sha256 [0-9a-f]{16}\.\.\., B: .*hello\.elf sha256 [0-9a-f]{16}\.\.\.\); use --force to compare anyway\n$/],
    ['a trace cut short', () => {
      const cut = join(scratch, 'cut.deja');
      writeFileSync(cut, readFileSync(interp).subarray(0, statSync(interp).size - 40));
      return [interp, cut];
    }, /^deja: .*cut\.deja: the recording ends without a footer \(cut at byte \d+\); cannot tell where it stops\n$/],
    ['an unknown kind to ignore', () => [interp, dbt, '--ignore', 'bogus'], /^deja: --ignore: unknown kind 'bogus'/],
    ['a file that is not a trace', () => {
      const text = join(scratch, 'text.deja');
      writeFileSync(text, 'hello\n');
      return [interp, text];
    }, /^deja: .*text\.deja is not a dejavm trace \(bad magic\) \(at byte offset 0\)\n$/],
  ])('refuses %s (exit 2)', (_name, makeArgs, message) => {
    const result = deja(['diff', ...makeArgs()]);
    expect(result.stderr).toMatch(message);
    expect(result.status).toBe(2);
  });

  it('--force compares traces of different guests anyway', () => {
    const result = deja(['diff', '--force', interp, join(scratch, 'hello.deja')]);
    expect(result.status).toBe(1);
  });

  it('--ignore io leaves device accesses out of the comparison', () => {
    const result = deja(['diff', '--ignore', 'io', interp, dbt]);
    expect(result.stdout).toMatch(/^equivalent: \d+ events match \(irq 16, trap 12, end 1\)\ncompared: trap, irq, dma, input, clock, digest, end\n$/);
  });
});

describe('deja import qemu', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'deja-import-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const exec = (pc: number): string => `Trace 0: 0x7f0000001000 [0000000000000000/${pc.toString(16).padStart(16, '0')}/00209003/ff000201] `;

  it('turns a log into a trace of its pc stream and traps, hashing the images given', () => {
    const log = join(scratch, 'qemu.log');
    writeFileSync(log, [exec(0x80000000), exec(0x80000004),
      'riscv_cpu_do_interrupt: hart:0, async:0, cause:000000000000000b, epc:0x0000000080000004, tval:0x0000000000000000, desc=machine_ecall',
      exec(0x80000100), exec(0x80000104), ''].join('\n'));
    const trace = join(scratch, 'q.deja');
    const result = deja(['import', 'qemu', log, '-o', trace, '--kernel', DEMO]);
    expect(result.stdout).toBe(`${trace}: 5 events, 2 instructions\n`);
    expect(result.status).toBe(0);
    const dump = deja(['dump', trace]).stdout.split('\n');
    const patterns = [
      /^0:0 +exec +pc=0x80000000 {2}csrr t0,mhartid$/,
      /^0:1 +exec +pc=0x80000004 {2}bnez t0,0x800000f8$/,
      /^0:1 +trap +environment call from M-mode \(exception 11\) \?->\? epc=0x80000004 tval=0x0 {2}bnez t0,0x800000f8$/,
      /^0:1 +exec +pc=0x80000100 /,
      /^0:2 +end +log-end, exit status 0, icounts \[2\]/,
    ];
    patterns.forEach((pattern, index) => expect(dump[index]).toMatch(pattern));
  });

  it('refuses a log of another format, naming the line (exit 2)', () => {
    const log = join(scratch, 'other.log');
    writeFileSync(log, `${exec(0x80000000)}\nIN: \n0x80000000: auipc t0,0\n`);
    const result = deja(['import', 'qemu', log, '-o', join(scratch, 'other.deja')]);
    expect(result.stderr).toBe(`deja: ${log}: line 2: not a line of a QEMU -d int,exec,nochain log: IN: \n`);
    expect(result.status).toBe(2);
  });
});
