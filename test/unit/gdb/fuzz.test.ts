import { describe, expect, it } from 'vitest';
import { LiveTarget } from '../../../src/gdb/live-target.js';
import { GdbSession } from '../../../src/gdb/session.js';
import { assemble } from '../../../src/isa/asm.js';
import { Vmm } from '../../../src/vmm/vmm.js';
import { Prng } from '../../conformance/diff/prng.js';
import { ReexecutionTarget } from './reexecution-target.js';

/** A short guest: a counting loop, then power-off. */
const GUEST = assemble(`
  li t0, 0
  li t1, 200
1: addi t0, t0, 1
  sd t0, 0x100(zero)
  blt t0, t1, 1b
  li t1, 0x100000
  li t2, 0x5555
  sw t2, 0(t1)
2: j 2b
`, { origin: 0x80000000n });

const COMMANDS = ['?', 'g', 'G', 'p', 'P', 'm', 'M', 'X', 'Z0,', 'Z2,', 'Z4,', 'z0,', 'z3,', 's', 'c', 'S05;', 'C05', 'bs', 'bc', 'H', 'T', 'qRcmd,', 'qXfer:features:read:target.xml:', 'qThreadExtraInfo,', 'vCont;', 'D', 'Q'];
const PIECES = ['0', '1', '20', '80000000', '80000100', 'ffffffffffffffff', '1041', ',', ':', ';', '=', '-1', 'zz', '', 'g', 's', 'c', '00', '41'];

function randomPacket(prng: Prng): string {
  let text = prng.pick(COMMANDS);
  for (let i = prng.below(5); i > 0; i--) text += prng.pick(PIECES);
  if (prng.chance(0.1)) text += String.fromCharCode(...Array.from({ length: prng.below(8) }, () => prng.below(256)));
  return text;
}

describe('the command set under random requests', () => {
  it.each([
    ['live', () => new LiveTarget(new Vmm({ kernel: { name: 'loop.bin', bytes: GUEST.bytes }, memoryMiB: 16, console: () => {} }))],
    ['reversible', () => new ReexecutionTarget(() => new Vmm({ kernel: { name: 'loop.bin', bytes: GUEST.bytes }, memoryMiB: 16, console: () => {} }), 500)],
  ])('%s target: 1,500 seeded requests all get string replies, and the session still answers', async (_, makeTarget) => {
    const prng = new Prng(2024);
    const session = new GdbSession(makeTarget());
    for (let i = 0; i < 1500; i++) {
      const payload = randomPacket(prng);
      const replies = await session.handle(payload);
      expect(replies.length, payload).toBeGreaterThan(0);
      for (const reply of replies) expect(typeof reply, payload).toBe('string');
    }
    expect(await session.handle('qC')).toEqual([expect.stringMatching(/^QC[12]$/)]);
  });
});
