import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diffTraces, imageMismatch, type DiffOptions } from '../../../src/analysis/diff.js';
import { diffReport } from '../../../src/analysis/diff-report.js';
import { EventKind, PRIV_UNKNOWN, type EndEvent, type TraceEvent } from '../../../src/trace/events.js';
import { TraceReader } from '../../../src/trace/reader.js';
import type { TraceHeader } from '../../../src/trace/schema.js';
import { TraceWriter } from '../../../src/trace/writer.js';

const scratch = mkdtempSync(join(tmpdir(), 'deja-diff-unit-'));
let traceNumber = 0;
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function header(backend = 'interp', kernelHash = 0, digestInterval = 0): TraceHeader {
  return {
    toolVersion: 'test', machine: { memoryMib: 128, harts: 1, bios: 'none', kernel: 'guest.elf', initrd: '', append: '', backend, clock: 'virtual' },
    images: [{ role: 'kernel', name: 'guest.elf', sha256: new Uint8Array(32).fill(kernelHash) }], argv: [], startTime: '', digestInterval,
    sliceInstructions: 0, snapshotInterval: 0, devices: [{ name: 'uart0', base: 0x1000_0000n, size: 0x100n }],
  };
}

const trap = (icount: number, epc: number, cause = 8, priv = 3): TraceEvent =>
  ({ kind: EventKind.TRAP, hart: 0, icount, interrupt: false, cause, tval: 0n, epc: BigInt(epc), fromPriv: priv === PRIV_UNKNOWN ? priv : 0, toPriv: priv });
const write = (icount: number, value: number): TraceEvent =>
  ({ kind: EventKind.MMIO_WRITE, hart: 0, icount, device: 0, offset: 0, size: 1, value: BigInt(value) });
const exec = (icount: number, pc: number): TraceEvent => ({ kind: EventKind.EXEC, hart: 0, icount, pc: BigInt(pc) });
const end = (icount: number, reason = 'pass'): EndEvent =>
  ({ kind: EventKind.END, hart: 0, icount, reason, exitCode: 0, icounts: [icount], sha256: new Uint8Array(32) });

/** Writes a trace of `events` ending with `last`; returns an open reader. */
function trace(events: TraceEvent[], last: EndEvent, traceHeader = header()): TraceReader {
  const path = join(scratch, `t${traceNumber++}.deja`);
  const writer = TraceWriter.create(path, traceHeader, { chunkEvents: 3 });
  for (const event of events) writer.append(event);
  writer.close(last);
  return TraceReader.open(path);
}

const OPTIONS: DiffOptions = { context: 2, ignore: new Set(), all: false, limit: 10 };
const BASE = [trap(10, 0x100), write(20, 0x41), write(30, 0x42), trap(40, 0x104), write(50, 0x43)];

