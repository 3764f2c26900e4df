import { describe, expect, it } from 'vitest';
import { Uart16550, VIRT_UART_BAUD_BASE } from '../../../src/devices/uart16550.js';

const RBR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;

function makeUart() {
  const output: number[] = [];
  const irqLevels: boolean[] = [];
  const time = { now: 0n };
  const uart = new Uart16550({
    irq: { set: (level) => irqLevels.push(level) },
    output: (byte) => output.push(byte),
    clock: () => time.now,
  });
  const read = (offset: number) => Number(uart.read(offset, 1));
  const write = (offset: number, value: number) => uart.write(offset, 1, BigInt(value));
  const irq = () => irqLevels.at(-1) ?? false;
  return { uart, output, irqLevels, time, read, write, irq };
}

describe('Uart16550 reset state (values read from qemu-system-riscv64 7.2 virt)', () => {
  it.each([
    ['RBR', RBR, 0x00],
    ['IER', IER, 0x00],
    ['IIR', IIR, 0x01],
    ['LCR', LCR, 0x00],
    ['MCR', MCR, 0x08],
    ['LSR', LSR, 0x60],
    ['MSR', MSR, 0xb0],
    ['SCR', SCR, 0x00],
    ['beyond the registers', 0x10, 0x00],
  ])('%s reads %i', (_name, offset, expected) => {
    expect(makeUart().read(offset as number)).toBe(expected);
  });
});

describe('Uart16550 register access', () => {
  it('sends THR bytes to the sink and keeps THR and the transmitter empty', () => {
    const { output, read, write } = makeUart();
    for (const byte of [0x68, 0x69, 0x0a]) write(RBR, byte);
    expect(output).toEqual([0x68, 0x69, 0x0a]);
    expect(read(LSR)).toBe(0x60);
  });

  it('accepts any access size and uses the low byte of the value', () => {
    const { uart, output } = makeUart();
    uart.write(0, 4, 0x1234_5641n);
    uart.write(0, 8, 0xffff_ffff_ffff_ff42n);
    expect(output).toEqual([0x41, 0x42]);
    expect(uart.read(5, 8)).toBe(0x60n);
  });

  it('ignores offsets outside the eight registers', () => {
    const { uart, output, read } = makeUart();
    uart.write(8, 1, 0x41n);
    uart.write(-1, 1, 0x41n);
    uart.write(0xff, 4, 0x41n);
    expect(output).toEqual([]);
    expect(uart.read(-3, 1)).toBe(0n);
    expect(read(SCR)).toBe(0);
  });

  it('exposes the divisor latch when LCR.DLAB is set', () => {
    const { output, read, write } = makeUart();
    write(LCR, 0x83);
    write(RBR, 0x34);
    write(IER, 0x12);
    expect([read(RBR), read(IER), read(LCR)]).toEqual([0x34, 0x12, 0x83]);
    write(LCR, 0x03);
    expect([read(IER), output.length]).toEqual([0x00, 0]);
  });

  it.each([
    ['IER keeps the low four bits', IER, 0xff, 0x0f],
    ['MCR keeps the low five bits', MCR, 0xff, 0x1f],
    ['SCR keeps the whole byte', SCR, 0xa5, 0xa5],
    ['LSR ignores writes', LSR, 0x00, 0x60],
    ['MSR ignores writes', MSR, 0x00, 0xb0],
  ])('%s', (_name, offset, value, expected) => {
    const { read, write } = makeUart();
    write(offset, value);
    expect(read(offset)).toBe(expected);
  });

  it.each([
    // FCR written, IIR expected (from QEMU: FIFO enabled shows 0xC0 in IIR)
    [0x01, 0xc1],
    [0x07, 0xc1],
    [0xc1, 0xc1],
    [0x00, 0x01],
  ])('FCR=%i reads back IIR=%i', (fcr, iir) => {
    const { read, write } = makeUart();
    write(FCR, fcr);
    expect(read(IIR)).toBe(iir);
  });
});

