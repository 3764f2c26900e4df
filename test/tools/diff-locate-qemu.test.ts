/**
 * `deja diff --locate` with a QEMU import as A, without QEMU: the "import" is
 * built from dejavm's own run of the demo guest (its retired pcs as EXEC
 * events, its traps with the privileges a QEMU log lacks), once as is and once
 * with one pc changed, and must be found equal, then parted exactly there.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventKind, PRIV_UNKNOWN, type TraceEvent } from '../../src/trace/events.js';
import { TraceReader } from '../../src/trace/reader.js';
import { TraceWriter } from '../../src/trace/writer.js';
import { Vmm } from '../../src/vmm/vmm.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DEJA = join(ROOT, 'bin', 'deja.js');
const DEMO = join(ROOT, 'test', 'guests', 'bin', 'demo.elf');
const scratch = mkdtempSync(join(tmpdir(), 'deja-locate-qemu-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function deja(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [DEJA, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Writes a QEMU-style trace of the demo guest's run (pc stream and traps), with the pc at `changeAt` replaced by `changedPc`. */
function pseudoQemuTrace(recording: string, path: string, changeAt?: number, changedPc = 0x8000_0bbcn): void {
  const reader = TraceReader.open(recording);
  const traps = [...reader.events()].filter((event) => event.kind === EventKind.TRAP);
  const header = { ...reader.header, machine: { ...reader.header.machine, backend: 'qemu' } };
  reader.close();
  const vmm = new Vmm({ kernel: { name: DEMO, bytes: new Uint8Array(readFileSync(DEMO)) }, console: () => undefined });
  const events: TraceEvent[] = [];
  let total = 0;
  vmm.run(Infinity, (insn) => {
    for (const trap of traps) if (trap.icount === insn.icount) events.push({ ...trap, fromPriv: PRIV_UNKNOWN, toPriv: PRIV_UNKNOWN });
    events.push({ kind: EventKind.EXEC, hart: 0, icount: insn.icount, pc: insn.icount === changeAt ? changedPc : BigInt(insn.pc) });
    total = insn.icount + 1;
  });
  const writer = TraceWriter.create(path, header, { force: true });
  for (const event of events) writer.append(event);
  writer.close({ kind: EventKind.END, hart: 0, icount: total, reason: 'log-end', exitCode: 0, icounts: [total], sha256: new Uint8Array(0) });
}

describe('deja diff --locate against a QEMU import', () => {
  const ours = join(scratch, 'ours.deja');

  it('finds no pc that differs when the pc streams agree', () => {
    expect(deja('record', '-o', ours, '--kernel', DEMO).status).toBe(0);
    const qemu = join(scratch, 'same.deja');
    pseudoQemuTrace(ours, qemu);
    const result = deja('diff', '--locate', qemu, ours);
    expect(result.stdout).toMatch(/^the event streams are equivalent\ncompared the pcs of \d+ instructions from icount 0\nno pc differs/);
    expect(result.status).toBe(0);
  });

  it('names the first icount where the pcs differ, with both branch histories', () => {
    const qemu = join(scratch, 'changed.deja');
    pseudoQemuTrace(ours, qemu, 2500);
    const result = deja('diff', '--locate', qemu, ours);
    expect(result.stdout).toContain('first control-flow difference at icount 2500:');
    expect(result.stdout).toMatch(/^QEMU .*changed\.deja: pc 0x80000bbc$/m);
    expect(result.stdout).toMatch(/^dejavm .*ours\.deja: pc 0x[0-9a-f]+ {2}\S+/m);
    expect(result.status).toBe(1);
  });

  it('refuses a QEMU import as B (it cannot be replayed)', () => {
    const result = deja('diff', '--locate', ours, join(scratch, 'same.deja'));
    expect(result.stderr).toMatch(/^deja: --locate: .*same\.deja is an imported QEMU log; give it first \(A\), with a dejavm recording as B\n$/);
    expect(result.status).toBe(2);
  });
});
