import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { RunOutcome, Vmm } from '../src/vmm/vmm.js';

/** Instructions run between two looks at the terminal. */
const SLICE = 2_000_000;
const CTRL_A = 0x01;

/** How an interactive run ended: the guest's outcome, or the user quitting. */
export type InteractiveOutcome = RunOutcome | { readonly reason: 'quit' };

/**
 * Run `vmm` with the terminal as its console, as QEMU's `-nographic` does:
 * standard input in raw mode goes to the UART as it is typed; Ctrl-A x quits,
 * Ctrl-A Ctrl-A sends a Ctrl-A. The run advances in slices between which
 * the event loop delivers keystrokes; when every hart waits for input, it
 * sleeps until a key arrives. (Typed input is host timing: such runs are not
 * reproducible until the recorder logs it.)
 */
export async function runInteractive(vmm: Vmm, maxInstructions: number, flush: () => void): Promise<InteractiveOutcome> {
  const stdin = process.stdin;
  let quit = false;
  let escape = false;
  let wake: (() => void) | undefined;
  const onData = (chunk: Buffer): void => {
    const keys: number[] = [];
    for (const byte of chunk) {
      if (escape) {
        escape = false;
        if (byte === 0x78) quit = true;
        else if (byte === CTRL_A) keys.push(CTRL_A);
      } else if (byte === CTRL_A) {
        escape = true;
      } else {
        keys.push(byte);
      }
    }
    if (keys.length > 0) vmm.machine.uart.pushInput(keys);
    wake?.();
  };
  stdin.setRawMode(true);
  stdin.on('data', onData);
  stdin.resume();
  try {
    let limit = 0;
    for (;;) {
      limit = Math.min(maxInstructions, limit + SLICE);
      const outcome = vmm.run(limit);
      flush();
      if (quit) return { reason: 'quit' };
      if (outcome.reason === 'idle') {
        await new Promise<void>((resolve) => { wake = resolve; });
        wake = undefined;
      } else if (outcome.reason !== 'max-insns' || limit >= maxInstructions) {
        return outcome;
      } else {
        await yieldToEventLoop();
      }
      if (quit) return { reason: 'quit' };
    }
  } finally {
    stdin.off('data', onData);
    stdin.setRawMode(false);
    stdin.pause();
  }
}
