import type { IrqLine, MmioDevice } from '../mem/device.js';
import { StateReader, StateWriter } from './state-codec.js';

/** Register-level model of QEMU 7.2's 16550A (`hw/char/serial.c`) as the `virt` board maps it. */

const LCR_DLAB = 0x80;
const IER_MSI = 0x08;
const IER_RLSI = 0x04;
const IER_THRI = 0x02;
const IER_RDI = 0x01;
const IIR_NO_INT = 0x01;
const IIR_ID = 0x06;
const IIR_MSI = 0x00;
const IIR_THRI = 0x02;
const IIR_RDI = 0x04;
const IIR_RLSI = 0x06;
const IIR_CTI = 0x0c;
const IIR_FIFO_ENABLED = 0xc0;
const MCR_LOOP = 0x10;
const MCR_OUT2 = 0x08;
const MSR_DCD = 0x80;
const MSR_DSR = 0x20;
const MSR_CTS = 0x10;
const MSR_ANY_DELTA = 0x0f;
const LSR_TEMT = 0x40;
const LSR_THRE = 0x20;
const LSR_BI = 0x10;
const LSR_OE = 0x02;
const LSR_DR = 0x01;
const LSR_INT_ANY = 0x1e;
const FCR_XFR = 0x04;
const FCR_RFR = 0x02;
const FCR_FE = 0x01;
const INTERRUPT_IDS = [IIR_NO_INT, IIR_MSI, IIR_THRI, IIR_RDI, IIR_RLSI, IIR_CTI];
const FIFO_LENGTH = 16;
const NS_PER_SECOND = 1_000_000_000;
const SNAPSHOT_TAG = 'uart16550';
const SNAPSHOT_VERSION = 1;

/** Input clock of the `virt` board's UART, in Hz (QEMU passes 399193 to `serial_mm_init`). */
export const VIRT_UART_BAUD_BASE = 399193;

/** Size of the UART's window in the `virt` memory map (registers are bytes 0..7). */
export const UART_WINDOW_SIZE = 0x100;

/** What a 16550A needs from the board. */
export interface Uart16550Options {
  /** Device name for traces (default `uart0`). */
  readonly name?: string;
  /** Interrupt line to the PLIC (source 10 on `virt`). */
  readonly irq: IrqLine;
  /** Receives every transmitted byte, in order. */
  readonly output: (byte: number) => void;
  /**
   * Virtual time in nanoseconds. Only the receive-FIFO character timeout
   * (4 character times after the last receive) reads it.
   */
  readonly clock: () => bigint;
  /** Reference clock in Hz (default {@link VIRT_UART_BAUD_BASE}). */
  readonly baudBase?: number;
}

/**
 * A 16550A UART with reg-shift 0. Transmission is instantaneous (QEMU's
 * backend never pushes back for our sinks), so the transmit FIFO is always
 * drained when the guest looks and is not modelled. Input arrives only
 * through {@link Uart16550.pushInput}, and enters the receive FIFO as QEMU's
 * `serial_can_receive` flow control allows; the rest waits in a host-side
 * queue that drains as the guest reads RBR.
 *
 * The receive timeout (IIR = 0xCC) is a deadline in virtual time: the VMM
 * asks {@link Uart16550.nextDeadline} and calls {@link Uart16550.sync} once
 * the clock has reached it, so the interrupt appears at a deterministic point.
 */
export class Uart16550 implements MmioDevice {
  /** Short stable name used in traces. */
  readonly name: string;
  /** Size of the MMIO window in bytes. */
  readonly size = UART_WINDOW_SIZE;

  private readonly irq: IrqLine;
  private readonly output: (byte: number) => void;
  private readonly clock: () => bigint;
  private readonly baudBase: number;

  private rbr = 0;
  private ier = 0;
  private iir = IIR_NO_INT;
  private lcr = 0;
  private mcr = MCR_OUT2;
  private lsr = LSR_TEMT | LSR_THRE;
  private msr = MSR_DCD | MSR_DSR | MSR_CTS;
  private scr = 0;
  private fcr = 0;
  private divider = 0x0c;
  private thrIpending = false;
  private timeoutIpending = false;
  private charTransmitTime = BigInt(Math.trunc(NS_PER_SECOND / 9600) * 10);
  private timeoutDeadline: bigint | null = null;
  private receiveFifo: number[] = [];
  private pendingInput: number[] = [];

