import type { MmioDevice } from '../mem/device.js';
import { StateReader, StateWriter } from './state-codec.js';

/** Size of each of the two flash banks on QEMU's `virt` board (0x20000000 and 0x22000000). */
export const PFLASH_BANK_SIZE = 32 * 1024 * 1024;

/** Erase sector size of the `virt` flash banks (`VIRT_FLASH_SECTOR_SIZE`). */
export const PFLASH_SECTOR_SIZE = 256 * 1024;

/** Bus width of a bank in bytes: two x16 devices side by side (`width` = 4, `device-width` = 2). */
const BANK_WIDTH = 4;
const DEVICE_WIDTH = 2;
const DEVICE_COUNT = BANK_WIDTH / DEVICE_WIDTH;
/** Manufacturer (Intel) and device codes the `virt` board sets as `id0` and `id1`. */
const MANUFACTURER_ID = 0x89;
const DEVICE_ID = 0x18;
/** Per-device write buffer is 2^0x0b bytes; the bank's buffer spans both devices. */
const WRITE_BUFFER_LOG2 = 0x0b;
const WRITE_BUFFER_SIZE = (1 << WRITE_BUFFER_LOG2) * DEVICE_COUNT;
const CFI_TABLE_LENGTH = 0x52;

const STATUS_READY = 0x80;
const STATUS_PROGRAM_ERROR = 0x10;

/** Command codes, which QEMU also keeps as the current read mode. */
const CMD_READ_ARRAY_MODE = 0x00;
const CMD_PROGRAM = 0x10;
const CMD_ERASE = 0x20;
const CMD_PROGRAM_ALT = 0x40;
const CMD_CLEAR_STATUS = 0x50;
const CMD_LOCK = 0x60;
const CMD_READ_STATUS = 0x70;
const CMD_READ_ID = 0x90;
const CMD_CFI_QUERY = 0x98;
const CMD_WRITE_BUFFER = 0xe8;
const CMD_READ_ARRAY = 0xff;
const CMD_CONFIRM = 0xd0;
const CMD_LOCK_SET = 0x01;

const NO_BUFFER = -1;
const SNAPSHOT_TAG = 'pflash_cfi01';
const SNAPSHOT_VERSION = 1;
const U64_MASK = 0xffff_ffff_ffff_ffffn;

/** What a flash bank needs from the machine. */
export interface Pflash01Options {
  /** Device name for traces, e.g. `virt.flash0`. */
  readonly name: string;
  /** Bank size in bytes: a multiple of {@link PFLASH_SECTOR_SIZE} (the `virt` board uses {@link PFLASH_BANK_SIZE}). */
  readonly size: number;
}

/**
 * One bank of QEMU's CFI flash with the Intel command set (`hw/block/pflash_cfi01.c`
 * as shipped in Debian's QEMU 7.2 stable, which includes the buffered block
 * write fix), configured as on the `virt` board: 256 KiB sectors, a 32-bit bus
 * of two x16 devices, ids 0x89/0x18, little-endian, writable, no backing file.
 *
 * The model follows QEMU's state machine (`wcycle`, `cmd`, `status`): reads
 * return array data, the status register, device ids or the CFI table
 * depending on the last command; the erase happens at the 0x20 command
 * (0xd0 only confirms) and a program stores the value as written (no
 * AND with the old bits), as QEMU does. Lock commands are accepted and do
 * nothing. Accesses wider than 4 bytes arrive as two 4-byte accesses, low
 * address first, as QEMU's memory core splits them. A blank bank reads as
 * zeros, QEMU's value when no `-drive if=pflash` is given.
 *
 * Contents are kept per sector and allocated on first write, so two blank
 * 32 MiB banks cost nothing.
 */
export class Pflash01 implements MmioDevice {
  /** Short stable name used in traces. */
  readonly name: string;
  /** Size of the MMIO window in bytes (the bank size). */
  readonly size: number;

