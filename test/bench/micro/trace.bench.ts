/**
 * The trace event codec (src/trace/codec.ts) on a chunk of 10,000 small
 * events typical of a recording: MMIO reads, IRQ level changes, traps and
 * clock reads on two harts with small icount steps. Each task encodes (into
 * one reused encoder) or decodes the whole chunk; events/s = 10,000 × ops/s.
 */
import { decodeEvents, EventEncoder } from '../../../src/trace/codec.js';
import { EventKind, type TraceEvent } from '../../../src/trace/events.js';
import type { MicroSuite } from './suite.js';

const EVENTS_PER_TASK = 10_000;

/** Event `index` of the synthetic recording. */
function syntheticEvent(index: number): TraceEvent {
  const hart = index & 1;
  const icount = 1_000_000 + index * 37;
  switch (index % 4) {
    case 0:
      return { kind: EventKind.MMIO_READ, hart, icount, device: 0, offset: 5, size: 1, value: BigInt(index & 0x60) };
    case 1:
      return { kind: EventKind.IRQ, hart, icount, line: 9, level: (index & 2) === 0 };
    case 2:
      return { kind: EventKind.TRAP, hart, icount, interrupt: false, cause: 9, tval: 0n, epc: 0x8020_0000n + BigInt(index & 0xffc), fromPriv: 1, toPriv: 3 };
    default:
      return { kind: EventKind.CLOCK, hart, icount, ticks: BigInt(icount) / 100n };
  }
}

const events = Array.from({ length: EVENTS_PER_TASK }, (_, index) => syntheticEvent(index));
const encoder = new EventEncoder();
for (const event of events) encoder.encode(event);
const payload = encoder.payload().slice();

const suite: MicroSuite = {
  name: `trace codec, ${EVENTS_PER_TASK} small events per task (${(payload.length / EVENTS_PER_TASK).toFixed(2)} bytes/event)`,
  register(bench) {
    bench
      .add('encode (one reused encoder)', () => {
        encoder.reset();
        for (const event of events) encoder.encode(event);
        return encoder.byteLength;
      })
      .add('decode', () => decodeEvents(payload, EVENTS_PER_TASK).length);
  },
};

export default suite;