  /** Creates the UART in its reset state (9600 8N1, no interrupts enabled). */
  constructor(options: Uart16550Options) {
    this.name = options.name ?? 'uart0';
    this.irq = options.irq;
    this.output = options.output;
    this.clock = options.clock;
    this.baudBase = options.baudBase ?? VIRT_UART_BAUD_BASE;
  }

  /** Reads register `offset & 7` (every access size reads the one byte register). */
  read(offset: number, _size: 1 | 2 | 4 | 8): bigint {
    if (offset < 0 || offset >= 8) return 0n;
    return BigInt(this.readRegister(offset));
  }

  /** Writes the low byte of `value` to register `offset`. */
  write(offset: number, _size: 1 | 2 | 4 | 8, value: bigint): void {
    if (offset < 0 || offset >= 8) return;
    this.writeRegister(offset, Number(value & 0xffn));
    // QEMU's main loop polls the chardev again whenever the UART can take more
    // (after a FIFO reset or enable, say): take queued input now.
    if (!(this.mcr & MCR_LOOP)) this.acceptInput();
  }

  /** Queues host input bytes (from nondet) for the receiver. */
  pushInput(bytes: Iterable<number>): void {
    for (const byte of bytes) this.pendingInput.push(byte & 0xff);
    this.acceptInput();
  }

  /** Bytes queued by {@link pushInput} that the receiver has not taken yet. */
  get pendingInputLength(): number {
    return this.pendingInput.length;
  }

  /** Virtual time (ns) at which the receive timeout fires, or null if none is armed. */
  nextDeadline(): bigint | null {
    return this.timeoutDeadline;
  }

  /** Fires the receive timeout if the clock has reached it. */
  sync(): void {
    if (this.timeoutDeadline === null || this.clock() < this.timeoutDeadline) return;
    this.timeoutDeadline = null;
    if (this.receiveFifo.length > 0) {
      this.timeoutIpending = true;
      this.updateIrq();
    }
  }

  /** Serialises the complete device state. */
  save(): Uint8Array {
    const writer = new StateWriter(SNAPSHOT_TAG, SNAPSHOT_VERSION)
      .u8(this.rbr).u8(this.ier).u8(this.iir).u8(this.lcr).u8(this.mcr)
      .u8(this.lsr).u8(this.msr).u8(this.scr).u8(this.fcr).u16(this.divider)
      .bool(this.thrIpending).bool(this.timeoutIpending).u64(this.charTransmitTime)
      .bool(this.timeoutDeadline !== null).u64(this.timeoutDeadline ?? 0n)
      .bytes(Uint8Array.from(this.receiveFifo)).bytes(Uint8Array.from(this.pendingInput));
    return writer.finish();
  }

  /**
   * Replaces the device state with a snapshot from {@link save}. Does not
   * drive the IRQ line: the interrupt controller restores its own state.
   * @throws Error naming the bad field when `state` is malformed.
   */
  restore(state: Uint8Array): void {
    const reader = new StateReader(state, SNAPSHOT_TAG, SNAPSHOT_VERSION);
    const rbr = reader.u8('rbr');
    const ier = reader.u8('ier');
    reader.check(ier <= 0x0f, 'ier', 'has bits above 3');
    const iir = reader.u8('iir');
    const lcr = reader.u8('lcr');
    const mcr = reader.u8('mcr');
    reader.check(mcr <= 0x1f, 'mcr', 'has bits above 4');
    const lsr = reader.u8('lsr');
    const msr = reader.u8('msr');
    const scr = reader.u8('scr');
    const fcr = reader.u8('fcr');
    reader.check((fcr & ~0xc9) === 0, 'fcr', 'has bits that do not stick');
    reader.check(
      (iir & 0xf0) === this.iirFifoBits(fcr) && INTERRUPT_IDS.includes(iir & 0x0f),
      'iir', 'is not a value the UART can hold with this fcr',
    );
    const divider = reader.u16('divider');
    const thrIpending = reader.bool('thrIpending');
    const timeoutIpending = reader.bool('timeoutIpending');
    const charTransmitTime = reader.u64('charTransmitTime');
    const hasDeadline = reader.bool('hasDeadline');
    const deadline = reader.u64('timeoutDeadline');
    const receiveFifo = reader.bytes('receiveFifo', FIFO_LENGTH);
    const pendingInput = reader.bytes('pendingInput', 0xffffffff);
    reader.done();
    this.rbr = rbr;
    this.ier = ier;
    this.iir = iir;
    this.lcr = lcr;
    this.mcr = mcr;
    this.lsr = lsr;
    this.msr = msr;
    this.scr = scr;
    this.fcr = fcr;
    this.divider = divider;
    this.thrIpending = thrIpending;
    this.timeoutIpending = timeoutIpending;
    this.charTransmitTime = charTransmitTime;
    this.timeoutDeadline = hasDeadline ? deadline : null;
    this.receiveFifo = Array.from(receiveFifo);
    this.pendingInput = Array.from(pendingInput);
  }

