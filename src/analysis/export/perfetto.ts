/**
 * The timeline as a Perfetto trace (protobuf `Trace` of `TracePacket`s with
 * TrackDescriptor and TrackEvent, schema subset in
 * proto/perfetto/perfetto_trace.proto), which ui.perfetto.dev opens. Tracks:
 * per hart a parent track holding `privilege` (mode slices), `traps`
 * (instants named by cause and privilege transition), `interrupt lines`
 * (instants) and an `exits per N instructions` counter; a `devices` parent
 * with one track per device (I/O instants named by direction and register);
 * and a `vmm` track for everything else. Timestamps are icounts (one
 * instruction = 1 ns). Event and annotation names are interned (sent once
 * per trace with an iid), as Perfetto's own SDK does, to keep packets small.
 */
import { exceptionName, interruptName } from '../../isa/causes.js';
import { EventKind, type MmioEvent, type TraceEvent, type TrapEvent } from '../../trace/events.js';
import { interruptLineName, privilegeName } from '../stats-names.js';
import { ProtobufWriter } from './protobuf-writer.js';
import type { TimelineSink } from './timeline.js';

/** Field numbers of the Perfetto messages written (see the .proto). */
const enum Field {
  TracePacket = 1,
  PacketTimestamp = 8,
  PacketSequenceId = 10,
  PacketTrackEvent = 11,
  PacketInternedData = 12,
  PacketSequenceFlags = 13,
  PacketTrackDescriptor = 60,
  InternedEventNames = 2,
  InternedAnnotationNames = 3,
  InternedIid = 1,
  InternedName = 2,
  TrackUuid = 1,
  TrackName = 2,
  TrackParent = 5,
  TrackCounter = 8,
  CounterUnit = 3,
  CounterUnitName = 6,
  EventAnnotations = 4,
  EventType = 9,
  EventNameIid = 10,
  EventTrack = 11,
  EventCounterValue = 30,
  AnnotationNameIid = 1,
  AnnotationUint = 3,
  AnnotationPointer = 7,
}

const enum EventType {
  SliceBegin = 1,
  SliceEnd = 2,
  Instant = 3,
  Counter = 4,
}

const SEQ_INCREMENTAL_STATE_CLEARED = 1;
const SEQ_NEEDS_INCREMENTAL_STATE = 2;
const UNIT_COUNT = 2;
const SEQUENCE_ID = 1;
const VMM_TRACK = 1;
const DEVICES_TRACK = 2;
const DEVICE_TRACK_BASE = 0x1_0000;
const HART_TRACK_BASE = 0x10_0000;
/** Upper bound of one event packet without its interned names. */
const PACKET_RESERVE = 160;

/** The tracks of hart `hart`: parent, privilege, traps, interrupt lines, exit counter. */
function hartTracks(hart: number): { parent: number; privilege: number; traps: number; lines: number; exits: number } {
  const base = HART_TRACK_BASE + hart * 8;
  return { parent: base, privilege: base + 1, traps: base + 2, lines: base + 3, exits: base + 4 };
}

/** An interning table: names by a numeric key, each given an iid the first time. */
class Interned {
  private readonly iids = new Map<number, number>();
  /** Names given an iid since the last packet that carried them. */
  readonly fresh: Array<{ iid: number; name: string }> = [];

  /** The iid for `key`, naming it `name()` the first time. */
  iid(key: number, name: () => string): number {
    let iid = this.iids.get(key);
    if (iid === undefined) {
      iid = this.iids.size + 1;
      this.iids.set(key, iid);
      this.fresh.push({ iid, name: name() });
    }
    return iid;
  }
}

const ANNOTATION_EPC = 1;
const ANNOTATION_TVAL = 2;
const ANNOTATION_VALUE = 3;
const ANNOTATION_HART = 4;
const ANNOTATION_NAMES = ['', 'epc', 'tval', 'value', 'hart'];

/**
 * A timeline sink writing Perfetto protobuf. `write` receives the file's
 * bytes in order, in pieces of about `flushBytes`; each piece is a view that
 * is valid only during the call (write it out or copy it).
 */
export class PerfettoSink implements TimelineSink {
  private readonly out = new ProtobufWriter();
  private readonly eventNames = new Interned();
  private readonly annotationNames = new Interned();

  constructor(private readonly write: (bytes: Uint8Array) => void, private readonly flushBytes = 1 << 20) {}

  start(harts: number, devices: readonly string[], exitInterval: number): void {
    this.track(VMM_TRACK, 'vmm', undefined, false, SEQ_INCREMENTAL_STATE_CLEARED);
    this.track(DEVICES_TRACK, 'devices');
    for (const [index, name] of devices.entries()) this.track(DEVICE_TRACK_BASE + index, name, DEVICES_TRACK);
    for (let hart = 0; hart < harts; hart++) {
      const tracks = hartTracks(hart);
      this.track(tracks.parent, `hart ${hart}`);
      this.track(tracks.privilege, 'privilege', tracks.parent);
      this.track(tracks.traps, 'traps', tracks.parent);
      this.track(tracks.lines, 'interrupt lines', tracks.parent);
      this.track(tracks.exits, `exits per ${exitInterval} instructions`, tracks.parent, true);
    }
    for (const [key, name] of ANNOTATION_NAMES.entries()) if (key > 0) this.annotationNames.iid(key, () => name);
  }

  privilege(hart: number, mode: number, start: number, end: number): void {
    const track = hartTracks(hart).privilege;
    this.event(start, track, EventType.SliceBegin);
    this.out.uint(Field.EventNameIid, this.eventNames.iid(mode, () => privilegeName(mode)));
    this.close();
    this.event(end, track, EventType.SliceEnd);
    this.close();
  }