describe('Uart16550 transmit interrupt', () => {
  it('raises THRE when ETBEI is enabled with THR empty, clears it on IIR read', () => {
    const { read, write, irq } = makeUart();
    write(FCR, 0x07);
    write(IER, 0x02);
    expect(irq()).toBe(true);
    expect(read(IIR)).toBe(0xc2);
    expect(irq()).toBe(false);
    expect(read(IIR)).toBe(0xc1);
  });

  it('raises THRE again when ETBEI is toggled off and on (QEMU/Bochs behaviour)', () => {
    const { read, write, irq } = makeUart();
    write(IER, 0x02);
    read(IIR);
    write(IER, 0x00);
    write(IER, 0x02);
    expect(irq()).toBe(true);
    expect(read(IIR)).toBe(0x02);
  });

  it('raises THRE again on a transmit FIFO reset (values read from QEMU)', () => {
    const { read, write } = makeUart();
    write(FCR, 0x01);
    write(IER, 0x02);
    expect([read(IIR), read(IIR)]).toEqual([0xc2, 0xc1]);
    write(FCR, 0x05);
    expect([read(IIR), read(IIR)]).toEqual([0xc2, 0xc1]);
  });

  it('raises THRE after each transmitted byte', () => {
    const { read, write, irq } = makeUart();
    write(IER, 0x02);
    read(IIR);
    write(RBR, 0x41);
    expect(irq()).toBe(true);
    expect(read(IIR)).toBe(0x02);
  });

  it('reports the line to the PLIC on every update, not only on edges', () => {
    const { read, write, irqLevels } = makeUart();
    write(IER, 0x02);
    read(IIR);
    write(RBR, 0x41);
    expect(irqLevels).toEqual([true, false, false, true]);
  });
});

describe('Uart16550 receive', () => {
  it('without FIFO holds one byte and keeps the rest queued until RBR is read', () => {
    const { uart, read, write, irq } = makeUart();
    write(IER, 0x01);
    uart.pushInput([0x61, 0x62]);
    expect(irq()).toBe(true);
    expect(read(IIR)).toBe(0x04);
    expect(read(LSR)).toBe(0x61);
    expect(uart.pendingInputLength).toBe(1);
    expect(read(RBR)).toBe(0x61);
    expect(read(RBR)).toBe(0x62);
    expect(read(LSR)).toBe(0x60);
    expect(irq()).toBe(false);
  });

  it('keeps taking queued input after the guest resets the receive FIFO (QEMU re-polls its chardev)', () => {
    const { uart, read, write } = makeUart();
    uart.pushInput([0x61, 0x62, 0x63]);
    write(FCR, 0x07);
    expect(read(LSR) & 0x01).toBe(0x01);
    expect(read(RBR)).toBe(0x62);
    expect(read(RBR)).toBe(0x63);
    expect(read(LSR) & 0x01).toBe(0x00);
  });

  it.each([
    // FCR, trigger level in bytes
    [0x01, 1],
    [0x41, 4],
    [0x81, 8],
    [0xc1, 14],
  ])('with FCR=%i raises RDA at %i bytes', (fcr, level) => {
    const { uart, read, write, irq } = makeUart();
    write(FCR, fcr);
    write(IER, 0x01);
    if (level > 1) {
      uart.pushInput(new Array(level - 1).fill(0x30));
      expect(irq()).toBe(false);
      expect(read(IIR)).toBe(0xc1);
    }
    uart.pushInput([0x31]);
    expect(irq()).toBe(true);
    expect(read(IIR)).toBe(0xc4);
  });

  it('limits delivery as QEMU serial_can_receive does', () => {
    const { uart, read, write } = makeUart();
    write(FCR, 0x01);
    uart.pushInput([1, 2, 3]);
    expect(uart.pendingInputLength).toBe(2);
    expect(read(RBR)).toBe(1);
    expect(uart.pendingInputLength).toBe(1);
  });

  it('fires the character timeout four character times after the last byte', () => {
    const { uart, read, write, irq, time } = makeUart();
    write(FCR, 0xc1);
    write(IER, 0x01);
    time.now = 1000n;
    uart.pushInput([0x41, 0x42]);
    const deadline = uart.nextDeadline();
    // 9600 baud, 10-bit frames: (1e9 / 9600) * 10 ns per character.
    expect(deadline).toBe(1000n + 4n * 1_041_660n);
    time.now = (deadline as bigint) - 1n;
    uart.sync();
    expect(irq()).toBe(false);
    time.now = deadline as bigint;
    uart.sync();
    expect(irq()).toBe(true);
    expect(read(IIR)).toBe(0xcc);
    expect(read(RBR)).toBe(0x41);
    expect(read(IIR)).toBe(0xc1);
    expect(uart.nextDeadline()).toBe(deadline as bigint + 4n * 1_041_660n);
  });

  it('derives the character time from the divisor and LCR', () => {
    const { uart, write } = makeUart();
    write(LCR, 0x80);
    write(RBR, 1);
    write(IER, 0);
    write(LCR, 0x03);
    write(FCR, 0x01);
    uart.pushInput([0x41]);
    const speed = Math.fround(Math.fround(VIRT_UART_BAUD_BASE) / 1);
    const expected = BigInt(Math.trunc(Math.fround(Math.fround(1e9 / speed) * 10)));
    expect(uart.nextDeadline()).toBe(4n * expected);
  });

  it('resets the receive FIFO on FCR.RFR and when the FIFO is switched off', () => {
    const { uart, read, write } = makeUart();
    write(FCR, 0xc1);
    uart.pushInput([1, 2, 3]);
    write(FCR, 0xc3);
    expect(read(LSR)).toBe(0x60);
    expect(uart.nextDeadline()).toBeNull();
    uart.pushInput([4]);
    write(FCR, 0x00);
    expect(read(LSR)).toBe(0x60);
  });

  it('flags an overrun in loopback without FIFO and raises the line status interrupt', () => {
    const { read, write, irq, output } = makeUart();
    write(MCR, 0x10);
    write(IER, 0x04);
    write(RBR, 0x41);
    write(RBR, 0x42);
    expect(output).toEqual([]);
    expect(irq()).toBe(true);
    expect(read(IIR)).toBe(0x06);
    expect(read(LSR)).toBe(0x63);
    expect(read(LSR)).toBe(0x61);
    expect(irq()).toBe(false);
    expect(read(RBR)).toBe(0x42);
  });

  it('loops transmitted bytes back into the FIFO (values read from QEMU)', () => {
    const { read, write } = makeUart();
    write(MCR, 0x13);
    write(IER, 0x01);
    write(FCR, 0xc1);
    write(RBR, 0x41);
    expect([read(LSR), read(IIR)]).toEqual([0x61, 0xc1]);
    write(RBR, 0x42);
    expect([read(RBR), read(RBR), read(LSR)]).toEqual([0x41, 0x42, 0x60]);
  });

  it.each([
    [0x1f, 0xf0],
    [0x13, 0x30],
    [0x10, 0x00],
  ])('in loopback with MCR=%i reads MSR=%i', (mcr, msr) => {
    const { read, write } = makeUart();
    write(MCR, mcr);
    expect(read(MSR)).toBe(msr);
  });
});

