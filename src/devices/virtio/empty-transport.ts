import type { MmioDevice } from '../../mem/device.js';

/** Size of one virtio-mmio transport window on the virt board. */
export const VIRTIO_MMIO_WINDOW_SIZE = 0x1000;
/** "virt" in little-endian ASCII: the MagicValue register. */
const VIRTIO_MMIO_MAGIC = 0x74726976n;
/** QEMU 7.2's virtio-mmio defaults to the legacy interface (force-legacy=on). */
const VIRTIO_MMIO_LEGACY_VERSION = 1n;
/** "QEMU" in little-endian ASCII: the VendorID register. */
const VIRTIO_VENDOR_QEMU = 0x554d4551n;

/**
 * A virtio-mmio transport with no device behind it, as QEMU's virt board has
 * in every slot not given a `-device`: it answers the identification
 * registers (magic, version, DeviceID 0 = none, vendor) so guests probing
 * the eight slots find them empty; everything else reads 0 and ignores
 * writes. It has no state to save.
 */
export class EmptyVirtioTransport implements MmioDevice {
  constructor(readonly name: string) {}

  read(offset: number, size: 1 | 2 | 4 | 8): bigint {
    if (size !== 4) return 0n;
    switch (offset) {
      case 0x000: return VIRTIO_MMIO_MAGIC;
      case 0x004: return VIRTIO_MMIO_LEGACY_VERSION;
      case 0x00c: return VIRTIO_VENDOR_QEMU;
      default: return 0n;
    }
  }

  write(): void {}
}