  private iirFifoBits(fcr: number): number {
    return fcr & FCR_FE ? IIR_FIFO_ENABLED : 0;
  }

  private get receiveTriggerLevel(): number {
    return [1, 4, 8, 14][this.fcr >> 6] as number;
  }

  private readRegister(register: number): number {
    switch (register) {
      case 0:
        return this.lcr & LCR_DLAB ? this.divider & 0xff : this.readReceiveBuffer();
      case 1:
        return this.lcr & LCR_DLAB ? this.divider >> 8 : this.ier;
      case 2: {
        const value = this.iir;
        if ((value & IIR_ID) === IIR_THRI) {
          this.thrIpending = false;
          this.updateIrq();
        }
        return value;
      }
      case 3:
        return this.lcr;
      case 4:
        return this.mcr;
      case 5: {
        const value = this.lsr;
        if (this.lsr & (LSR_BI | LSR_OE)) {
          this.lsr &= ~(LSR_BI | LSR_OE);
          this.updateIrq();
        }
        return value;
      }
      case 6:
        return this.readModemStatus();
      default:
        return this.scr;
    }
  }

  private readReceiveBuffer(): number {
    let value: number;
    if (this.fcr & FCR_FE) {
      value = this.receiveFifo.shift() ?? 0;
      if (this.receiveFifo.length === 0) {
        this.lsr &= ~(LSR_DR | LSR_BI);
      } else {
        this.armTimeout();
      }
      this.timeoutIpending = false;
    } else {
      value = this.rbr;
      this.lsr &= ~(LSR_DR | LSR_BI);
    }
    this.updateIrq();
    if (!(this.mcr & MCR_LOOP)) this.acceptInput();
    return value;
  }

  private readModemStatus(): number {
    if (this.mcr & MCR_LOOP) {
      // In loopback the modem outputs (DTR, RTS, OUT1, OUT2) drive the inputs.
      return ((this.mcr & 0x0c) << 4) | ((this.mcr & 0x02) << 3) | ((this.mcr & 0x01) << 5);
    }
    const value = this.msr;
    if (this.msr & MSR_ANY_DELTA) {
      this.msr &= 0xf0;
      this.updateIrq();
    }
    return value;
  }

  private writeRegister(register: number, value: number): void {
    switch (register) {
      case 0:
        if (this.lcr & LCR_DLAB) {
          this.divider = (this.divider & 0xff00) | value;
          this.updateParameters();
        } else {
          this.transmit(value);
        }
        break;
      case 1:
        if (this.lcr & LCR_DLAB) {
          this.divider = (this.divider & 0x00ff) | (value << 8);
          this.updateParameters();
        } else {
          this.writeInterruptEnable(value);
        }
        break;
      case 2:
        this.writeFifoControl(value);
        break;
      case 3:
        this.lcr = value;
        this.updateParameters();
        break;
      case 4:
        this.mcr = value & 0x1f;
        break;
      case 7:
        this.scr = value;
        break;
      default:
        break;
    }
  }

  private transmit(value: number): void {
    this.thrIpending = false;
    this.lsr &= ~(LSR_THRE | LSR_TEMT);
    this.updateIrq();
    // The byte moves to the shift register at once and THR is empty again.
    this.lsr |= LSR_THRE;
    this.thrIpending = true;
    this.updateIrq();
    if (this.mcr & MCR_LOOP) {
      this.receive([value]);
    } else {
      this.output(value);
    }
    this.lsr |= LSR_TEMT;
  }

