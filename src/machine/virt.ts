import { IRQ } from '../cpu/constants.js';
import { Hart } from '../cpu/hart.js';
import { Aclint, ACLINT_WINDOW_SIZE, type TimeSource } from '../devices/aclint.js';
import type { FinishEvent } from '../devices/finish.js';
import { GoldfishRtc, GOLDFISH_RTC_WINDOW_SIZE } from '../devices/goldfish-rtc.js';
import { Htif, htifLayout } from '../devices/htif.js';
import { EmptyPcieHost, PCIE_ECAM_SIZE } from '../devices/pcie-host.js';
import { Pflash01, PFLASH_BANK_SIZE } from '../devices/pflash-cfi01.js';
import { Plic, plicWindowSize } from '../devices/plic.js';
import { TestFinisher, TEST_FINISHER_WINDOW_SIZE } from '../devices/test-finisher.js';
import { Uart16550, UART_WINDOW_SIZE } from '../devices/uart16550.js';
import { EmptyVirtioTransport, VIRTIO_MMIO_WINDOW_SIZE } from '../devices/virtio/empty-transport.js';
import { Bus } from '../mem/bus.js';
import { Ram } from '../mem/ram.js';
import { BootRom, MROM_BASE, MROM_SIZE } from './boot-rom.js';
import { ImageError, isElf, parseElf } from './elf.js';
import { buildVirtFdt, QEMU_FDT_BUFFER_SIZE, qemuInitrdStart } from './fdt/virt-fdt.js';

/** The virt board's memory map (QEMU 7.2 `hw/riscv/virt.c`). */
export const VIRT_MAP = {
  testFinisher: 0x100000,
  rtc: 0x101000,
  aclint: 0x2000000,
  plic: 0xc000000,
  uart0: 0x10000000,
  virtio: 0x10001000,
  flash: 0x20000000,
  pcieEcam: 0x30000000,
  dram: 0x80000000,
} as const;

/** Number of virtio-mmio transports on the board (QEMU's VIRTIO_COUNT). */
export const VIRTIO_COUNT = 8;

/** PLIC interrupt sources of the virt board's devices. */
export const VIRT_IRQ = { uart0: 10, rtc: 11 } as const;

/** Where QEMU puts a raw kernel after firmware: the next 2 MiB boundary (RV64). */
const KERNEL_ALIGNMENT = 2 * 1024 * 1024;

/** An image in RAM: where it lies, where it starts, its symbols. */
interface LoadedImage {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly entry: bigint;
  readonly symbols: Map<string, bigint>;
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

function hexRange(start: number, end: number): string {
  return `0x${start.toString(16)}-0x${end.toString(16)}`;
}

/**
 * The ACLINT's view of a hart under the VMM's built-in firmware: the machine
 * timer arrives as the supervisor timer (STIP), as OpenSBI forwards it, so it
 * drops when the guest programs a later deadline; the machine software
 * interrupt, which only firmware uses, goes nowhere.
 */
class SupervisorTimerTarget {
  constructor(private readonly hart: Hart) {}

  setPending(mask: number, level: boolean): void {
    if ((mask & IRQ.MTI) !== 0) this.hart.setPending(IRQ.STI, level);
  }
}

/** The most RAM the board takes: 4 GiB, the largest byte array the JavaScript engine allocates. */
export const MAX_MEMORY_MIB = 4096;

/** Nanoseconds per ACLINT tick (10 MHz). */
export const NS_PER_TICK = 100n;

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
  /**
   * Firmware started by the reset vector (QEMU's `-bios FILE`): ELF, or raw at
   * the start of RAM. Without it, the reset vector jumps to the kernel.
   */
  readonly bios?: GuestImage;
  /**
   * The VMM answers S-mode ECALLs itself (`--bios builtin`): the ACLINT's
   * machine timer is delivered as the supervisor timer, as OpenSBI forwards it.
   */
  readonly builtinFirmware?: boolean;
  /**
   * The kernel image (ELF, or raw: at the start of RAM without firmware, else at
   * the first 2 MiB boundary after the firmware, as QEMU places it).
   */
  readonly kernel?: GuestImage;
  /** Initial ramdisk (QEMU's `-initrd`), placed as QEMU places it after the kernel. */
  readonly initrd?: GuestImage;
  /** Kernel command line (QEMU's `-append`), in the device tree's /chosen/bootargs. */
  readonly append?: string;
  /** Console output (UART and HTIF), one byte at a time. */
  readonly console: (byte: number) => void;
  /** The deterministic clock, in ACLINT ticks (10 MHz). */
  readonly time: TimeSource;
  /** Called when the guest powers off, fails or resets through a device. */
  readonly onFinish: (event: FinishEvent) => void;
}