describe('diffTraces', () => {
  it('finds traces of the same run equivalent whatever their backends, counting by kind', () => {
    const result = diffTraces(trace(BASE, end(60)), trace(BASE, end(60), header('dbt')), OPTIONS);
    expect(result.divergences).toEqual([]);
    expect(result.matched).toEqual({ trap: 2, io: 3, end: 1 });
  });

  it('reports the first divergent event with the events before it on both sides', () => {
    const changed = BASE.map((event) => (event.icount === 30 ? write(30, 0x58) : event));
    const result = diffTraces(trace(BASE, end(60)), trace(changed, end(60)), OPTIONS);
    expect(result.divergences).toHaveLength(1);
    const [divergence] = result.divergences;
    expect(divergence!.a).toEqual(write(30, 0x42));
    expect(divergence!.b).toEqual(write(30, 0x58));
    expect(divergence!.beforeA.map((event) => event.icount)).toEqual([10, 20]);
    const report = diffReport(result, { nameA: 'a.deja', nameB: 'b.deja', contextA: { devices: ['uart0'] }, contextB: { devices: ['uart0'] } });
    expect(report).toMatch(/^! 0:30 +io +write uart0\+0x0 size 1 value 0x42 +\| 0:30 +io +write uart0\+0x0 size 1 value 0x58$/m);
    expect(report).toMatch(/^ +0:20 +io +write uart0\+0x0 size 1 value 0x41 +\| 0:20 /m);
  });

  it.each([
    ['an event only A has', [...BASE, write(55, 1)], BASE, 'A'],
    ['an event only B has', BASE, [...BASE, write(55, 1)], 'B'],
  ])('reports %s against the other side\'s next event', (_name, eventsA, eventsB, longer) => {
    const result = diffTraces(trace(eventsA, end(60)), trace(eventsB, end(60)), OPTIONS);
    const divergence = result.divergences[0]!;
    expect((longer === 'A' ? divergence.a : divergence.b)).toEqual(write(55, 1));
    expect((longer === 'A' ? divergence.b : divergence.a)?.kind).toBe(EventKind.END);
  });

  it('leaves out ignored kinds', () => {
    const changed = BASE.map((event) => (event.icount === 30 ? write(30, 0x58) : event));
    const result = diffTraces(trace(BASE, end(60)), trace(changed, end(60)), { ...OPTIONS, ignore: new Set([EventKind.MMIO_READ, EventKind.MMIO_WRITE]) });
    expect(result.divergences).toEqual([]);
    expect(result.kinds).not.toContain('io');
  });

  it('with all, resynchronises on the next matching trap even when B took more instructions, and lists each divergence', () => {
    const eventsB = [trap(10, 0x100), write(20, 0x41), write(25, 0x99), write(32, 0x42), trap(42, 0x104), write(52, 0x43), write(53, 0x44)];
    const result = diffTraces(trace(BASE, end(60)), trace(eventsB, end(62)), { ...OPTIONS, all: true });
    expect(result.divergences.map((divergence) => [divergence.a?.icount, divergence.b?.icount])).toEqual([[30, 25], [60, 53]]);
    expect(result.divergences[0]!.resync).toMatchObject({ skippedA: 1, skippedB: 2, shift: 2 });
    expect(result.matched).toEqual({ trap: 2, io: 2 });
  });

  it('stops at the limit and says when no resynchronisation point follows', () => {
    const eventsB = [trap(10, 0x100), write(20, 0x41), write(30, 0x99), trap(40, 0x108)];
    const limited = diffTraces(trace(BASE, end(60)), trace(eventsB, end(60)), { ...OPTIONS, all: true, limit: 1 });
    expect(limited.divergences).toHaveLength(1);
    const lost = diffTraces(trace(BASE, end(60)), trace(eventsB, end(60)), { ...OPTIONS, all: true });
    expect(lost.lostSync).toBe(true);
  });

  it('compares a trace cut by an instruction limit only up to where it stops', () => {
    const result = diffTraces(trace(BASE.slice(0, 3), end(35, 'max-insns')), trace(BASE, end(60)), OPTIONS);
    expect(result.divergences).toEqual([]);
    expect(result.cutoff).toEqual({ icounts: [35], reason: 'A stops there (max-insns)' });
    expect(result.matched).toEqual({ trap: 1, io: 2 });
  });

  it('compares a QEMU import with a recording on traps only, whatever privileges the log could not name', () => {
    const qemu = [exec(9, 0x0fc), exec(10, 0x100), trap(10, 0x100, 8, PRIV_UNKNOWN), exec(10, 0x200), trap(40, 0x104, 8, PRIV_UNKNOWN)];
    const result = diffTraces(trace(qemu, end(59, 'log-end'), header('qemu')), trace(BASE, end(60)), OPTIONS);
    expect(result.kinds).toEqual(['trap']);
    expect(result.divergences).toEqual([]);
    expect(result.matched).toEqual({ trap: 2 });
  });

  it('compares each hart on its own against a QEMU import of several harts (QEMU interleaves them otherwise)', () => {
    const twoHarts = (backend: string): TraceHeader => ({ ...header(backend), machine: { ...header(backend).machine, harts: 2 } });
    const onHart = (event: TraceEvent, hart: number): TraceEvent => ({ ...event, hart });
    const ours = [onHart(trap(10, 0x100), 0), onHart(trap(12, 0x200), 1), onHart(trap(40, 0x104), 0), onHart(trap(44, 0x204), 1)];
    const qemu = [ours[0]!, ours[2]!, ours[1]!, ours[3]!].map((event) => ({ ...event, fromPriv: PRIV_UNKNOWN, toPriv: PRIV_UNKNOWN }));
    const end2 = (icount: number, reason: string): EndEvent => ({ ...end(icount, reason), icounts: [icount, icount] });
    expect(diffTraces(trace(qemu, end2(59, 'log-end'), twoHarts('qemu')), trace(ours, end2(60, 'pass'), twoHarts('interp')), OPTIONS).divergences).toEqual([]);
    const moved = [...qemu.slice(0, 3), { ...qemu[3]!, icount: 45 }];
    const divergence = diffTraces(trace(moved, end2(59, 'log-end'), twoHarts('qemu')), trace(ours, end2(60, 'pass'), twoHarts('interp')), OPTIONS).divergences[0]!;
    expect([divergence.a?.hart, divergence.a?.icount, divergence.b?.icount]).toEqual([1, 45, 44]);
  });

  it('compares the pc streams of two QEMU imports', () => {
    const result = diffTraces(trace([exec(0, 0x100), exec(1, 0x104)], end(2, 'log-end'), header('qemu')),
      trace([exec(0, 0x100), exec(1, 0x108)], end(2, 'log-end'), header('qemu')), OPTIONS);
    expect(result.divergences[0]!.b).toEqual(exec(1, 0x108));
  });

  it('leaves digests out when the traces took them at different intervals', () => {
    const digest = (icount: number): TraceEvent => ({ kind: EventKind.DIGEST, hart: 0, icount, sha256: new Uint8Array(32) });
    const result = diffTraces(trace([...BASE, digest(50)], end(60), header('interp', 0, 50)), trace(BASE, end(60), header('interp', 0, 100)), OPTIONS);
    expect(result.divergences).toEqual([]);
  });
});

describe('imageMismatch', () => {
  it.each([
    ['the same images', header(), header('dbt'), undefined],
    ['another kernel', header(), header('interp', 7), /the kernel images differ \(A: guest\.elf sha256 0000000000000000\.\.\., B: guest\.elf sha256 0707070707070707\.\.\.\)/],
    ['an image only one has', header(), { ...header(), images: [] }, /A has a kernel image \(guest\.elf\), B has none/],
  ])('%s', (_name, a, b, expected) => {
    const message = imageMismatch(a, b);
    if (expected === undefined) expect(message).toBeUndefined();
    else expect(message).toMatch(expected);
  });
});