  private readonly sectors: (Uint8Array | null)[];
  private readonly cfiTable: Uint8Array;
  private wcycle = 0;
  private cmd = CMD_READ_ARRAY_MODE;
  private status = STATUS_READY;
  private counter = 0n;
  private bufferOffset = NO_BUFFER;
  private readonly buffer = new Uint8Array(WRITE_BUFFER_SIZE);

  /**
   * Creates a blank bank in read-array mode with the status register ready.
   * @throws RangeError when `size` is not a positive multiple of the sector size.
   */
  constructor(options: Pflash01Options) {
    const blocks = options.size / PFLASH_SECTOR_SIZE;
    if (!Number.isInteger(blocks) || blocks < 1 || blocks > 0x10000) {
      throw new RangeError(`pflash ${options.name}: size ${options.size} is not 1..65536 sectors of ${PFLASH_SECTOR_SIZE} bytes`);
    }
    this.name = options.name;
    this.size = options.size;
    this.sectors = new Array<Uint8Array | null>(blocks).fill(null);
    this.cfiTable = buildCfiTable(blocks);
  }

  /** Reads array data, status, ids or CFI bytes depending on the current command. */
  read(offset: number, size: 1 | 2 | 4 | 8): bigint {
    if (size === 8) return this.readWord(offset, 4) | (this.readWord(offset + 4, 4) << 32n);
    return this.readWord(offset, size);
  }

  /** Feeds a command or data cycle to the state machine. */
  write(offset: number, size: 1 | 2 | 4 | 8, value: bigint): void {
    if (size === 8) {
      this.writeWord(offset, 4, Number(value & 0xffff_ffffn));
      this.writeWord(offset + 4, 4, Number((value >> 32n) & 0xffff_ffffn));
      return;
    }
    this.writeWord(offset, size, Number(value & ((1n << BigInt(size * 8)) - 1n)));
  }

  /** Serialises the command state, the pending write buffer and every non-blank sector. */
  save(): Uint8Array {
    const writer = new StateWriter(SNAPSHOT_TAG, SNAPSHOT_VERSION)
      .u8(this.wcycle).u8(this.cmd).u8(this.status).u64(this.counter)
      .bool(this.bufferOffset !== NO_BUFFER);
    if (this.bufferOffset !== NO_BUFFER) writer.u32(this.bufferOffset).bytes(this.buffer);
    const written = this.sectors.flatMap((sector, index) => (sector && sector.some((byte) => byte !== 0) ? [index] : []));
    writer.u32(written.length);
    for (const index of written) writer.u32(index).bytes(this.sectors[index] as Uint8Array);
    return writer.finish();
  }

  /**
   * Replaces the state and contents with a snapshot from {@link save}.
   * @throws Error naming the bad field when `state` is malformed or was taken of a bank of another size.
   */
  restore(state: Uint8Array): void {
    const reader = new StateReader(state, SNAPSHOT_TAG, SNAPSHOT_VERSION);
    const wcycle = reader.u8('wcycle');
    reader.check(wcycle <= 3, 'wcycle', `is ${wcycle}, more than 3`);
    const cmd = reader.u8('cmd');
    const status = reader.u8('status');
    const counter = reader.u64('counter');
    let bufferOffset = NO_BUFFER;
    let buffer: Uint8Array | null = null;
    if (reader.bool('buffered')) {
      bufferOffset = reader.u32('bufferOffset');
      reader.check(bufferOffset % WRITE_BUFFER_SIZE === 0 && bufferOffset < this.size, 'bufferOffset', `${bufferOffset} is not a write buffer in the bank`);
      buffer = reader.bytes('buffer', WRITE_BUFFER_SIZE);
      reader.check(buffer.length === WRITE_BUFFER_SIZE, 'buffer', `has ${buffer.length} bytes, not ${WRITE_BUFFER_SIZE}`);
    }
    reader.check(isReachable(wcycle, cmd, buffer !== null), 'cmd', `0x${cmd.toString(16)} with wcycle ${wcycle} is not a state the command set reaches`);
    const sectors = new Array<Uint8Array | null>(this.sectors.length).fill(null);
    const count = reader.u32('sector count');
    let previous = -1;
    for (let i = 0; i < count; i++) {
      const index = reader.u32('sector index');
      reader.check(index > previous && index < sectors.length, 'sector index', `${index} is out of order or past sector ${sectors.length - 1}`);
      const bytes = reader.bytes('sector', PFLASH_SECTOR_SIZE);
      reader.check(bytes.length === PFLASH_SECTOR_SIZE, 'sector', `has ${bytes.length} bytes, not ${PFLASH_SECTOR_SIZE}`);
      sectors[index] = bytes;
      previous = index;
    }
    reader.done();
    this.wcycle = wcycle;
    this.cmd = cmd;
    this.status = status;
    this.counter = counter;
    this.bufferOffset = bufferOffset;
    if (buffer) this.buffer.set(buffer);
    sectors.forEach((sector, index) => { this.sectors[index] = sector; });
  }

