import { Hart } from '../cpu/hart.js';
import { Aclint, ACLINT_WINDOW_SIZE, type TimeSource } from '../devices/aclint.js';
import type { FinishEvent } from '../devices/finish.js';
import { Htif, htifLayout } from '../devices/htif.js';
import { TestFinisher, TEST_FINISHER_WINDOW_SIZE } from '../devices/test-finisher.js';
import { Uart16550, UART_WINDOW_SIZE } from '../devices/uart16550.js';
import { Bus } from '../mem/bus.js';
import type { IrqLine } from '../mem/device.js';
import { Ram } from '../mem/ram.js';
import { BootRom, MROM_BASE, MROM_SIZE } from './boot-rom.js';
import { ImageError, isElf, parseElf } from './elf.js';

/** The virt board's memory map (QEMU 7.2 `hw/riscv/virt.c`). */
export const VIRT_MAP = {
  testFinisher: 0x100000,
  aclint: 0x2000000,
  uart0: 0x10000000,
  dram: 0x80000000,
} as const;

/** A guest image given to the machine: its bytes and a name for messages. */
export interface GuestImage {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** How to build the board. */
export interface VirtConfig {
  /** RAM size in MiB (QEMU's default is 128). */
  readonly memoryMiB: number;
  /** Number of harts. */
  readonly harts: number;
  /** The kernel image (ELF, or raw placed at the start of RAM). */
  readonly kernel: GuestImage;
  /** Console output (UART and HTIF), one byte at a time. */
  readonly console: (byte: number) => void;
  /** The deterministic clock, in ACLINT ticks (10 MHz). */
  readonly time: TimeSource;
  /** Called when the guest powers off, fails or resets through a device. */
  readonly onFinish: (event: FinishEvent) => void;
}

/** An interrupt line that goes nowhere until the PLIC exists (the UART's). */
const unconnectedLine: IrqLine = { set: () => {} };

/**
 * The `virt` board: harts, RAM, the mask ROM with QEMU's reset vector,
 * ACLINT, UART, test finisher, and the HTIF when the kernel defines `tohost`.
 */
export class VirtMachine {
  readonly ram: Ram;
  readonly bus: Bus;
  readonly harts: Hart[] = [];
  readonly aclint: Aclint;
  readonly uart: Uart16550;
  /** Entry point the reset vector jumps to. */
  readonly entry: bigint;
  /** ELF symbols of the kernel (empty for raw images). */
  readonly symbols: Map<string, bigint>;

  /** @throws ImageError when the kernel cannot be loaded. */
  constructor(readonly config: VirtConfig) {
    this.ram = new Ram(VIRT_MAP.dram, config.memoryMiB * 1024 * 1024);
    this.bus = new Bus(this.ram);
    for (let i = 0; i < config.harts; i++) {
      const hart = new Hart(i);
      hart.pc = MROM_BASE;
      this.harts.push(hart);
    }
    const loaded = this.loadKernel(config.kernel);
    this.entry = loaded.entry;
    this.symbols = loaded.symbols;
    const fdtAddress = BigInt(fdtLoadAddress(this.ram));
    this.bus.map(MROM_BASE, MROM_SIZE, new BootRom({ startAddress: this.entry, fdtAddress, nextAddress: this.entry }));
    this.bus.map(VIRT_MAP.testFinisher, TEST_FINISHER_WINDOW_SIZE, new TestFinisher(config.onFinish));
    this.aclint = new Aclint({ harts: this.harts, time: config.time });
    this.bus.map(VIRT_MAP.aclint, ACLINT_WINDOW_SIZE, this.aclint);
    this.uart = new Uart16550({
      irq: unconnectedLine,
      output: config.console,
      clock: () => config.time.now() * 100n,
    });
    this.bus.map(VIRT_MAP.uart0, UART_WINDOW_SIZE, this.uart);
    const layout = htifLayout({ tohost: this.symbols.get('tohost'), fromhost: this.symbols.get('fromhost') });
    if (layout !== null) {
      const htif = new Htif({ layout, output: config.console, onFinish: config.onFinish });
      this.bus.map(Number(layout.base), layout.size, htif);
    }
  }

  private loadKernel(image: GuestImage): { entry: bigint; symbols: Map<string, bigint> } {
    const ram = this.ram;
    if (!isElf(image.bytes)) {
      if (image.bytes.length === 0) throw new ImageError(image.name, 'the file is empty');
      if (image.bytes.length > ram.size) {
        throw new ImageError(image.name, `raw image of ${image.bytes.length} bytes does not fit in ${ram.size >> 20} MiB of RAM`);
      }
      ram.load(ram.base, image.bytes);
      return { entry: BigInt(ram.base), symbols: new Map() };
    }
    const elf = parseElf(image.bytes, image.name);
    for (const segment of elf.segments) {
      const start = Number(segment.paddr);
      const size = Number(segment.memsz);
      if (!ram.contains(start, size)) {
        const end = segment.paddr + segment.memsz;
        throw new ImageError(image.name, `segment at 0x${segment.paddr.toString(16)}-0x${end.toString(16)} lies outside RAM (0x${ram.base.toString(16)}-0x${(ram.base + ram.size).toString(16)})`);
      }
      ram.load(start, segment.data);
    }
    return { entry: elf.entry, symbols: elf.symbols };
  }
}

/**
 * Where QEMU 7.2 puts the device tree: the highest 2 MiB-aligned address that
 * leaves room for it below the end of RAM (or below 3 GiB).
 */
export function fdtLoadAddress(ram: Ram, fdtSize = 0x2000): number {
  const end = Math.min(ram.base + ram.size, 3 * 1024 * 1024 * 1024);
  return Math.floor((end - fdtSize) / (2 * 1024 * 1024)) * 2 * 1024 * 1024;
}
