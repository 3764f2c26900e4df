/**
 * The device tree of QEMU 7.2's `virt` board (`qemu-system-riscv64 -M virt`,
 * default rv64 CPU, one socket, no AIA), rebuilt call for call in the order
 * of QEMU's `create_fdt` (hw/riscv/virt.c) and `virt_machine_done`, so that
 * header, strings block, node and property order, name offsets and values all
 * equal QEMU's `dumpdtb` output. Two things differ: the `rng-seed` value (see
 * {@link FIXED_RNG_SEED}), and the alignment padding after property values,
 * which is zero here but holds stale bytes in QEMU's (libfdt does not clear it
 * when it moves data; no guest reads past a property's length).
 */
import { FdtWriter } from './writer.js';

/** What the tree depends on: the same knobs as QEMU's `-m`, `-smp`, `-append`, `-initrd`. */
export interface VirtFdtConfig {
  /** RAM size in bytes (RAM starts at 0x80000000). */
  memoryBytes: number;
  /** Number of harts (QEMU's `-smp`), all in socket 0 / cluster 0. */
  harts: number;
  /** Kernel command line; omitted or empty means no `bootargs` property, as in QEMU. */
  bootargs?: string;
  /** Where the initrd lies in guest memory, `end` exclusive (QEMU's `linux,initrd-start/end`). */
  initrd?: { start: bigint; end: bigint };
}

/**
 * The `/chosen/rng-seed` value. QEMU 7.2 fills these 32 bytes from the host's
 * random generator on every start; dejavm writes this fixed value instead,
 * because guest-visible state may only depend on images, config and logged
 * input (design rule 1). A guest that needs fresh entropy gets it through
 * its virtio-rng device, which goes through `nondet`.
 */
export const FIXED_RNG_SEED: Uint8Array = new TextEncoder().encode('dejavm deterministic rng-seed v1');

/**
 * Size QEMU 7.2 assumes for the tree when it chooses the load address: the
 * size of the buffer it builds the tree in (`FDT_MAX_SIZE`, 1 MiB), taken
 * before the tree is packed. It also copies that whole buffer into RAM.
 */
export const QEMU_FDT_BUFFER_SIZE = 0x100000;

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** QEMU 7.2 `virt` memory map entries the tree names. */
const VIRT_MEMORY = {
  test: { base: 0x100000, size: 0x1000 },
  rtc: { base: 0x101000, size: 0x1000 },
  clint: { base: 0x2000000, size: 0x10000 },
  platformBus: { base: 0x4000000, size: 0x2000000 },
  plic: { base: 0xc000000, size: 0x600000 },
  uart0: { base: 0x10000000, size: 0x100 },
  virtio: { base: 0x10001000, size: 0x1000 },
  fwCfg: { base: 0x10100000, size: 0x18 },
  flash: { base: 0x20000000, size: 0x4000000 },
  pcieMmio: { base: 0x40000000, size: 0x40000000 },
  pciePio: { base: 0x3000000, size: 0x10000 },
  pcieEcam: { base: 0x30000000, size: 0x10000000 },
  dram: { base: 0x80000000 },
} as const;

const VIRTIO_COUNT = 8;
const VIRTIO_IRQ = 1;
const UART0_IRQ = 10;
const RTC_IRQ = 11;
const PCIE_IRQ = 0x20;
const PCI_NUM_PINS = 4;
const PLIC_NUM_SOURCES = 97;
const UART_CLOCK_HZ = 3686400;
const TIMEBASE_HZ = 10_000_000;
const HIGH_PCIE_MMIO_SIZE = 16 * GiB;
const IRQ_M_SOFT = 3;
const IRQ_M_TIMER = 7;
const IRQ_S_EXT = 9;
const IRQ_M_EXT = 11;
/**
 * The ISA dejavm's harts implement, as QEMU 7.2 spells it for `-cpu rv64` with
 * the extensions dejavm lacks switched off (see test/support/qemu-cpu.ts):
 * advertising H, Zb*, Sstc or Zihintpause would invite guests to use them.
 */
const CPU_ISA = 'rv64imafdc_zicsr_zifencei';
const CPU_MMU = 'riscv,sv48';
/**
 * QEMU's `riscv_pmu_generate_fdt_node` table with `pmu-num=0` (no programmable
 * counters, as dejavm: its counter masks then come out as QEMU computes them).
 */
const PMU_EVENT_TO_COUNTERS = [
  0x1, 0x1, 0xfffffff9, 0x2, 0x2, 0xfffffffc, 0x10019, 0x10019, 0xfffffff8, 0x1001b, 0x1001b, 0xfffffff8, 0x10021, 0x10021, 0xfffffff8, 0, 0, 0, 0, 0,
];