  private readWord(offset: number, width: 1 | 2 | 4): bigint {
    if (!this.inBank(offset)) return 0n;
    const mask = width === 4 ? 0xffff_ffff : (1 << (width * 8)) - 1;
    switch (this.cmd) {
      case CMD_PROGRAM:
      case CMD_ERASE:
      case CMD_PROGRAM_ALT:
      case CMD_CLEAR_STATUS:
      case CMD_LOCK:
      case CMD_READ_STATUS:
      case CMD_WRITE_BUFFER:
        return BigInt((replicate(this.status) & mask) >>> 0);
      case CMD_READ_ID:
        return BigInt((replicate(this.idAt(offset)) & mask) >>> 0);
      case CMD_CFI_QUERY:
        return BigInt((replicate(this.cfiAt(offset)) & mask) >>> 0);
      default:
        return this.readArray(offset, width);
    }
  }

  private writeWord(offset: number, width: 1 | 2 | 4, value: number): void {
    if (!this.inBank(offset)) return;
    const command = value & 0xff;
    switch (this.wcycle) {
      case 0:
        this.firstCycle(offset, command);
        return;
      case 1:
        this.secondCycle(offset, width, value, command);
        return;
      case 2:
        this.bufferData(offset, width, value);
        return;
      default:
        this.bufferConfirm(command);
    }
  }

  private firstCycle(offset: number, command: number): void {
    switch (command) {
      case CMD_PROGRAM:
      case CMD_PROGRAM_ALT:
      case CMD_LOCK:
      case CMD_CFI_QUERY:
        break;
      case CMD_ERASE:
        this.eraseSector(offset);
        this.status |= STATUS_READY;
        break;
      case CMD_CLEAR_STATUS:
        this.status = 0;
        this.readArrayMode();
        return;
      case CMD_READ_STATUS:
      case CMD_READ_ID:
        this.cmd = command;
        return;
      case CMD_WRITE_BUFFER:
        this.status |= STATUS_READY;
        break;
      default:
        // 0x00, 0xf0 (AMD probe), 0xff and every unimplemented command return to read-array.
        this.readArrayMode();
        return;
    }
    this.wcycle = 1;
    this.cmd = command;
  }

