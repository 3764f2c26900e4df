import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/isa/asm.js';
import { ReplaySession } from '../../../src/rr/replay-session.js';
import { recordToFile } from '../../../tools/record.js';

/**
 * Hart 0 parks in WFI for good (no interrupt enabled) while hart 1 counts to
 * 20,000, storing the count, then passes: hart 0's icount stays behind every
 * stop of the run schedule.
 */
const GUEST = `
  csrr t0, mhartid
  beqz t0, park
  la t0, data
  li t3, 0
  li t5, 20000
loop:
  addi t3, t3, 1
  sd t3, 0(t0)
  blt t3, t5, loop
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
park:
  wfi
  j park
.align 12
data: .dword 0
`;

describe('a recording whose hart 0 waits while another hart runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deja-lagging-hart-'));
  const kernel = join(dir, 'lagging.bin');
  writeFileSync(kernel, assemble(GUEST, { origin: 0x8000_0000n }).bytes);
  const trace = join(dir, 'lagging.deja');

  it('replays to its end (the replay follows the schedule\'s stops, not hart 0\'s icount)', () => {
    const outcome = recordToFile({
      config: { kernel: { name: kernel, bytes: new Uint8Array(assemble(GUEST, { origin: 0x8000_0000n }).bytes) }, memoryMiB: 16, harts: 2 },
      maxInstructions: Infinity,
      path: trace,
      force: true,
      digestEvery: 5000,
      snapshotEvery: 10_000,
      output: { console: () => {}, flush: () => {} },
    });
    expect(outcome.reason).toBe('pass');
    const session = ReplaySession.open(trace);
    try {
      expect(session.runToEnd().divergence).toBeUndefined();
      expect(session.finished).toBe(true);
      expect(session.outcome?.reason).toBe('pass');
      expect(session.vmm.machine.harts.map((hart) => hart.icount)[1]).toBeGreaterThan(60_000);
      expect(session.seek(20_000).divergence).toBeUndefined();
      expect(session.runToEnd().divergence).toBeUndefined();
      expect(session.finished).toBe(true);
    } finally {
      session.close();
    }
  }, 20_000);
});
