import type { MmioDevice } from '../mem/device.js';
import type { FinishSink } from './finish.js';
import { StateReader, StateWriter } from './state-codec.js';

const FINISHER_FAIL = 0x3333;
const FINISHER_PASS = 0x5555;
const FINISHER_RESET = 0x7777;
const SNAPSHOT_TAG = 'sifive_test';
const SNAPSHOT_VERSION = 1;

/** Size of the test finisher's window in the `virt` memory map. */
export const TEST_FINISHER_WINDOW_SIZE = 0x1000;

/**
 * The SiFive test finisher (QEMU `hw/misc/sifive_test.c`) at 0x100000 on
 * `virt`. A 2- or 4-byte write at offset 0 whose low half is 0x5555 passes,
 * 0x3333 fails with the code in the high half, 0x7777 asks for a reset; the
 * device reports through `onFinish` and the VMM stops or resets the machine.
 * Reads return 0. QEMU rejects 1- and 8-byte accesses (an access fault);
 * the bus contract has no fault path, so they are ignored here.
 */
export class TestFinisher implements MmioDevice {
  /** Short stable name used in traces. */
  readonly name: string;
  /** Size of the MMIO window in bytes. */
  readonly size = TEST_FINISHER_WINDOW_SIZE;

  /** Creates the finisher reporting to `onFinish`. */
  constructor(private readonly onFinish: FinishSink, name = 'test') {
    this.name = name;
  }

  /** Always 0, as QEMU. */
  read(_offset: number, _size: 1 | 2 | 4 | 8): bigint {
    return 0n;
  }

  /** Decodes a finisher command written at offset 0. */
  write(offset: number, size: 1 | 2 | 4 | 8, value: bigint): void {
    if (offset !== 0 || (size !== 2 && size !== 4)) return;
    const status = Number(value & 0xffffn);
    const code = Number((value >> 16n) & 0xffffn);
    switch (status) {
      case FINISHER_PASS:
        this.onFinish({ kind: 'pass', code: 0, reason: `${this.name}: guest wrote PASS (0x5555)` });
        break;
      case FINISHER_FAIL:
        this.onFinish({ kind: 'fail', code, reason: `${this.name}: guest wrote FAIL (0x3333) with code ${code}` });
        break;
      case FINISHER_RESET:
        this.onFinish({ kind: 'reset', code: 0, reason: `${this.name}: guest wrote RESET (0x7777)` });
        break;
      default:
        break;
    }
  }

  /** The finisher has no state; the snapshot is only its header. */
  save(): Uint8Array {
    return new StateWriter(SNAPSHOT_TAG, SNAPSHOT_VERSION).finish();
  }

  /**
   * Checks that `state` is a finisher snapshot.
   * @throws Error when it is not.
   */
  restore(state: Uint8Array): void {
    new StateReader(state, SNAPSHOT_TAG, SNAPSHOT_VERSION).done();
  }
}
