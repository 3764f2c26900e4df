/**
 * Counts the instructions a guest retires on QEMU, for when dejavm cannot
 * report them: QEMU runs with `-icount shift=0` (minstret then counts
 * instructions exactly) under its gdbstub, and gdb-multiarch reads minstret
 * at the guest's `_start` and at its `power_off` label.
 *
 * The count covers `_start` up to (not including) `power_off`: it leaves out
 * QEMU's reset vector (a handful of instructions in ROM) and the few
 * instructions that power the board off.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { QEMU, runProcess } from '../guests/host-tools.js';

/** The debugger used to read minstret. */
export const GDB = 'gdb-multiarch';

/** A TCP port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === 'string') reject(new Error('no TCP port'));
        else resolve(address.port);
      });
    });
  });
}

/** Instructions retired from `_start` to `power_off` by the virt guest `elfPath` on QEMU. */
export async function countInstructionsOnQemu(elfPath: string, timeoutMs = 300_000): Promise<number> {
  const port = await freePort();
  const qemu = spawn(
    QEMU,
    ['-M', 'virt', '-bios', 'none', '-kernel', elfPath, '-nographic', '-monitor', 'none', '-serial', 'null',
      '-icount', 'shift=0', '-gdb', `tcp:127.0.0.1:${port}`, '-S'],
    { stdio: 'ignore' },
  );
  try {
    const gdb = await runProcess(GDB, [
      '-batch', '-nx',
      '-ex', 'set architecture riscv:rv64',
      '-ex', `target remote 127.0.0.1:${port}`,
      '-ex', 'break _start',
      '-ex', 'break power_off',
      '-ex', 'continue',
      '-ex', 'printf "icount-start %lu\\n", $minstret',
      '-ex', 'continue',
      '-ex', 'printf "icount-end %lu\\n", $minstret',
      elfPath,
    ], timeoutMs);
    const start = /^icount-start (\d+)$/m.exec(gdb.stdout);
    const end = /^icount-end (\d+)$/m.exec(gdb.stdout);
    if (start === null || end === null) {
      throw new Error(`could not read minstret through ${GDB}:\n${gdb.stdout}${gdb.stderr}`);
    }
    return Number(end[1]) - Number(start[1]);
  } finally {
    qemu.kill();
  }
}
