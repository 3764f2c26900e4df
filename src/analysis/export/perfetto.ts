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
 *
 * Packets are not in timestamp order: a privilege slice is written when its
 * mode is known, at its end, and exit counts when their interval closes.
 * Trace processor sorts a trace by timestamp; it sorts in windows only
 * between the flush and buffer-read lifecycle packets of a recording
 * service, which this file has none of, so it sorts the whole file.
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

/** The kinds of event a hart's tracks carry (slots of the head cache). */
const enum HartEvent {
  SliceBegin = 0,
  SliceEnd = 1,
  Trap = 2,
  Line = 3,
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

/** Track uuids of hart `hart` (a parent and four children). */
const hartParentTrack = (hart: number): number => HART_TRACK_BASE + hart * 8;
const privilegeTrack = (hart: number): number => HART_TRACK_BASE + hart * 8 + 1;
const trapTrack = (hart: number): number => HART_TRACK_BASE + hart * 8 + 2;
const lineTrack = (hart: number): number => HART_TRACK_BASE + hart * 8 + 3;
const exitTrack = (hart: number): number => HART_TRACK_BASE + hart * 8 + 4;

/** An interning table: each new name gets the next iid and waits in `fresh` for the packet that carries it. */
class Interned {
  private next = 1;
  /** Names given an iid since the last packet that carried them. */
  readonly fresh: Array<{ iid: number; name: string }> = [];

  /** Interns `name` under `key` in `cache` (a map, or an array indexed by key) and returns its new iid. */
  add(cache: Map<number, number> | number[], key: number, name: string): number {
    const iid = this.next++;
    if (Array.isArray(cache)) cache[key] = iid;
    else cache.set(key, iid);
    this.fresh.push({ iid, name });
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
  /** Event-name iids by a key per kind of event (name caches are looked up before any name is built). */
  private readonly modeIids = new Map<number, number>();
  private readonly trapIids = new Map<number, number>();
  private readonly lineIids = new Map<number, number>();
  private readonly vmmIids = new Map<number, number>();
  /** Per device, I/O event-name iids indexed by `offset * 2 + (write ? 1 : 0)` (arrays: the hottest lookup). */
  private readonly ioIids: number[][] = [];
  /** The encoded `type` and `track_uuid` fields of track events: per device (instants), per hart by `hart * 8 + HartEvent`, and the vmm's. */
  private readonly deviceHeads: Uint8Array[] = [];
  private readonly hartHeads: Uint8Array[] = [];
  private readonly vmmHead = eventHead(VMM_TRACK, EventType.Instant);
  private multiHart = false;
  private exitInterval = 0;
  /** Harts and devices whose tracks are declared (events may name ones the header does not list). */
  private readonly declaredHarts = new Set<number>();
  private readonly declaredDevices = new Set<number>();

  constructor(private readonly write: (bytes: Uint8Array) => void, private readonly flushBytes = 1 << 20) {}

  start(harts: number, devices: readonly string[], exitInterval: number): void {
    this.multiHart = harts > 1;
    this.exitInterval = exitInterval;
    this.track(VMM_TRACK, 'vmm', undefined, false, SEQ_INCREMENTAL_STATE_CLEARED);
    this.track(DEVICES_TRACK, 'devices');
    for (const [index, name] of devices.entries()) this.declareDevice(index, name);
    for (let hart = 0; hart < harts; hart++) this.declareHart(hart);
    const annotationIids = new Map<number, number>();
    for (const [key, name] of ANNOTATION_NAMES.entries()) if (key > 0) this.annotationNames.add(annotationIids, key, name);
  }

  privilege(hart: number, mode: number, start: number, end: number): void {
    const track = privilegeTrack(hart);
    this.event(start, this.hartHead(hart, HartEvent.SliceBegin, track, EventType.SliceBegin));
    const iid = this.modeIids.get(mode) ?? this.eventNames.add(this.modeIids, mode, privilegeName(mode));
    this.out.uint(Field.EventNameIid, iid);
    this.close();
    this.event(end, this.hartHead(hart, HartEvent.SliceEnd, track, EventType.SliceEnd));
    this.close();
  }

  trap(event: TrapEvent): void {
    const out = this.out;
    this.event(event.icount, this.hartHead(event.hart, HartEvent.Trap, trapTrack(event.hart), EventType.Instant));
    const key = (event.interrupt ? -1 - event.cause : event.cause) * 256 + event.fromPriv * 16 + event.toPriv;
    let iid = this.trapIids.get(key);
    if (iid === undefined) {
      const cause = event.interrupt ? interruptName(event.cause) : exceptionName(event.cause);
      iid = this.eventNames.add(this.trapIids, key, `${cause} ${privilegeName(event.fromPriv)}->${privilegeName(event.toPriv)}`);
    }
    out.uint(Field.EventNameIid, iid);
    annotation(out, ANNOTATION_EPC, event.epc, Field.AnnotationPointer);
    if (event.tval !== 0n) annotation(out, ANNOTATION_TVAL, event.tval, Field.AnnotationPointer);
    this.close();
  }

  interruptLine(hart: number, icount: number, line: number, level: boolean): void {
    this.event(icount, this.hartHead(hart, HartEvent.Line, lineTrack(hart), EventType.Instant));
    const key = line * 2 + (level ? 1 : 0);
    const iid = this.lineIids.get(key) ?? this.eventNames.add(this.lineIids, key, `${interruptLineName(line)} ${level ? 'raised' : 'lowered'}`);
    this.out.uint(Field.EventNameIid, iid);
    this.close();
  }

  io(event: MmioEvent): void {
    const out = this.out;
    const write = event.kind === EventKind.MMIO_WRITE;
    let head = this.deviceHeads[event.device];
    if (head === undefined) {
      if (!this.declaredDevices.has(event.device)) this.declareDevice(event.device, `device ${event.device}`);
      head = this.deviceHeads[event.device] = eventHead(DEVICE_TRACK_BASE + event.device, EventType.Instant);
    }
    this.event(event.icount, head);
    const key = event.offset * 2 + (write ? 1 : 0);
    const names = this.ioIids[event.device] ?? (this.ioIids[event.device] = []);
    const iid = names[key] ?? this.eventNames.add(names, key, `${write ? 'write' : 'read'} +0x${event.offset.toString(16)}`);
    out.uint(Field.EventNameIid, iid);
    annotation(out, ANNOTATION_VALUE, event.value, Field.AnnotationUint);
    if (this.multiHart) annotation(out, ANNOTATION_HART, BigInt(event.hart), Field.AnnotationUint);
    this.close();
  }

  exits(hart: number, start: number, exits: number): void {
    this.event(start, this.hartHead(hart, HartEvent.Counter, exitTrack(hart), EventType.Counter));
    this.out.uint(Field.EventCounterValue, exits);
    this.close();
  }

  vmm(event: TraceEvent, name: string): void {
    this.event(event.icount, this.vmmHead);
    const iid = this.vmmIids.get(event.kind)
      ?? this.eventNames.add(this.vmmIids, event.kind, event.kind === EventKind.END ? `end: ${event.reason} (exit status ${event.exitCode})` : name);
    this.out.uint(Field.EventNameIid, iid);
    this.close();
  }

  finish(): void {
    this.out.drain(this.write);
  }

  /** Opens a packet with a track event (left open for the name and extra fields; end with {@link PerfettoSink.close}). */
  private event(timestamp: number, head: Uint8Array): void {
    const out = this.out;
    out.reserve(PACKET_RESERVE);
    out.begin(Field.TracePacket);
    out.uint(Field.PacketTimestamp, timestamp);
    out.raw(EVENT_PACKET_FIELDS);
    out.begin(Field.PacketTrackEvent);
    out.raw(head);
  }

  /** The cached head of hart `hart`'s `which` events (on `track`, of `type`). */
  private hartHead(hart: number, which: HartEvent, track: number, type: EventType): Uint8Array {
    const slot = hart * 8 + which;
    const head = this.hartHeads[slot];
    if (head !== undefined) return head;
    if (!this.declaredHarts.has(hart)) this.declareHart(hart);
    return (this.hartHeads[slot] = eventHead(track, type));
  }

  /** Declares hart `hart`'s track group (call only between packets). */
  private declareHart(hart: number): void {
    this.declaredHarts.add(hart);
    const parent = hartParentTrack(hart);
    this.track(parent, `hart ${hart}`);
    this.track(privilegeTrack(hart), 'privilege', parent);
    this.track(trapTrack(hart), 'traps', parent);
    this.track(lineTrack(hart), 'interrupt lines', parent);
    this.track(exitTrack(hart), `exits per ${this.exitInterval} instructions`, parent, true);
  }

  /** Declares device `device`'s track (call only between packets). */
  private declareDevice(device: number, name: string): void {
    this.declaredDevices.add(device);
    this.track(DEVICE_TRACK_BASE + device, name, DEVICES_TRACK);
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

/** The bytes `write` puts into a fresh writer. */
function encoded(write: (writer: ProtobufWriter) => void): Uint8Array {
  const writer = new ProtobufWriter(64);
  writer.reserve(64);
  write(writer);
  let bytes = new Uint8Array(0);
  writer.drain((piece) => {
    bytes = piece.slice();
  });
  return bytes;
}

/** The encoded `type` and `track_uuid` fields of a track event. */
function eventHead(track: number, type: EventType): Uint8Array {
  return encoded((writer) => {
    writer.uint(Field.EventType, type);
    writer.uint(Field.EventTrack, track);
  });
}

/** The sequence fields every event packet carries: its sequence id, and that it uses the interned names. */
const EVENT_PACKET_FIELDS = encoded((writer) => {
  writer.uint(Field.PacketSequenceId, SEQUENCE_ID);
  writer.uint(Field.PacketSequenceFlags, SEQ_NEEDS_INCREMENTAL_STATE);
});

/** Writes a debug annotation named by interned `nameIid` with a 64-bit value in `valueField` (uint or pointer). */
function annotation(out: ProtobufWriter, nameIid: number, value: bigint, valueField: Field.AnnotationUint | Field.AnnotationPointer): void {
  out.smallMessage(Field.EventAnnotations, ANNOTATION_NAME_FIELDS[nameIid]!, valueField, value);
}

/** The encoded name field of each annotation, by its iid. */
const ANNOTATION_NAME_FIELDS = ANNOTATION_NAMES.map((_, iid) => encoded((writer) => writer.uint(Field.AnnotationNameIid, iid)));
