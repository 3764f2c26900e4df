import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportTrace } from '../../../../src/analysis/export/export-trace.js';
import { TraceReader } from '../../../../src/trace/reader.js';
import { EVENTS_PER_PERIOD, writeSyntheticTrace } from '../synthetic-trace.js';

const SCHEMA = join(import.meta.dirname, '..', '..', '..', '..', 'proto', 'perfetto', 'perfetto_trace.proto');

interface Packet {
  timestamp?: string;
  trustedPacketSequenceId?: number;
  sequenceFlags?: number;
  trackDescriptor?: { uuid: string; parentUuid?: string; name: string; counter?: { unit?: string; unitName?: string } };
  trackEvent?: { type: string; trackUuid: string; nameIid?: string; counterValue?: string; debugAnnotations?: Array<{ nameIid: string; uintValue?: string; pointerValue?: string }> };
  internedData?: { eventNames?: Array<{ iid: string; name: string }>; debugAnnotationNames?: Array<{ iid: string; name: string }> };
}

/** Exports `path` as Perfetto and decodes it back with protobufjs against proto/perfetto. */
function decodeExport(path: string, exitInterval?: number): Packet[] {
  const reader = TraceReader.open(path);
  const pieces: Uint8Array[] = [];
  exportTrace(reader, 'perfetto', (bytes) => pieces.push(bytes.slice()), { exitInterval });
  reader.close();
  const Trace = protobuf.loadSync(SCHEMA).lookupType('perfetto.protos.Trace');
  const decoded = Trace.decode(Buffer.concat(pieces));
  return (Trace.toObject(decoded, { longs: String, enums: String }) as { packet: Packet[] }).packet;
}

describe('deja export --format perfetto', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'deja-perfetto-'));
  const path = join(scratch, 'two-harts.deja');
  let packets: Packet[] = [];
  let eventNames = new Map<string, string>();
  let annotationNames = new Map<string, string>();
  const tracks = new Map<string, NonNullable<Packet['trackDescriptor']>>();
  const named = (uuid: string): string => tracks.get(uuid)?.name ?? `track ${uuid}`;

  beforeAll(() => {
    writeSyntheticTrace(path, 50, 2);
    packets = decodeExport(path, 10_000);
    eventNames = new Map(packets.flatMap((p) => p.internedData?.eventNames ?? []).map((n) => [n.iid, n.name]));
    annotationNames = new Map(packets.flatMap((p) => p.internedData?.debugAnnotationNames ?? []).map((n) => [n.iid, n.name]));
    for (const packet of packets) if (packet.trackDescriptor) tracks.set(packet.trackDescriptor.uuid, packet.trackDescriptor);
  });

  it('declares the tracks: vmm, devices with one child each, per hart privilege, traps, interrupt lines and an exit counter', () => {
    const byName = (name: string) => [...tracks.values()].filter((t) => t.name === name);
    expect(byName('vmm')).toHaveLength(1);
    expect(['uart0', 'aclint', 'rtc'].map((d) => named(byName(d)[0]!.parentUuid!))).toEqual(['devices', 'devices', 'devices']);
    for (const hart of [0, 1]) {
      const parent = byName(`hart ${hart}`)[0]!;
      const children = [...tracks.values()].filter((t) => t.parentUuid === parent.uuid);
      expect(children.map((t) => t.name)).toEqual(['privilege', 'traps', 'interrupt lines', 'exits per 10000 instructions']);
      expect(children[3]!.counter).toEqual({ unit: 'UNIT_COUNT', unitName: 'exits' });
    }
  });

  it('starts the sequence with cleared incremental state; every event packet is on that sequence and needs it', () => {
    expect(packets[0]!.sequenceFlags).toBe(1);
    const events = packets.filter((p) => p.trackEvent);
    expect(events.every((p) => p.trustedPacketSequenceId === 1 && p.sequenceFlags === 2 && p.timestamp !== undefined)).toBe(true);
  });

  it('privilege slices pair up per hart and cover the run', () => {
    for (const hart of [0, 1]) {
      const track = [...tracks.entries()].find(([, t]) => t.name === 'privilege' && named(t.parentUuid!) === `hart ${hart}`)![0];
      const slices = packets.filter((p) => p.trackEvent?.trackUuid === track).map((p) => [p.trackEvent!.type, Number(p.timestamp), p.trackEvent!.nameIid && eventNames.get(p.trackEvent!.nameIid)]);
      expect(slices.filter((s) => s[0] === 'TYPE_SLICE_BEGIN')).toHaveLength(slices.length / 2);
      expect(slices[0]).toEqual(['TYPE_SLICE_BEGIN', 0, 'U']);
      expect(slices.at(-2)).toEqual(['TYPE_SLICE_BEGIN', 49_500, '?']);
      expect(slices.at(-1)).toEqual(['TYPE_SLICE_END', 50_000, undefined]);
    }
  });

  it('traps are instants named by cause and transition, with the epc as a pointer (tval too when not zero)', () => {
    const traps = packets.filter((p) => p.trackEvent && named(p.trackEvent.trackUuid) === 'traps');
    expect(traps).toHaveLength(2 * 50 * 2);
    const first = traps[0]!.trackEvent!;
    expect(first.type).toBe('TYPE_INSTANT');
    expect(eventNames.get(first.nameIid!)).toBe('machine timer interrupt U->M');
    expect(first.debugAnnotations!.map((a) => [annotationNames.get(a.nameIid), a.pointerValue])).toEqual([['epc', String(0x8040_0000)]]);
  });

  it('I/O instants sit on their device track, named by direction and register, with the value', () => {
    const uart = packets.filter((p) => p.trackEvent && named(p.trackEvent.trackUuid) === 'uart0');
    expect(uart).toHaveLength(3 * 50 * 2);
    expect(new Set(uart.map((p) => eventNames.get(p.trackEvent!.nameIid!)))).toEqual(new Set(['read +0x5', 'write +0x0']));
    const write = uart.find((p) => eventNames.get(p.trackEvent!.nameIid!) === 'write +0x0')!;
    expect(write.trackEvent!.debugAnnotations!.map((a) => [annotationNames.get(a.nameIid), a.uintValue])).toEqual([['value', String(0x41)], ['hart', '0']]);
  });

  it('the exit counters add up to every I/O event', () => {
    const counters = packets.filter((p) => p.trackEvent?.type === 'TYPE_COUNTER');
    expect(counters.reduce((sum, p) => sum + Number(p.trackEvent!.counterValue ?? 0), 0)).toBe(6 * 50 * 2);
    expect(counters.length).toBe(2 * 5);
  });

  it('has a packet for every event but digests of hart 0 and the end (on the vmm track)', () => {
    const vmm = packets.filter((p) => p.trackEvent && named(p.trackEvent.trackUuid) === 'vmm').map((p) => eventNames.get(p.trackEvent!.nameIid!));
    expect(vmm).toEqual(['console input', 'end: pass (exit status 0)']);
    const instants = packets.filter((p) => p.trackEvent?.type === 'TYPE_INSTANT');
    expect(instants).toHaveLength(EVENTS_PER_PERIOD * 50 * 2 + 2);
  });
});