  private secondCycle(offset: number, width: 1 | 2 | 4, value: number, command: number): void {
    switch (this.cmd) {
      case CMD_PROGRAM:
      case CMD_PROGRAM_ALT:
        this.storeArray(offset, width, value);
        this.status |= STATUS_READY;
        this.wcycle = 0;
        return;
      case CMD_ERASE:
        if (command === CMD_CONFIRM) {
          this.wcycle = 0;
          this.status |= STATUS_READY;
        } else {
          this.readArrayMode();
        }
        return;
      case CMD_WRITE_BUFFER:
        // The word count (minus one) is taken from one device's lanes.
        this.counter = BigInt(value & ((1 << (DEVICE_WIDTH * 8)) - 1));
        this.wcycle = 2;
        this.bufferOffset = alignDown(offset, WRITE_BUFFER_SIZE);
        this.buffer.set(this.arraySlice(this.bufferOffset, WRITE_BUFFER_SIZE));
        return;
      case CMD_LOCK:
        if (command === CMD_CONFIRM || command === CMD_LOCK_SET) {
          this.wcycle = 0;
          this.status |= STATUS_READY;
        } else {
          this.readArrayMode();
        }
        return;
      default:
        // CFI query: only 0xff leaves it; any other write keeps the query mode.
        if (command === CMD_READ_ARRAY) this.readArrayMode();
        return;
    }
  }

  private bufferData(offset: number, width: 1 | 2 | 4, value: number): void {
    if (offset < this.bufferOffset || offset + width > this.bufferOffset + WRITE_BUFFER_SIZE) {
      this.status |= STATUS_PROGRAM_ERROR;
    } else {
      storeLittleEndian(this.buffer, offset - this.bufferOffset, width, value);
    }
    this.status |= STATUS_READY;
    if (this.counter === 0n) this.wcycle = 3;
    // QEMU decrements even past zero; the wrapped count is never used again.
    this.counter = (this.counter - 1n) & U64_MASK;
  }

  private bufferConfirm(command: number): void {
    const commit = command === CMD_CONFIRM && (this.status & STATUS_PROGRAM_ERROR) === 0;
    if (commit) {
      this.storeBytes(this.bufferOffset, this.buffer);
      this.wcycle = 0;
      this.status |= STATUS_READY;
    }
    this.bufferOffset = NO_BUFFER;
    if (!commit) this.readArrayMode();
  }

  /** Whether `offset` is inside the bank; the bus never sends others, and the model ignores them. */
  private inBank(offset: number): boolean {
    return offset >= 0 && offset < this.size;
  }

  private readArrayMode(): void {
    this.wcycle = 0;
    this.cmd = CMD_READ_ARRAY_MODE;
  }

  private idAt(offset: number): number {
    switch ((offset >>> 2) & 0xff) {
      case 0:
        return MANUFACTURER_ID;
      case 1:
        return DEVICE_ID;
      default:
        return 0;
    }
  }

  private cfiAt(offset: number): number {
    const index = offset >>> 2;
    return index < CFI_TABLE_LENGTH ? this.cfiTable[index] : 0;
  }

  private readArray(offset: number, width: 1 | 2 | 4): bigint {
    const bytes = this.arraySlice(offset, width);
    let value = 0;
    for (let i = width - 1; i >= 0; i--) value = value * 256 + bytes[i];
    return BigInt(value);
  }

  /** Copies `length` bytes of the array from `offset`; bytes past the bank read as 0. */
  private arraySlice(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let done = 0; done < length;) {
      const at = offset + done;
      if (at < 0 || at >= this.size) break;
      const within = at % PFLASH_SECTOR_SIZE;
      const chunk = Math.min(length - done, PFLASH_SECTOR_SIZE - within);
      const sector = this.sectors[Math.floor(at / PFLASH_SECTOR_SIZE)];
      if (sector) out.set(sector.subarray(within, within + chunk), done);
      done += chunk;
    }
    return out;
  }

  private storeArray(offset: number, width: 1 | 2 | 4, value: number): void {
    const bytes = new Uint8Array(width);
    storeLittleEndian(bytes, 0, width, value);
    this.storeBytes(offset, bytes);
  }

  /** Writes `bytes` into the array at `offset`, dropping bytes past the bank. */
  private storeBytes(offset: number, bytes: Uint8Array): void {
    bytes.forEach((byte, i) => {
      const at = offset + i;
      if (at < 0 || at >= this.size) return;
      const index = Math.floor(at / PFLASH_SECTOR_SIZE);
      const sector = this.sectors[index] ?? (this.sectors[index] = new Uint8Array(PFLASH_SECTOR_SIZE));
      sector[at % PFLASH_SECTOR_SIZE] = byte;
    });
  }

  private eraseSector(offset: number): void {
    const index = Math.floor(offset / PFLASH_SECTOR_SIZE);
    if (index < 0 || index >= this.sectors.length) return;
    const sector = this.sectors[index] ?? (this.sectors[index] = new Uint8Array(PFLASH_SECTOR_SIZE));
    sector.fill(0xff);
  }
}

