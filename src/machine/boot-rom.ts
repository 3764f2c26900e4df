import type { MmioDevice } from '../mem/device.js';

/** Where QEMU's virt board maps its mask ROM, and how large it is. */
export const MROM_BASE = 0x1000;
/** Size of the mask ROM window. */
export const MROM_SIZE = 0xf000;

const FW_DYNAMIC_INFO_MAGIC = 0x4942534fn;
const FW_DYNAMIC_INFO_VERSION = 2n;
const FW_DYNAMIC_NEXT_MODE_S = 1n;

/** What the reset vector hands over (QEMU's `riscv_setup_rom_reset_vec`). */
export interface ResetVectorConfig {
  /** Where the reset vector jumps: the firmware entry, or the kernel's with no firmware. */
  readonly startAddress: bigint;
  /** Guest-physical address of the device tree, passed in a1. */
  readonly fdtAddress: bigint;
  /** fw_dynamic_info.next_addr: the kernel entry OpenSBI jumps to. */
  readonly nextAddress: bigint;
}

/**
 * The virt board's mask ROM with QEMU 7.2's RV64 reset vector:
 * `auipc t0,0; addi a2,t0,40; csrr a0,mhartid; ld a1,32(t0); ld t0,24(t0);
 * jr t0`, then the start and FDT addresses and the fw_dynamic_info that a2
 * points at. Reads anywhere in the window are served; writes are ignored.
 */
export class BootRom implements MmioDevice {
  readonly name = 'mrom';
  private readonly bytes = new Uint8Array(MROM_SIZE);

  constructor(config: ResetVectorConfig) {
    const view = new DataView(this.bytes.buffer);
    const code = [0x00000297, 0x02828613, 0xf1402573, 0x0202b583, 0x0182b283, 0x00028067];
    code.forEach((word, i) => view.setUint32(4 * i, word, true));
    view.setBigUint64(24, config.startAddress, true);
    view.setBigUint64(32, config.fdtAddress, true);
    const info = [FW_DYNAMIC_INFO_MAGIC, FW_DYNAMIC_INFO_VERSION, config.nextAddress, FW_DYNAMIC_NEXT_MODE_S, 0n, 0n];
    info.forEach((value, i) => view.setBigUint64(40 + 8 * i, value, true));
  }

  /** The ROM image (for tests and snapshots: it never changes). */
  contents(): Uint8Array {
    return this.bytes;
  }

  read(offset: number, size: 1 | 2 | 4 | 8): bigint {
    let value = 0n;
    for (let i = size - 1; i >= 0; i--) value = (value << 8n) | BigInt(this.bytes[offset + i] ?? 0);
    return value;
  }

  write(): void {}
}
