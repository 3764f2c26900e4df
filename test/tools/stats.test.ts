import { describe, expect, it } from 'vitest';
import { STATS_SOURCES } from '../../src/analysis/stats-text.js';
import { badTraces, deja, DEMO_TRACE } from './analysis-support.js';

describe('deja stats', () => {
  const bad = badTraces();

  it('prints the demo run: instructions, traps, exits, interrupt latency, I/O, hot pcs named from the ELF, console, digests', () => {
    const result = deja('stats', DEMO_TRACE);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = result.stdout.split('\n');
    for (const expected of [
      `instructions: 4677  [${STATS_SOURCES.instructions}]`,
      '        8  machine timer interrupt (interrupt 7): M->M 8',
      '        4  environment call from U-mode (exception 8): U->M 4',
      '  by privilege transition:',
      `VM exits: 437, 10.7 instructions per exit  [${STATS_SOURCES.exits}]`,
      '  MTIP (7)     8 / 8 / 8, latency 0 / 0.0 / 0 over 8',
      '        8  0x80000098         wait_ticks+0x4',
      `console: 0 bytes in, 208 bytes out  [${STATS_SOURCES.console}]`,
      'ended: pass (exit status 0)',
    ]) expect(lines).toContain(expected);
  });

  it('--json gives the same figures with their sources', () => {
    const json = JSON.parse(deja('stats', DEMO_TRACE, '--json', '--top', '2').stdout) as Record<string, any>;
    expect(json.instructions).toEqual({ perHart: [4677], total: 4677, source: 'end event' });
    expect(json.hotPcs).toEqual([{ pc: '0x80000098', count: 8, symbol: 'wait_ticks+0x4' }, { pc: '0x80000058', count: 1, symbol: 'user_code+0x4' }]);
    expect(json.sources).toEqual(STATS_SOURCES);
  });

  it.each([
    { name: 'a corrupt chunk', file: () => bad.corrupt, message: (): string => `deja: chunk checksum mismatch (at byte offset ${bad.corruptOffset})\n` },
    { name: 'a file that is not a trace', file: () => bad.notATrace, message: (): string => `deja: ${bad.notATrace} is not a dejavm trace (bad magic) (at byte offset 0)\n` },
    { name: '--top that is not a count', file: () => DEMO_TRACE, args: ['--top', '-1'], message: (): string => "deja: --top: '-1' is not a count\n" },
  ])('refuses $name with one line and exit status 2', ({ file, args, message }) => {
    const result = deja('stats', file(), ...(args ?? []));
    expect(result.stderr).toBe(message());
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
  });

  it('a cut recording: counts its complete chunks, then says so and exits 2', () => {
    const result = deja('stats', bad.cut);
    expect(result.stdout).toContain('ended: no end event (the recording was cut)');
    expect(result.stdout).toContain('[the end event\'s icounts; without one (a cut recording), the last event of each hart: a lower bound]');
    expect(result.stderr).toMatch(/^deja: .*cut\.deja: the recording ends without a footer; counted the 2 complete chunks, up to byte \d+\n$/);
    expect(result.status).toBe(2);
  });
});
