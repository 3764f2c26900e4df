import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../src/analysis/event-text.js';
import { EventKind, type TraceEvent } from '../../src/trace/events.js';
import { FORMAT_VERSION } from '../../src/trace/format.js';
import { TraceReader } from '../../src/trace/reader.js';
import { TraceWriter } from '../../src/trace/writer.js';
import { guestImage } from '../guests/guests.js';
import { deja, ROOT } from '../support/deja-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'deja-replay-errors-'));
const kernel = relative(ROOT, guestImage('demo'));
const original = join(scratch, 'demo.deja');

function recordDemo(): void {
  const result = deja(['record', '-o', original, '--force', '--kernel', kernel, '--digest-every', '1000']);
  expect(result.status).toBe(0);
}

/** Copy `source` to `target` event by event, changing the events `change` returns a replacement for. */
function rewrite(source: string, target: string, change: (event: TraceEvent, index: number) => TraceEvent | undefined): void {
  const reader = TraceReader.open(source);
  const writer = TraceWriter.create(target, reader.header, { force: true });
  let index = 0;
  for (const event of reader.events()) {
    const written = change(event, index++) ?? event;
    if (written.kind === EventKind.END) writer.close(written);
    else writer.append(written);
  }
  reader.close();
}

describe('replay reports the first divergence', () => {
  it('names exactly the I/O event whose value was changed, its icount and the register it reached', () => {
    recordDemo();
    const changed = join(scratch, 'changed.deja');
    let target: TraceEvent | undefined;
    let reads = 0;
    rewrite(original, changed, (event) => {
      if (event.kind !== EventKind.MMIO_READ || reads++ !== 100) return undefined;
      target = { ...event, value: event.value ^ 0x40n };
      return target;
    });
    const result = deja(['replay', changed]);
    expect(result.status).toBe(1);
    expect(target).toBeDefined();
    const lines = result.stderr.split('\n');
    expect(lines[0]).toMatch(/^deja replay: DIVERGED after \d+ matching events$/);
    expect(lines[1]).toMatch(new RegExp(`^divergence at hart 0, icount ${target!.icount}: pc 0x[0-9a-f]+ {2}\\S+`));
    expect(lines[2]).toBe(`  expected (recorded): ${describeEvent(target!, { devices: readDevices(original) })}`);
    expect(lines[3]).toMatch(new RegExp(`^  actual \\(replayed\\): {3}0:${target!.icount} +io +read  uart0\\+0x5 size 1 value 0x`));
    expect(result.stderr).toMatch(/^registers and CSRs that differ after the divergent instruction:\n {8}\S+: expected 0x[0-9a-f]{16}, actual 0x[0-9a-f]{16}$/m);
    expect(result.stderr).toMatch(/^last 16 control-flow transfers before it \(icount: from -> to\):$/m);
    expect(result.stderr).toMatch(/^(last digest that still matched: icount \d+|no digest matched before it .*)$/m);
  });

  it('a trace cut inside a chunk replays to its last complete chunk and says so', () => {
    recordDemo();
    const small = join(scratch, 'small-chunks.deja');
    const reader = TraceReader.open(original);
    const writer = TraceWriter.create(small, reader.header, { force: true, chunkEvents: 50 });
    for (const event of reader.events()) {
      if (event.kind === EventKind.END) writer.close(event);
      else writer.append(event);
    }
    reader.close();
    const bytes = readFileSync(small);
    const cutReader = TraceReader.open(small);
    const chunks = cutReader.chunks;
    const cutAt = chunks[4]!.offset + 30;
    const lastEvent = cutReader.readChunk(3).at(-1)!;
    cutReader.close();
    const cut = join(scratch, 'cut.deja');
    writeFileSync(cut, bytes.subarray(0, cutAt));
    const result = deja(['replay', cut]);
    expect(result.stderr).toContain(`the trace has no end (still being written, or cut): replayed to icount ${lastEvent.icount}, the last complete chunk (4 chunks, up to file offset ${chunks[4]!.offset})`);
    expect(result.status).toBe(0);
  });
});