describe('Uart16550 snapshots', () => {
  function busyUart() {
    const h = makeUart();
    h.write(LCR, 0x83);
    h.write(RBR, 0x03);
    h.write(LCR, 0x03);
    h.write(FCR, 0x81);
    h.write(IER, 0x07);
    h.write(SCR, 0x5a);
    h.time.now = 77n;
    h.uart.pushInput(new Array(20).fill(0).map((_, i) => 0x40 + i));
    return h;
  }

  it('round-trips the complete state', () => {
    const source = busyUart();
    const saved = source.uart.save();
    const target = makeUart();
    target.time.now = source.time.now;
    target.uart.restore(saved);
    expect(target.uart.save()).toEqual(saved);
    const fromSource = [source.read(IIR), source.read(RBR), source.read(LSR), source.uart.nextDeadline()];
    const fromTarget = [target.read(IIR), target.read(RBR), target.read(LSR), target.uart.nextDeadline()];
    expect(fromTarget).toEqual(fromSource);
    expect(target.uart.pendingInputLength).toBe(source.uart.pendingInputLength);
  });

  it('saves identical bytes for identical histories', () => {
    expect(busyUart().uart.save()).toEqual(busyUart().uart.save());
  });

  it.each([
    ['an empty buffer', () => new Uint8Array(0), /truncated/],
    ['a truncated snapshot', (s: Uint8Array) => s.slice(0, s.length - 3), /truncated/],
    ['trailing bytes', (s: Uint8Array) => Uint8Array.from([...s, 0]), /trailing/],
    ['another device tag', (s: Uint8Array) => { const c = s.slice(); c[1] = 0x41; return c; }, /not "uart16550"/],
    ['a future version', (s: Uint8Array) => { const c = s.slice(); c[10] = 9; return c; }, /version 9/],
    ['IER with high bits', (s: Uint8Array) => { const c = s.slice(); c[12] = 0xff; return c; }, /ier/],
  ])('rejects %s', (_name, mutate, message) => {
    const { uart } = makeUart();
    expect(() => uart.restore(mutate(busyUart().uart.save()))).toThrow(message);
  });
});
