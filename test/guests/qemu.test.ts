import { describe, expect, it } from 'vitest';
import { GUESTS, guestImage } from './guests.js';
import { QEMU, runOnQemu, shouldRunWith, skipNote } from './host-tools.js';

describe.runIf(shouldRunWith(QEMU))(`committed guests on ${QEMU}${skipNote(QEMU, 'qemu-system-misc')}`, () => {
  it.each(GUESTS)('$name on QEMU $board prints its expected output and exits $exitCode', async (guest) => {
    const run = await runOnQemu(guestImage(guest.name), guest.board);
    expect(run.stdout).toBe(guest.output);
    expect(run.exitCode).toBe(guest.exitCode);
  });
});