  trap(event: TrapEvent): void {
    const out = this.out;
    this.event(event.icount, hartTracks(event.hart).traps, EventType.Instant);
    const key = 0x100_0000 + (event.interrupt ? 0x10_0000 : 0) + event.cause * 256 + event.fromPriv * 16 + event.toPriv;
    out.uint(Field.EventNameIid, this.eventNames.iid(key, () => {
      const cause = event.interrupt ? interruptName(event.cause) : exceptionName(event.cause);
      return `${cause} ${privilegeName(event.fromPriv)}->${privilegeName(event.toPriv)}`;
    }));
    annotation(out, ANNOTATION_EPC, event.epc, Field.AnnotationPointer);
    annotation(out, ANNOTATION_TVAL, event.tval, Field.AnnotationPointer);
    this.close();
  }

  interruptLine(hart: number, icount: number, line: number, level: boolean): void {
    this.event(icount, hartTracks(hart).lines, EventType.Instant);
    const key = 0x200_0000 + line * 2 + (level ? 1 : 0);
    this.out.uint(Field.EventNameIid, this.eventNames.iid(key, () => `${interruptLineName(line)} ${level ? 'raised' : 'lowered'}`));
    this.close();
  }

  io(event: MmioEvent): void {
    const out = this.out;
    const write = event.kind === EventKind.MMIO_WRITE;
    this.event(event.icount, DEVICE_TRACK_BASE + event.device, EventType.Instant);
    const key = 0x1_0000_0000 * (1 + event.device) + event.offset * 2 + (write ? 1 : 0);
    out.uint(Field.EventNameIid, this.eventNames.iid(key, () => `${write ? 'write' : 'read'} +0x${event.offset.toString(16)}`));
    annotation(out, ANNOTATION_VALUE, event.value, Field.AnnotationUint);
    out.begin(Field.EventAnnotations);
    out.uint(Field.AnnotationNameIid, ANNOTATION_HART);
    out.uint(Field.AnnotationUint, event.hart);
    out.end();
    this.close();
  }

  exits(hart: number, start: number, exits: number): void {
    this.event(start, hartTracks(hart).exits, EventType.Counter);
    this.out.uint(Field.EventCounterValue, exits);
    this.close();
  }

  vmm(event: TraceEvent, name: string): void {
    this.event(event.icount, VMM_TRACK, EventType.Instant);
    const label = event.kind === EventKind.END ? `end: ${event.reason} (exit status ${event.exitCode})` : name;
    this.out.uint(Field.EventNameIid, this.eventNames.iid(event.kind === EventKind.END ? -1 : -2 - event.kind, () => label));
    this.close();
  }

  finish(): void {
    this.out.drain(this.write);
  }

  /** Opens a packet with a track event (left open for the name and extra fields; end with {@link PerfettoSink.close}). */
  private event(timestamp: number, track: number, type: EventType): void {
    const out = this.out;
    out.reserve(PACKET_RESERVE);
    out.begin(Field.TracePacket);
    out.uint(Field.PacketTimestamp, timestamp);
    out.uint(Field.PacketSequenceId, SEQUENCE_ID);
    out.uint(Field.PacketSequenceFlags, SEQ_NEEDS_INCREMENTAL_STATE);
    out.begin(Field.PacketTrackEvent);
    out.uint(Field.EventType, type);
    out.uint(Field.EventTrack, track);
  }

  /** Closes the track event, adds the names first used in it, closes the packet; hands full buffers to `write`. */
  private close(): void {
    const out = this.out;
    out.end();
    if (this.eventNames.fresh.length > 0 || this.annotationNames.fresh.length > 0) {
      out.begin(Field.PacketInternedData);
      for (const [field, table] of [[Field.InternedEventNames, this.eventNames], [Field.InternedAnnotationNames, this.annotationNames]] as const) {
        for (const { iid, name } of table.fresh.splice(0)) {
          out.reserve(16);
          out.begin(field);
          out.uint(Field.InternedIid, iid);
          out.string(Field.InternedName, name);
          out.end();
        }
      }
      out.end();
    }
    out.end();
    if (out.byteLength >= this.flushBytes) out.drain(this.write);
  }

  private track(uuid: number, name: string, parent?: number, counter = false, flags?: number): void {
    const out = this.out;
    out.reserve(PACKET_RESERVE);
    out.begin(Field.TracePacket);
    out.uint(Field.PacketSequenceId, SEQUENCE_ID);
    if (flags !== undefined) out.uint(Field.PacketSequenceFlags, flags);
    out.begin(Field.PacketTrackDescriptor);
    out.uint(Field.TrackUuid, uuid);
    if (parent !== undefined) out.uint(Field.TrackParent, parent);
    out.string(Field.TrackName, name);
    if (counter) {
      out.reserve(32);
      out.begin(Field.TrackCounter);
      out.uint(Field.CounterUnit, UNIT_COUNT);
      out.string(Field.CounterUnitName, 'exits');
      out.end();
    }
    out.end();
    out.end();
  }
}

/** Writes a debug annotation named by interned `nameIid` with a 64-bit value in `valueField` (uint or pointer). */
function annotation(out: ProtobufWriter, nameIid: number, value: bigint, valueField: Field.AnnotationUint | Field.AnnotationPointer): void {
  out.begin(Field.EventAnnotations);
  out.uint(Field.AnnotationNameIid, nameIid);
  out.uint64(valueField, value);
  out.end();
}