/** `[high, low]` cells of a 64-bit number. */
function cells64(value: number): [number, number] {
  return [Math.floor(value / 2 ** 32), value % 2 ** 32];
}

/** A `reg` of two-cell address and two-cell size. */
function reg(base: number, size: number): number[] {
  return [...cells64(base), ...cells64(size)];
}

/**
 * Where QEMU 7.2 loads the initrd (hw/riscv/boot.c `riscv_load_initrd`):
 * `kernelEntry` plus half the RAM, at most 128 MiB further.
 */
export function qemuInitrdStart(kernelEntry: bigint, memoryBytes: number): bigint {
  return kernelEntry + BigInt(Math.min(Math.floor(memoryBytes / 2), 128 * MiB));
}

function validate(config: VirtFdtConfig): void {
  if (!Number.isSafeInteger(config.memoryBytes) || config.memoryBytes <= 0) {
    throw new RangeError(`memoryBytes must be a positive integer, got ${config.memoryBytes}`);
  }
  if (!Number.isInteger(config.harts) || config.harts < 1 || config.harts > 512) {
    throw new RangeError(`harts must be 1..512, got ${config.harts}`);
  }
  const initrd = config.initrd;
  if (initrd !== undefined && (initrd.start > initrd.end || initrd.end > 0xffffffffn || initrd.start < 0n)) {
    throw new RangeError('initrd must satisfy 0 <= start <= end < 4 GiB (QEMU writes one-cell addresses)');
  }
}

function addCpus(fdt: FdtWriter, harts: number): number[] {
  fdt.addSubnode('/', 'cpus');
  fdt.setCell('/cpus', 'timebase-frequency', TIMEBASE_HZ);
  fdt.setCell('/cpus', '#size-cells', 0);
  fdt.setCell('/cpus', '#address-cells', 1);
  fdt.addSubnode('/cpus', 'cpu-map');
  const cluster = fdt.addSubnode('/cpus/cpu-map', 'cluster0');
  const intcPhandles: number[] = new Array<number>(harts);
  for (let hart = harts - 1; hart >= 0; hart--) {
    const cpuPhandle = fdt.allocatePhandle();
    const cpu = fdt.addSubnode('/cpus', `cpu@${hart.toString(16)}`);
    fdt.setString(cpu, 'mmu-type', CPU_MMU);
    fdt.setString(cpu, 'riscv,isa', CPU_ISA);
    fdt.setString(cpu, 'compatible', 'riscv');
    fdt.setString(cpu, 'status', 'okay');
    fdt.setCell(cpu, 'reg', hart);
    fdt.setString(cpu, 'device_type', 'cpu');
    fdt.setCell(cpu, 'phandle', cpuPhandle);

    const intcPhandle = fdt.allocatePhandle();
    intcPhandles[hart] = intcPhandle;
    const intc = fdt.addSubnode(cpu, 'interrupt-controller');
    fdt.setCell(intc, 'phandle', intcPhandle);
    fdt.setString(intc, 'compatible', 'riscv,cpu-intc');
    fdt.setEmpty(intc, 'interrupt-controller');
    fdt.setCell(intc, '#interrupt-cells', 1);

    const core = fdt.addSubnode(cluster, `core${hart}`);
    fdt.setCell(core, 'cpu', cpuPhandle);
  }
  return intcPhandles;
}