function readDevices(path: string): string[] {
  const reader = TraceReader.open(path);
  const names = reader.header.devices.map((device) => device.name);
  reader.close();
  return names;
}

describe('replay refuses bad input with one line and exit status 2', () => {
  it.each([
    ['a different kernel image', () => ['--kernel', relative(ROOT, guestImage('hello'))], /^deja: test\/guests\/bin\/hello\.elf: kernel image differs from the one recorded: SHA-256 [0-9a-f]{16}\.\.\. instead of [0-9a-f]{16}\.\.\.$/],
    ['an icount past the end', () => ['--at', '999999', '--print-state'], /^deja: --at 999999 is past the end of the recording \(icount 4677\)$/],
    ['--to before --from', () => ['--from', '300', '--to', '200'], /^deja: --to 200 is before --from 300$/],
    ['--at without --print-state', () => ['--at', '3'], /^deja: --at N and --print-state go together$/],
    ['an unknown backend', () => ['--backend', 'jit'], /^deja: --backend: 'jit' is not /],
  ])('%s', (_, extra, message) => {
    recordDemo();
    const result = deja(['replay', original, ...extra()]);
    expect(result.stderr.trim()).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.status).toBe(2);
  });

  it.each([
    ['RAM it cannot build', { memoryMib: 1 << 20 }, /^deja: the trace's machine has 1048576 MiB of RAM; dejavm builds 1\.\.4096$/],
    ['no harts', { harts: 0 }, /^deja: the trace's machine has 0 harts; dejavm builds 1\.\.512$/],
    ['an unknown backend', { backend: 'jit' }, /^deja: the trace was recorded on backend 'jit', which this dejavm does not have \(.*\); choose one with --backend$/],
  ])('a header describing a machine with %s', (_, machine, message) => {
    recordDemo();
    const reader = TraceReader.open(original);
    const odd = join(scratch, 'odd-machine.deja');
    const writer = TraceWriter.create(odd, { ...reader.header, machine: { ...reader.header.machine, ...machine } }, { force: true });
    for (const event of reader.events()) {
      if (event.kind === EventKind.END) writer.close(event);
      else writer.append(event);
    }
    reader.close();
    const result = deja(['replay', odd]);
    expect(result.stderr.trim()).toMatch(message);
    expect(result.status).toBe(2);
  });

  it('a missing image, a newer format version, a corrupted chunk and a file that is not a trace', () => {
    recordDemo();
    const newer = join(scratch, 'newer.deja');
    const bytes = Buffer.from(readFileSync(original));
    bytes.writeUInt32LE(FORMAT_VERSION + 1, 8);
    writeFileSync(newer, bytes);
    const corrupt = join(scratch, 'corrupt.deja');
    const reader = TraceReader.open(original);
    const chunkPayload = reader.chunks[0]!.offset + 40;
    reader.close();
    const damaged = Buffer.from(readFileSync(original));
    damaged[chunkPayload]! ^= 0xff;
    writeFileSync(corrupt, damaged);
    const notTrace = join(scratch, 'not-a-trace.deja');
    copyFileSync(guestImage('hello'), notTrace);
    const cases: Array<[string[], RegExp]> = [
      [['replay', original, '--kernel', 'no/such/kernel.elf'], /^deja: no\/such\/kernel\.elf: cannot read the kernel image the trace was recorded with \(ENOENT\); give its path with --kernel$/],
      [['replay', newer], new RegExp(`^deja: trace format version ${FORMAT_VERSION + 1} is newer than this dejavm reads \\(${FORMAT_VERSION}\\)`)],
      [['replay', corrupt], /^deja: chunk checksum mismatch \(at byte offset \d+\)$/],
      [['replay', notTrace], /^deja: .*not a dejavm trace/],
      [['replay', join(scratch, 'absent.deja')], /^deja: cannot open trace file .*absent\.deja: ENOENT$/],
    ];
    for (const [args, message] of cases) {
      const result = deja(args);
      expect(result.stderr.trim()).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.status).toBe(2);
    }
  });
});
