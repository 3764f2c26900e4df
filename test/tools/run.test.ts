import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEJA, deja as runDeja, ROOT, type DejaResult } from '../support/deja-cli.js';
import { assemble } from '../../src/isa/asm.js';

const GUESTS = join(ROOT, 'test', 'guests', 'bin');

/** Run the real CLI (the compiled build that `npm test` makes first). */
function deja(...args: string[]): DejaResult {
  return runDeja(args, { encoding: 'utf8', timeoutMs: 60_000 });
}

describe('deja run', () => {
  it.each([
    ['hello.elf', 0, 'Hello, world!\n'],
    ['htif-pass.elf', 0, ''],
    ['htif-fail.elf', 3, ''],
    ['htif-console.elf', 0, 'Hello from the HTIF console!\n'],
  ])('%s exits with the guest status %i and prints its console', (image, status, stdout) => {
    const result = deja('run', '--kernel', join(GUESTS, image), '--bios', 'none');
    expect(result.stdout).toBe(stdout);
    expect(result.status).toBe(status);
    expect(result.stderr).toBe('');
  });

  it('--trace-insns after a trap shows the instruction that retired: the handler\'s first, not the ECALL that trapped', () => {
    const result = deja('run', '--kernel', join(GUESTS, 'htif-trap.elf'), '--trace-insns', '--max-insns', '25');
    expect(result.stderr.split('\n').slice(22, 25)).toEqual([
      '0 22 0x00000000800010dc 00890913 add s2,s2,8',
      '0 23 0x0000000080001144 342022f3 csrr t0,mcause',
      '0 24 0x0000000080001148 00928463 beq t0,s1,0x80001150',
    ]);
  });

  it('--trace-insns prints hart, icount, pc, bits and disassembly for each retired instruction', () => {
    const result = deja('run', '--kernel', join(GUESTS, 'hello.elf'), '--trace-insns', '--max-insns', '3');
    expect(result.status).toBe(124);
    expect(result.stderr.split('\n').slice(0, 4)).toEqual([
      '0 0 0x0000000000001000 00000297 auipc t0,0x0',
      '0 1 0x0000000000001004 02828613 add a2,t0,40',
      '0 2 0x0000000000001008 f1402573 csrr a0,mhartid',
      'deja: instruction limit reached (3)',
    ]);
  });

  it('--stats reports the exact instruction count', () => {
    const result = deja('run', '--kernel', join(GUESTS, 'hello.elf'), '--stats');
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/^instructions: 129$/m);
  });

  const scratch = mkdtempSync(join(tmpdir(), 'deja-cli-'));

  const echo = join(scratch, 'echo.bin');
  writeFileSync(echo, assemble(`
      li t0, 0x10000000
    1: lbu t1, 5(t0)         # LSR
      andi t1, t1, 1         # data ready?
      beqz t1, 1b
      lbu t2, 0(t0)          # RBR
      sb t2, 0(t0)           # echo to THR
      li t3, '\\n'
      bne t2, t3, 1b
      li t0, 0x100000
      li t1, 0x5555
      sw t1, 0(t0)
    2: j 2b
  `, { origin: 0x80000000n }).bytes);

  it('--input FILE feeds the UART; the guest echoes it', () => {
    const input = join(scratch, 'input.txt');
    writeFileSync(input, 'typed line\nnot read\n');
    const result = deja('run', '--kernel', echo, '--input', input);
    expect(result.stdout).toBe('typed line\n');
    expect(result.status).toBe(0);
  });

  it('--input - reads standard input', () => {
    const result = spawnSync(process.execPath, [DEJA, 'run', '--kernel', echo, '--input', '-'], { input: 'from a pipe\n', encoding: 'utf8' });
    expect(result.stdout).toBe('from a pipe\n');
    expect(result.status).toBe(0);
  });

  it('on a terminal, echoes typed keys to the guest and quits on Ctrl-A x', async () => {
    // util-linux `script` gives deja a pseudo-terminal as standard input.
    const child = spawn('script', ['-qec', `${process.execPath} ${DEJA} run --kernel ${echo}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('latin1'); });
    const waitFor = async (text: string): Promise<void> => {
      for (let i = 0; i < 200 && !output.includes(text); i++) await new Promise((r) => setTimeout(r, 50));
    };
    await new Promise((r) => setTimeout(r, 1000));
    child.stdin.write('typed');
    await waitFor('typed');
    child.stdin.write('\x01x');
    const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(output).toContain('typed');
    expect(output).toContain('deja: terminated (Ctrl-A x)');
    expect(status).toBe(0);
  });

  it('ends quietly with status 0 when its reader goes away (deja run | head)', async () => {
    const forever = join(scratch, 'forever.bin');
    writeFileSync(forever, assemble(`
      li t0, 0x10000000
      li t1, 'x'
    1: sb t1, 0(t0)
      j 1b
    `, { origin: 0x80000000n }).bytes);
    const child = spawn(process.execPath, [DEJA, 'run', '--kernel', forever], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.stdout.once('data', () => child.stdout.destroy());
    const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });
  const elf32 = join(scratch, 'elf32.bin');
  writeFileSync(elf32, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0, ...new Array(56).fill(0)]));
  const empty = join(scratch, 'empty.bin');
  writeFileSync(empty, Buffer.alloc(0));

  it.each([
    [['run', '--kernel', join(scratch, 'missing.elf')], /^deja: --kernel .*missing\.elf: cannot read: no such file\n$/],
    [['run', '--kernel', scratch], /^deja: --kernel .*: cannot read: is a directory\n$/],
    [['run', '--kernel', elf32], /^deja: .*elf32\.bin: ELF32 file, expected ELF64 \(RV64\) \(at byte 4\)\n$/],
    [['run', '--kernel', empty], /^deja: .*empty\.bin: the file is empty\n$/],
    [['run', '--kernel', '/bin/ls'], /^deja: \/bin\/ls: .*\n$/],
    [['run', '--kernel', join(GUESTS, 'hello.elf'), '-m', 'lots'], /^deja: --memory: 'lots' is not a size/],
    [['run', '--kernel', join(GUESTS, 'hello.elf'), '-m', '16G'], /^deja: --memory: 16384 MiB is outside 1 MiB\.\.4 GiB\n$/],
    [['run', '--kernel', join(GUESTS, 'hello.elf'), '--bios', 'opensbi.bin'], /^deja: --bios opensbi\.bin: cannot read: no such file\n$/],
    [['run', '--bios', join(GUESTS, 'htif-pass.elf'), '--kernel', join(GUESTS, 'hello.elf')], /^deja: .*hello\.elf: 0x80000000-0x[0-9a-f]+ overlaps .*htif-pass\.elf at 0x80000000-0x[0-9a-f]+\n$/],
    [['run'], /^deja: give --kernel FILE, or --bios FILE\n$/],
    [['run', '--kernel', join(GUESTS, 'hello.elf'), '--frobnicate'], /^deja: Unknown argument: frobnicate\n$/],
    [['frob'], /^deja: Unknown argument: frob\n$/],
  ])('bad input %j gets one line and exit status 2', (args, message) => {
    const result = deja(...args);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.status).toBe(2);
  });
});