/**
 * The `virt` board: harts, RAM with the device tree QEMU would generate
 * (placed where QEMU places it), the mask ROM with QEMU's reset vector,
 * ACLINT, PLIC, UART, Goldfish RTC, test finisher, two blank CFI flash
 * banks, the PCIe host bridge (ECAM, no devices), eight empty virtio-mmio
 * slots, and the HTIF when the kernel defines `tohost`.
 *
 * Devices see time only through `config.time` (ACLINT ticks); the UART and
 * RTC get it in nanoseconds, the RTC counting from the Unix epoch at tick 0
 * (virtual time has no wall clock to start from).
 */
export class VirtMachine {
  readonly ram: Ram;
  readonly bus: Bus;
  readonly harts: Hart[] = [];
  readonly aclint: Aclint;
  readonly plic: Plic;
  readonly uart: Uart16550;
  readonly rtc: GoldfishRtc;
  /** Guest-physical address of the device tree. */
  readonly fdtAddress: number;
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
    const loaded: LoadedImage[] = [];
    const firmware = config.bios === undefined ? undefined : this.loadImage(config.bios, this.ram.base, loaded);
    // With built-in firmware the kernel goes where it would follow OpenSBI (the
    // first 2 MiB), since S-mode kernels such as U-Boot are linked for 0x80200000.
    const firmwareEnd = firmware?.end ?? (config.builtinFirmware === true ? this.ram.base + 1 : undefined);
    const kernelAddress = firmwareEnd === undefined ? this.ram.base : alignUp(firmwareEnd, KERNEL_ALIGNMENT);
    const kernel = config.kernel === undefined ? undefined : this.loadImage(config.kernel, kernelAddress, loaded);
    const first = firmware ?? kernel;
    if (first === undefined) throw new ImageError('(none)', 'give a kernel or a firmware image');
    this.entry = first.entry;
    this.symbols = new Map([...(firmware?.symbols ?? []), ...(kernel?.symbols ?? [])]);
    const initrd = this.loadInitrd(config.initrd, kernel, loaded);
    const fdt = buildVirtFdt({ memoryBytes: this.ram.size, harts: config.harts, bootargs: config.append, initrd });
    this.fdtAddress = fdtLoadAddress(this.ram);
    const fdtAddress = this.fdtAddress;
    this.ram.load(fdtAddress, fdt);
    const nextAddress = kernel?.entry ?? 0n;
    this.bus.map(MROM_BASE, MROM_SIZE, new BootRom({ startAddress: this.entry, fdtAddress: BigInt(fdtAddress), nextAddress }));
    this.bus.map(VIRT_MAP.testFinisher, TEST_FINISHER_WINDOW_SIZE, new TestFinisher(config.onFinish));
    const timerTargets = config.builtinFirmware === true ? this.harts.map((h) => new SupervisorTimerTarget(h)) : this.harts;
    this.aclint = new Aclint({ harts: timerTargets, time: config.time });
    this.bus.map(VIRT_MAP.aclint, ACLINT_WINDOW_SIZE, this.aclint);
    this.plic = new Plic({ harts: this.harts });
    this.bus.map(VIRT_MAP.plic, plicWindowSize(config.harts), this.plic);
    const nanoseconds = (): bigint => config.time.now() * NS_PER_TICK;
    this.uart = new Uart16550({ irq: this.plic.irqLine(VIRT_IRQ.uart0), output: config.console, clock: nanoseconds });
    this.bus.map(VIRT_MAP.uart0, UART_WINDOW_SIZE, this.uart);
    this.rtc = new GoldfishRtc({ irq: this.plic.irqLine(VIRT_IRQ.rtc), clock: nanoseconds });
    this.bus.map(VIRT_MAP.rtc, GOLDFISH_RTC_WINDOW_SIZE, this.rtc);
    for (let bank = 0; bank < 2; bank++) {
      this.bus.map(VIRT_MAP.flash + bank * PFLASH_BANK_SIZE, PFLASH_BANK_SIZE, new Pflash01({ name: `flash${bank}`, size: PFLASH_BANK_SIZE }));
    }
    this.bus.map(VIRT_MAP.pcieEcam, PCIE_ECAM_SIZE, new EmptyPcieHost());
    for (let slot = 0; slot < VIRTIO_COUNT; slot++) {
      const base = VIRT_MAP.virtio + slot * VIRTIO_MMIO_WINDOW_SIZE;
      this.bus.map(base, VIRTIO_MMIO_WINDOW_SIZE, new EmptyVirtioTransport(`virtio${slot}`));
    }
    const layout = htifLayout({ tohost: this.symbols.get('tohost'), fromhost: this.symbols.get('fromhost') });
    if (layout !== null) {
      const htif = new Htif({ layout, output: config.console, onFinish: config.onFinish });
      this.bus.map(Number(layout.base), layout.size, htif);
    }
  }

  /**
   * The earliest time (in ACLINT ticks) at which a device has something to do
   * (a timer compare, the UART's receive timeout, an RTC alarm), or null.
   */
  nextDeadline(): bigint | null {
    let earliest = this.aclint.nextDeadline();
    for (const ns of [this.uart.nextDeadline(), this.rtc.nextDeadline()]) {
      if (ns === null) continue;
      const ticks = (ns + NS_PER_TICK - 1n) / NS_PER_TICK;
      if (earliest === null || ticks < earliest) earliest = ticks;
    }
    return earliest;
  }

  /** Let every time-driven device act on the current time. */
  syncDevices(): void {
    this.aclint.sync();
    this.uart.sync();
    this.rtc.sync();
  }

  /**
   * Place the initrd as QEMU 7.2 does: at the kernel entry plus half the RAM,
   * or plus 128 MiB with 256 MiB of RAM or more.
   */
  private loadInitrd(image: GuestImage | undefined, kernel: LoadedImage | undefined, loaded: LoadedImage[]): { start: bigint; end: bigint } | undefined {
    if (image === undefined) return undefined;
    if (kernel === undefined) throw new ImageError(image.name, 'an initrd needs a kernel (--kernel) to follow');
    if (image.bytes.length === 0) throw new ImageError(image.name, 'the file is empty');
    const start = qemuInitrdStart(kernel.entry, this.ram.size);
    const placed = this.placeBytes(image.name, Number(start), image.bytes, loaded);
    return { start, end: BigInt(placed.end) };
  }

  /** Refuse `[start, start + size)` for image `name` if it is not in RAM or overlaps an image loaded before. */
  private checkPlacement(name: string, start: number, size: number, loaded: readonly LoadedImage[]): void {
    const end = start + size;
    const ram = this.ram;
    if (!ram.contains(start, size)) {
      throw new ImageError(name, `${hexRange(start, end)} (${size} bytes) does not fit in RAM ${hexRange(ram.base, ram.base + ram.size)}`);
    }
    for (const other of loaded) {
      if (start < other.end && end > other.start) throw new ImageError(name, `${hexRange(start, end)} overlaps ${other.name} at ${hexRange(other.start, other.end)}`);
    }
  }

  /** Copy `bytes` to `start` after `checkPlacement`. */
  private placeBytes(name: string, start: number, bytes: Uint8Array, loaded: LoadedImage[]): LoadedImage {
    const end = start + bytes.length;
    this.checkPlacement(name, start, bytes.length, loaded);
    this.ram.load(start, bytes);
    const result = { name, start, end, entry: BigInt(start), symbols: new Map<string, bigint>() };
    loaded.push(result);
    return result;
  }

  /**
   * Load an ELF at its physical addresses, or a raw image at `rawAddress`,
   * refusing images outside RAM or overlapping one loaded before.
   */
  private loadImage(image: GuestImage, rawAddress: number, loaded: LoadedImage[]): LoadedImage {
    const ram = this.ram;
    const pieces: Array<{ start: number; data: Uint8Array; size: number }> = [];
    let entry: bigint;
    let symbols = new Map<string, bigint>();
    if (isElf(image.bytes)) {
      const elf = parseElf(image.bytes, image.name);
      for (const segment of elf.segments) pieces.push({ start: Number(segment.paddr), data: segment.data, size: Number(segment.memsz) });
      entry = elf.entry;
      symbols = elf.symbols;
    } else {
      if (image.bytes.length === 0) throw new ImageError(image.name, 'the file is empty');
      pieces.push({ start: rawAddress, data: image.bytes, size: image.bytes.length });
      entry = BigInt(rawAddress);
    }
    let end = 0;
    for (const piece of pieces) {
      this.checkPlacement(image.name, piece.start, piece.size, loaded);
      end = Math.max(end, piece.start + piece.size);
    }
    for (const piece of pieces) ram.load(piece.start, piece.data);
    const start = Math.min(...pieces.map((p) => p.start));
    const result = { name: image.name, start, end, entry, symbols };
    loaded.push(result);
    return result;
  }

}

/**
 * Where QEMU 7.2 puts the device tree: the highest 2 MiB-aligned address that
 * leaves room for its 1 MiB build buffer below the end of RAM (or below 3 GiB).
 */
export function fdtLoadAddress(ram: Ram): number {
  const end = Math.min(ram.base + ram.size, 3 * 1024 * 1024 * 1024);
  return Math.floor((end - QEMU_FDT_BUFFER_SIZE) / (2 * 1024 * 1024)) * 2 * 1024 * 1024;
}