function addInterruptControllers(fdt: FdtWriter, intcPhandles: readonly number[]): number {
  const clint = fdt.addSubnode('/soc', `clint@${VIRT_MEMORY.clint.base.toString(16)}`);
  fdt.setStringList(clint, 'compatible', ['sifive,clint0', 'riscv,clint0']);
  fdt.setCells(clint, 'reg', reg(VIRT_MEMORY.clint.base, VIRT_MEMORY.clint.size));
  fdt.setCells(clint, 'interrupts-extended', intcPhandles.flatMap((intc) => [intc, IRQ_M_SOFT, intc, IRQ_M_TIMER]));

  const plicPhandle = fdt.allocatePhandle();
  const plic = fdt.addSubnode('/soc', `plic@${VIRT_MEMORY.plic.base.toString(16)}`);
  fdt.setCell(plic, '#interrupt-cells', 1);
  fdt.setCell(plic, '#address-cells', 0);
  fdt.setStringList(plic, 'compatible', ['sifive,plic-1.0.0', 'riscv,plic0']);
  fdt.setEmpty(plic, 'interrupt-controller');
  fdt.setCells(plic, 'interrupts-extended', intcPhandles.flatMap((intc) => [intc, IRQ_M_EXT, intc, IRQ_S_EXT]));
  fdt.setCells(plic, 'reg', reg(VIRT_MEMORY.plic.base, VIRT_MEMORY.plic.size));
  fdt.setCell(plic, 'riscv,ndev', PLIC_NUM_SOURCES - 1);
  fdt.setCell(plic, 'phandle', plicPhandle);

  const bus = fdt.addSubnode('/', `platform-bus@${VIRT_MEMORY.platformBus.base.toString(16)}`);
  fdt.setStringList(bus, 'compatible', ['qemu,platform', 'simple-bus']);
  fdt.setCell(bus, '#size-cells', 1);
  fdt.setCell(bus, '#address-cells', 1);
  fdt.setCells(bus, 'ranges', [0, 0, VIRT_MEMORY.platformBus.base, VIRT_MEMORY.platformBus.size]);
  fdt.setCell(bus, 'interrupt-parent', plicPhandle);
  return plicPhandle;
}

/** A `/soc` device with one register window and one PLIC interrupt, in QEMU's property order. */
interface SocDevice {
  name: string;
  compatible: string;
  base: number;
  size: number;
  irq: number;
  clockFrequency?: number;
}

function addSocDevice(fdt: FdtWriter, device: SocDevice, plic: number): string {
  const { name, compatible, base, size, irq, clockFrequency } = device;
  const node = fdt.addSubnode('/soc', `${name}@${base.toString(16)}`);
  fdt.setString(node, 'compatible', compatible);
  fdt.setCells(node, 'reg', reg(base, size));
  if (clockFrequency !== undefined) fdt.setCell(node, 'clock-frequency', clockFrequency);
  fdt.setCell(node, 'interrupt-parent', plic);
  fdt.setCell(node, 'interrupts', irq);
  return node;
}

function addPcie(fdt: FdtWriter, plicPhandle: number, memoryBytes: number): void {
  const { pcieEcam: ecam, pciePio: pio, pcieMmio: mmio } = VIRT_MEMORY;
  const highBase = Math.ceil((VIRT_MEMORY.dram.base + memoryBytes) / HIGH_PCIE_MMIO_SIZE) * HIGH_PCIE_MMIO_SIZE;
  const pci = fdt.addSubnode('/soc', `pci@${ecam.base.toString(16)}`);
  fdt.setCell(pci, '#address-cells', 3);
  fdt.setCell(pci, '#interrupt-cells', 1);
  fdt.setCell(pci, '#size-cells', 2);
  fdt.setString(pci, 'compatible', 'pci-host-ecam-generic');
  fdt.setString(pci, 'device_type', 'pci');
  fdt.setCell(pci, 'linux,pci-domain', 0);
  fdt.setCells(pci, 'bus-range', [0, ecam.size / MiB - 1]);
  fdt.setEmpty(pci, 'dma-coherent');
  fdt.setCells(pci, 'reg', reg(ecam.base, ecam.size));
  fdt.setCells(pci, 'ranges', [
    0x1000000, 0, 0, ...cells64(pio.base), ...cells64(pio.size),
    0x2000000, ...cells64(mmio.base), ...cells64(mmio.base), ...cells64(mmio.size),
    0x3000000, ...cells64(highBase), ...cells64(highBase), ...cells64(HIGH_PCIE_MMIO_SIZE),
  ]);
  const interruptMap: number[] = [];
  for (let slot = 0; slot < PCI_NUM_PINS; slot++) {
    for (let pin = 0; pin < PCI_NUM_PINS; pin++) {
      interruptMap.push(slot << 11, 0, 0, pin + 1, plicPhandle, PCIE_IRQ + ((pin + slot) % PCI_NUM_PINS));
    }
  }
  fdt.setCells(pci, 'interrupt-map', interruptMap);
  fdt.setCells(pci, 'interrupt-map-mask', [0x1800, 0, 0, 0x7]);
}

function addResetDevices(fdt: FdtWriter): void {
  const testPhandle = fdt.allocatePhandle();
  const test = fdt.addSubnode('/soc', `test@${VIRT_MEMORY.test.base.toString(16)}`);
  fdt.setStringList(test, 'compatible', ['sifive,test1', 'sifive,test0', 'syscon']);
  fdt.setCells(test, 'reg', reg(VIRT_MEMORY.test.base, VIRT_MEMORY.test.size));
  fdt.setCell(test, 'phandle', testPhandle);
  for (const [name, value] of [['reboot', 0x7777], ['poweroff', 0x5555]] as const) {
    const node = fdt.addSubnode('/', name);
    fdt.setString(node, 'compatible', `syscon-${name}`);
    fdt.setCell(node, 'regmap', testPhandle);
    fdt.setCell(node, 'offset', 0);
    fdt.setCell(node, 'value', value);
  }
}