  private writeInterruptEnable(value: number): void {
    const changed = (this.ier ^ value) & 0x0f;
    this.ier = value & 0x0f;
    // QEMU (after Bochs): enabling THRI while THR is empty raises THRE again,
    // even if reading IIR had acknowledged it before.
    if (changed & IER_THRI) {
      this.thrIpending = (this.ier & IER_THRI) !== 0 && (this.lsr & LSR_THRE) !== 0;
    }
    if (changed) this.updateIrq();
  }

  private writeFifoControl(value: number): void {
    let command = value;
    if ((command ^ this.fcr) & FCR_FE) command |= FCR_XFR | FCR_RFR;
    if (command & FCR_RFR) {
      this.lsr &= ~(LSR_DR | LSR_BI);
      this.timeoutDeadline = null;
      this.timeoutIpending = false;
      this.receiveFifo = [];
    }
    if (command & FCR_XFR) {
      this.lsr |= LSR_THRE;
      this.thrIpending = true;
    }
    this.fcr = command & 0xc9;
    this.iir = (this.iir & ~IIR_FIFO_ENABLED) | this.iirFifoBits(this.fcr);
    this.updateIrq();
  }

  private updateParameters(): void {
    let frameSize = 1;
    if (this.lcr & 0x08) frameSize++;
    frameSize += (this.lcr & 0x03) + 5 + (this.lcr & 0x04 ? 2 : 1);
    // QEMU computes in single precision; mirror it so the timeout matches.
    const speed = this.divider === 0 ? 3500 : Math.fround(Math.fround(this.baudBase) / this.divider);
    const perCharacter = Math.fround(Math.fround(NS_PER_SECOND / speed) * frameSize);
    this.charTransmitTime = BigInt(Math.trunc(perCharacter));
  }

  private canReceive(): number {
    if (this.fcr & FCR_FE) {
      const count = this.receiveFifo.length;
      if (count >= FIFO_LENGTH) return 0;
      const level = this.receiveTriggerLevel;
      return count <= level ? level - count : 1;
    }
    return this.lsr & LSR_DR ? 0 : 1;
  }

  private acceptInput(): void {
    let room = this.canReceive();
    while (this.pendingInput.length > 0 && room > 0) {
      this.receive(this.pendingInput.splice(0, room));
      room = this.canReceive();
    }
  }

  private receive(bytes: number[]): void {
    if (this.fcr & FCR_FE) {
      for (const byte of bytes) {
        if (this.receiveFifo.length < FIFO_LENGTH) {
          this.receiveFifo.push(byte);
        } else {
          this.lsr |= LSR_OE;
        }
      }
      this.lsr |= LSR_DR;
      this.armTimeout();
    } else {
      if (this.lsr & LSR_DR) this.lsr |= LSR_OE;
      this.rbr = bytes[0] as number;
      this.lsr |= LSR_DR;
    }
    this.updateIrq();
  }

  private armTimeout(): void {
    this.timeoutDeadline = this.clock() + this.charTransmitTime * 4n;
  }

  private updateIrq(): void {
    let id = IIR_NO_INT;
    if (this.ier & IER_RLSI && this.lsr & LSR_INT_ANY) {
      id = IIR_RLSI;
    } else if (this.ier & IER_RDI && this.timeoutIpending) {
      id = IIR_CTI;
    } else if (
      this.ier & IER_RDI && this.lsr & LSR_DR &&
      (!(this.fcr & FCR_FE) || this.receiveFifo.length >= this.receiveTriggerLevel)
    ) {
      id = IIR_RDI;
    } else if (this.ier & IER_THRI && this.thrIpending) {
      id = IIR_THRI;
    } else if (this.ier & IER_MSI && this.msr & MSR_ANY_DELTA) {
      id = IIR_MSI;
    }
    this.iir = id | (this.iir & 0xf0);
    // Like qemu_irq_raise/lower: the PLIC sees every update, not only edges.
    this.irq.set(id !== IIR_NO_INT);
  }
}