/**
 * Whether (`wcycle`, `cmd`) is a state the guest can drive the bank into, with
 * a pending write buffer exactly while a buffered write is in progress.
 * Restoring only such states keeps every later access on a path QEMU defines.
 */
function isReachable(wcycle: number, cmd: number, buffered: boolean): boolean {
  if (buffered !== (cmd === CMD_WRITE_BUFFER && wcycle >= 2)) return false;
  switch (wcycle) {
    case 0:
      return [CMD_READ_ARRAY_MODE, CMD_PROGRAM, CMD_ERASE, CMD_PROGRAM_ALT, CMD_LOCK, CMD_READ_STATUS, CMD_READ_ID, CMD_WRITE_BUFFER].includes(cmd);
    case 1:
      return [CMD_PROGRAM, CMD_ERASE, CMD_PROGRAM_ALT, CMD_LOCK, CMD_CFI_QUERY, CMD_WRITE_BUFFER].includes(cmd);
    default:
      return cmd === CMD_WRITE_BUFFER;
  }
}

/** The same byte or status from each x16 device, on both halves of the 32-bit bus. */
function replicate(deviceValue: number): number {
  return (deviceValue | (deviceValue << 16)) >>> 0;
}

function alignDown(offset: number, alignment: number): number {
  return offset - (offset % alignment);
}

function storeLittleEndian(target: Uint8Array, at: number, width: number, value: number): void {
  for (let i = 0; i < width; i++) target[at + i] = (value >>> (8 * i)) & 0xff;
}

/**
 * The query table `pflash_cfi01_fill_cfi_table` builds for one x16 device
 * (new multiple-chip handling: each device holds every block at half the sector).
 */
function buildCfiTable(blocks: number): Uint8Array {
  const sectorPerDevice = PFLASH_SECTOR_SIZE / DEVICE_COUNT;
  const deviceLength = sectorPerDevice * blocks;
  const table = new Uint8Array(CFI_TABLE_LENGTH);
  table.set([0x51, 0x52, 0x59, 0x01, 0x00, 0x31, 0x00, 0x00, 0x00, 0x00, 0x00], 0x10); // "QRY", Intel set, extended table at 0x31
  table.set([0x45, 0x55, 0x00, 0x00], 0x1b); // Vcc min/max, no Vpp
  table.set([0x07, 0x07, 0x0a, 0x00, 0x04, 0x04, 0x04, 0x00], 0x1f); // typical and maximum timeouts
  table[0x27] = countTrailingZeros(deviceLength);
  table.set([0x02, 0x00, WRITE_BUFFER_LOG2, 0x00, 0x01], 0x28); // x8/x16 interface, buffer size, one erase region
  table.set([(blocks - 1) & 0xff, ((blocks - 1) >> 8) & 0xff, (sectorPerDevice >> 8) & 0xff, (sectorPerDevice >> 16) & 0xff], 0x2d);
  table.set([0x50, 0x52, 0x49, 0x31, 0x30], 0x31); // "PRI" version "10"
  table[0x3f] = 0x01; // one protection field
  return table;
}

/** Trailing zero bits of the low 32 bits of `value`, as QEMU's `ctz32` (32 for zero). */
function countTrailingZeros(value: number): number {
  const low = value % 2 ** 32;
  return low === 0 ? 32 : 31 - Math.clz32(low & -low);
}