/**
 * Builds the DTB QEMU 7.2 hands to guests of `-M virt -m <memoryBytes>
 * -smp <harts> [-append <bootargs>] [-kernel ... -initrd ...]`. Deterministic:
 * `/chosen/rng-seed` is {@link FIXED_RNG_SEED}.
 */
export function buildVirtFdt(config: VirtFdtConfig): Uint8Array {
  validate(config);
  const fdt = new FdtWriter();
  fdt.setString('/', 'model', 'riscv-virtio,qemu');
  fdt.setString('/', 'compatible', 'riscv-virtio');
  fdt.setCell('/', '#size-cells', 2);
  fdt.setCell('/', '#address-cells', 2);

  fdt.addSubnode('/', 'soc');
  fdt.setEmpty('/soc', 'ranges');
  fdt.setString('/soc', 'compatible', 'simple-bus');
  fdt.setCell('/soc', '#size-cells', 2);
  fdt.setCell('/soc', '#address-cells', 2);

  const intcPhandles = addCpus(fdt, config.harts);
  const memory = fdt.addSubnode('/', `memory@${VIRT_MEMORY.dram.base.toString(16)}`);
  fdt.setCells(memory, 'reg', reg(VIRT_MEMORY.dram.base, config.memoryBytes));
  fdt.setString(memory, 'device_type', 'memory');
  const plic = addInterruptControllers(fdt, intcPhandles);

  for (let index = 0; index < VIRTIO_COUNT; index++) {
    const base = VIRT_MEMORY.virtio.base + index * VIRT_MEMORY.virtio.size;
    addSocDevice(fdt, { name: 'virtio_mmio', compatible: 'virtio,mmio', base, size: VIRT_MEMORY.virtio.size, irq: VIRTIO_IRQ + index }, plic);
  }
  addPcie(fdt, plic, config.memoryBytes);
  addResetDevices(fdt);
  const serial = addSocDevice(fdt, { name: 'serial', compatible: 'ns16550a', ...VIRT_MEMORY.uart0, irq: UART0_IRQ, clockFrequency: UART_CLOCK_HZ }, plic);
  fdt.addSubnode('/', 'chosen');
  fdt.setString('/chosen', 'stdout-path', serial);
  addSocDevice(fdt, { name: 'rtc', compatible: 'google,goldfish-rtc', ...VIRT_MEMORY.rtc, irq: RTC_IRQ }, plic);

  const flash = fdt.addSubnode('/', `flash@${VIRT_MEMORY.flash.base.toString(16)}`);
  const bankSize = VIRT_MEMORY.flash.size / 2;
  fdt.setString(flash, 'compatible', 'cfi-flash');
  fdt.setCells(flash, 'reg', [...reg(VIRT_MEMORY.flash.base, bankSize), ...reg(VIRT_MEMORY.flash.base + bankSize, bankSize)]);
  fdt.setCell(flash, 'bank-width', 4);

  const fwCfg = fdt.addSubnode('/', `fw-cfg@${VIRT_MEMORY.fwCfg.base.toString(16)}`);
  fdt.setString(fwCfg, 'compatible', 'qemu,fw-cfg-mmio');
  fdt.setCells(fwCfg, 'reg', reg(VIRT_MEMORY.fwCfg.base, VIRT_MEMORY.fwCfg.size));
  fdt.setEmpty(fwCfg, 'dma-coherent');

  fdt.addSubnode('/', 'pmu');
  fdt.setString('/pmu', 'compatible', 'riscv,pmu');
  fdt.setCells('/pmu', 'riscv,event-to-mhpmcounters', PMU_EVENT_TO_COUNTERS);

  if (config.bootargs !== undefined && config.bootargs !== '') fdt.setString('/chosen', 'bootargs', config.bootargs);
  fdt.setProperty('/chosen', 'rng-seed', FIXED_RNG_SEED);
  if (config.initrd !== undefined) {
    fdt.setCell('/chosen', 'linux,initrd-start', Number(config.initrd.start));
    fdt.setCell('/chosen', 'linux,initrd-end', Number(config.initrd.end));
  }
  return fdt.finish();
}
