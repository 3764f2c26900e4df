import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ImageError } from '../../../src/machine/errors.js';
import { runProgram } from '../../../src/vmm/run-program.js';
import { GUESTS, guestImage } from '../../guests/guests.js';

/** The committed guests except the long benchmark (test/bench runs that one). */
const QUICK_GUESTS = GUESTS.filter((guest) => guest.name !== 'bench');

describe('runProgram on the committed guests', () => {
  it.each(QUICK_GUESTS)('$name prints what it should and exits with $exitCode', (guest) => {
    const result = runProgram({ kernel: readFileSync(guestImage(guest.name)), kernelName: `${guest.name}.elf`, maxInsns: 10_000_000 });
    expect(result.console).toBe(guest.output);
    expect(result.exitCode).toBe(guest.exitCode);
    expect(result.reason).toBe(guest.exitCode === 0 ? 'pass' : 'fail');
  });

  it('hello retires a small, exact and repeatable number of instructions', () => {
    const kernel = readFileSync(guestImage('hello'));
    const first = runProgram({ kernel, kernelName: 'hello.elf' });
    const second = runProgram({ kernel, kernelName: 'hello.elf' });
    expect(first.icount).toBe(second.icount);
    expect(first.icount).toBeGreaterThan(100);
    expect(first.icount).toBeLessThan(200);
  });

  it('stops at the instruction limit with reason max-insns and exit code 0', () => {
    const result = runProgram({ kernel: readFileSync(guestImage('hello')), kernelName: 'hello.elf', maxInsns: 20 });
    expect(result.reason).toBe('max-insns');
    expect(result.exitCode).toBe(0);
    expect(result.icount).toBe(20);
  });
});

describe('runProgram on raw images', () => {
  it('a raw image that parks in WFI with nothing enabled ends idle', () => {
    const wfiLoop = new Uint8Array([0x73, 0x00, 0x50, 0x10, 0x6f, 0xf0, 0xdf, 0xff]);
    const result = runProgram({ kernel: wfiLoop, kernelName: 'wfi.bin' });
    expect(result.reason).toBe('idle');
    expect(result.exitCode).not.toBe(0);
  });

  it('a raw image that writes 0x5555 to the test finisher passes', () => {
    const program = [0x001002b7, 0x00005337, 0x5553031b, 0x0062a023, 0x0000006f];
    const bytes = new Uint8Array(new Uint32Array(program).buffer);
    const result = runProgram({ kernel: bytes, kernelName: 'finish.bin' });
    expect(result.reason).toBe('pass');
    expect(result.exitCode).toBe(0);
  });

  it('an empty image is refused with an ImageError', () => {
    expect(() => runProgram({ kernel: new Uint8Array(0), kernelName: 'empty.bin' })).toThrow(ImageError);
  });
});
