import type { MmioDevice } from '../mem/device.js';

/** Size of the virt board's PCIe ECAM window (256 buses). */
export const PCIE_ECAM_SIZE = 0x10000000;

/**
 * The configuration space of QEMU's `gpex-pcihost` bridge (device 00:00.0):
 * Red Hat vendor 0x1b36, device 0x0008, class "host bridge" (0x060000),
 * subsystem 0x1af4:0x1100, header type 0; the rest reads 0.
 */
const HOST_BRIDGE_HEADER: ReadonlyArray<[offset: number, value: number]> = [
  [0x00, 0x00081b36],
  [0x08, 0x06000000],
  [0x2c, 0x11001af4],
];

/**
 * The PCIe ECAM window of QEMU's virt board with no PCI devices attached:
 * the host bridge at 00:00.0 and, everywhere else, all ones (no device), so
 * firmware that enumerates the bus finds it empty, as on QEMU without
 * `-device`. Configuration writes are ignored: the host bridge has no BARs.
 */
export class EmptyPcieHost implements MmioDevice {
  readonly name = 'pcie-ecam';

  read(offset: number, size: 1 | 2 | 4 | 8): bigint {
    const functionBase = offset & ~0xfff;
    if (functionBase !== 0) return (1n << BigInt(size * 8)) - 1n;
    let value = 0n;
    for (let i = size - 1; i >= 0; i--) value = (value << 8n) | BigInt(this.hostBridgeByte((offset & 0xfff) + i));
    return value;
  }

  write(): void {}

  private hostBridgeByte(register: number): number {
    for (const [offset, word] of HOST_BRIDGE_HEADER) {
      if (register >= offset && register < offset + 4) return (word >>> (8 * (register - offset))) & 0xff;
    }
    return 0;
  }
}
