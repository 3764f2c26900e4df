import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEJA, deja as runDeja, ROOT, type DejaResult } from '../support/deja-cli.js';
import { EventKind } from '../../src/trace/events.js';
import { TraceReader } from '../../src/trace/reader.js';

const GUESTS = join(ROOT, 'test', 'guests', 'bin');

/** Run the real CLI (the compiled build that `npm test` makes first). */
function deja(...args: string[]): DejaResult {
  return runDeja(args, { encoding: 'utf8', timeoutMs: 60_000 });
}

describe('deja record and deja dump', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'deja-record-'));
  const trace = join(scratch, 'trap.deja');

  it('record runs the guest like run (console, exit status) and writes its trace', () => {
    const result = deja('record', '-o', trace, '--kernel', join(GUESTS, 'hello.elf'));
    expect(result.stdout).toBe('Hello, world!\n');
    expect(result.status).toBe(0);
    expect(readFileSync(trace).subarray(1, 5).toString()).toBe('DEJA');
  });

  it('refuses to overwrite a trace unless --force', () => {
    const again = deja('record', '-o', trace, '--kernel', join(GUESTS, 'hello.elf'));
    expect(again.stderr).toBe(`deja: trace file ${trace} already exists (use --force to overwrite)\n`);
    expect(again.status).toBe(2);
    expect(deja('record', '-o', trace, '--force', '--kernel', join(GUESTS, 'htif-trap.elf')).status).toBe(0);
  });

  it('dump names causes and devices and disassembles the instruction at each trap', () => {
    const lines = deja('dump', trace).stdout.trim().split('\n');
    expect(lines.filter((line) => line.includes(' trap '))).toEqual([
      '0:23           trap   environment call from M-mode (exception 11) M->M epc=0x800010e0 tval=0x0  ecall',
      '0:43           trap   breakpoint (exception 3) M->M epc=0x80001100 tval=0x0  ebreak',
      '0:63           trap   illegal instruction (exception 2) M->M epc=0x80001120 tval=0xc0001073  unimp',
    ]);
    expect(lines.at(-1)).toMatch(/^0:92 +end +pass, exit status 0, icounts \[92\], digest [0-9a-f]{64}$/);
  });

  it('dump --json --kind --from --to selects events', () => {
    const lines = deja('dump', trace, '--json', '--kind', 'trap', '--from', '40', '--to', '60').stdout.trim().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { kind: 'trap', hart: 0, icount: 43, interrupt: false, cause: 3, tval: '0x0', epc: '0x80001100', fromPriv: 3, toPriv: 3 },
    ]);
  });

  it('--digest-every records state digests at exact multiples', () => {
    const digests = join(scratch, 'digests.deja');
    expect(deja('record', '-o', digests, '--digest-every', '40', '--kernel', join(GUESTS, 'htif-trap.elf')).status).toBe(0);
    const lines = deja('dump', digests, '--kind', 'digest').stdout.trim().split('\n');
    expect(lines.map((line) => line.split(/\s+/)[0])).toEqual(['0:40', '0:80']);
  });

  it('--clock host: the guest sees real time and every clock reading is in the trace', () => {
    const hostTrace = join(scratch, 'host.deja');
    const result = deja('record', '-o', hostTrace, '--clock', 'host', '--kernel', join(GUESTS, 'demo.elf'));
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('  timer interrupts: ........\n');
    const reader = TraceReader.open(hostTrace);
    try {
      expect(reader.header.machine.clock).toBe('host');
      const ticks = [...reader.events()].filter((e) => e.kind === EventKind.CLOCK).map((e) => (e as { ticks: bigint }).ticks);
      expect(ticks.length).toBeGreaterThan(8);
      expect(ticks.every((t, i) => i === 0 || t >= ticks[i - 1]!)).toBe(true);
    } finally {
      reader.close();
    }
  });

  it('dump shows the complete chunks of a recording cut short, then says so with the offset and status 2', () => {
    const bytes = readFileSync(trace);
    const cut = join(scratch, 'cut.deja');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 30));
    const result = deja('dump', cut);
    expect(result.stdout.trim().split('\n').length).toBeGreaterThan(0);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^deja: .*cut\.deja: the recording ends without a footer; showed the \d+ complete chunks, up to byte \d+\n$/);
  });

  it.each([
    [['run', '--kernel', join(GUESTS, 'hello.elf'), '--clock', 'sundial'], /^deja: --clock: 'sundial' is not virtual or host\n$/],
    [['dump', '/etc/passwd'], /^deja: \/etc\/passwd is not a dejavm trace \(bad magic\) \(at byte offset 0\)\n$/],
    [['dump', join(scratch, 'missing.deja')], /^deja: .*missing\.deja.*\n$/],
    [['dump', '/tmp', '--kind', 'bogus'], /^deja: --kind: unknown kind 'bogus'/],
    [['record', '-o', '/nonexistent/dir/x.deja', '--kernel', join(GUESTS, 'hello.elf')], /^deja: cannot create trace file \/nonexistent\/dir\/x\.deja: ENOENT\n$/],
  ])('bad input %j: one line, exit status 2', (args, message) => {
    const result = deja(...args);
    expect(result.stderr).toMatch(message);
    expect(result.status).toBe(2);
  });
});

describe('deja dump into a closed pipe', () => {
  it('stops quietly when its reader goes away (| head), without a stack trace', () => {
    const result = spawnSync('sh', ['-c', `"${process.execPath}" "${DEJA}" dump "${join(ROOT, 'traces', 'u-boot.deja')}" | head -n 1`], { encoding: 'utf8', timeout: 60_000 });
    expect(result.stdout.split('\n')).toHaveLength(2);
    expect(result.stderr).toBe('');
  });
});

describe('deja demo', () => {
  it('records the demo guest, replays it, then summarises the trace: console, traps, device I/O, digest', () => {
    const result = deja('demo');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^trace: .* \(\d+ bytes, [\d.]+ bytes per event, 4 snapshots\)$/m);
    expect(result.stdout).toMatch(/^replay: equivalent \(\d+ events checked, 4677 instructions, \d+ ms\)$/m);
    expect(result.stdout).toContain('  timer interrupts: ........\n');
    expect(result.stdout).toMatch(/^instructions: \d+, ended: pass \(exit status 0\)$/m);
    expect(result.stdout).toMatch(/^ +8 {2}machine timer interrupt$/m);
    expect(result.stdout).toMatch(/^ +4 {2}environment call from U-mode$/m);
    expect(result.stdout).toMatch(/^ {2}uart0 +\d+ \/ \d+$/m);
    expect(result.stdout).toMatch(/^final state digest: [0-9a-f]{64}$/m);
    const path = /^see every event: deja dump (.*)$/m.exec(result.stdout)![1]!;
    expect(deja('dump', path, '--kind', 'trap').stdout.trim().split('\n')).toHaveLength(12);
    expect(deja('dump', path, '--kind', 'snapshot').stdout.trim().split('\n')).toEqual([
      '0:1000         snapshot #0', '0:2000         snapshot #1', '0:3000         snapshot #2', '0:4000         snapshot #3',
    ]);
  });
});
