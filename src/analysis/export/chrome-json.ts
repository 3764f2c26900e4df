/**
 * The timeline in Chrome's Trace Event Format (JSON object form with a
 * `traceEvents` array), which chrome://tracing, Perfetto and speedscope
 * open. Process 0 holds the harts (threads `hart N privilege`, `hart N traps`,
 * `hart N interrupt lines`), process 1 the devices (a thread each), process 2
 * the vmm; exit counts are `C` counter events. Timestamps (microseconds
 * in this format) are icounts: one instruction is drawn as one microsecond,
 * which keeps every timestamp an integer.
 *
 * The text is written as bytes (see ascii-writer.ts): each event's constant
 * prefix (name, category, phase, pid, tid) is encoded once per distinct
 * value and copied, then the numbers are written digit by digit.
 */
import { exceptionName, interruptName } from '../../isa/causes.js';
import { EventKind, type MmioEvent, type TraceEvent, type TrapEvent } from '../../trace/events.js';
import { interruptLineName, privilegeName } from '../stats-names.js';
import { AsciiWriter, encodeText } from './ascii-writer.js';
import type { TimelineSink } from './timeline.js';

const HARTS_PID = 0;
const DEVICES_PID = 1;
const VMM_PID = 2;
const THREADS_PER_HART = 3;
/** Upper bound of the numbers and fixed text of one event, besides its cached prefix. */
const EVENT_RESERVE = 160;

// Each event is its cached constant part (separator, name, category, phase,
// pid, tid and the constant arguments), then the variable parts, with "ts" last.
const DUR = encodeText(',"dur":');
const CLOSE = encodeText('}');
const TVAL = encodeText('","tval":"');
const HART = encodeText('","hart":');
const QUOTE_TS = encodeText('"},"ts":');
const TS = encodeText('},"ts":');

/** A timeline sink writing Trace Event Format JSON; `write` receives the bytes in order, each a view valid only during the call. */
export class ChromeJsonSink implements TimelineSink {
  private readonly out = new AsciiWriter();
  /** Cached event prefixes, by a small-integer key per kind of event (looked up before any prefix is built). */
  private readonly modePrefixes = new Map<number, Uint8Array>();
  private readonly trapPrefixes = new Map<number, Uint8Array>();
  private readonly linePrefixes = new Map<number, Uint8Array>();
  private readonly vmmPrefixes = new Map<number, Uint8Array>();
  private readonly counterPrefixes: Uint8Array[] = [];
  /** Per device, by `(offset * 2 + (write ? 1 : 0)) * 16 + size`. */
  private readonly ioPrefixes: Array<Map<number, Uint8Array>> = [];
  private multiHart = false;
  private exitInterval = 0;

  constructor(private readonly write: (bytes: Uint8Array) => void, private readonly flushBytes = 1 << 20) {}

  start(harts: number, devices: readonly string[], exitInterval: number): void {
    this.multiHart = harts > 1;
    this.exitInterval = exitInterval;
    const metadata = [
      metadataEvent(HARTS_PID, undefined, 'process_name', 'harts'),
      metadataEvent(DEVICES_PID, undefined, 'process_name', 'devices'),
      metadataEvent(VMM_PID, undefined, 'process_name', 'vmm'),
      metadataEvent(VMM_PID, 0, 'thread_name', 'vmm'),
      ...devices.map((name, index) => metadataEvent(DEVICES_PID, index, 'thread_name', name)),
    ];
    for (let hart = 0; hart < harts; hart++) {
      for (const [offset, what] of ['privilege', 'traps', 'interrupt lines'].entries()) {
        metadata.push(metadataEvent(HARTS_PID, hart * THREADS_PER_HART + offset, 'thread_name', `hart ${hart} ${what}`));
      }
    }
    // Every later event starts with its separator: the metadata is never empty.
    this.out.bytes(encodeText(`{"otherData":{"timebase":"one instruction per microsecond"},"traceEvents":[\n${metadata.join(',\n')}`));
  }

  privilege(hart: number, mode: number, start: number, end: number): void {
    const key = hart * 16 + mode;
    const out = this.begin(this.modePrefixes.get(key) ?? cache(this.modePrefixes, key, eventPrefix(privilegeName(mode), 'privilege', 'X', HARTS_PID, hart * THREADS_PER_HART, ',"ts":')));
    out.decimal(start);
    out.bytes(DUR);
    out.decimal(end - start);
    this.end(CLOSE);
  }

  trap(event: TrapEvent): void {
    const key = ((event.interrupt ? -1 - event.cause : event.cause) * 256 + event.fromPriv * 16 + event.toPriv) * 4096 + event.hart;
    let prefix = this.trapPrefixes.get(key);
    if (prefix === undefined) {
      const cause = event.interrupt ? interruptName(event.cause) : exceptionName(event.cause);
      const name = `${cause} ${privilegeName(event.fromPriv)}->${privilegeName(event.toPriv)}`;
      prefix = cache(this.trapPrefixes, key, eventPrefix(name, 'trap', 'i', HARTS_PID, event.hart * THREADS_PER_HART + 1, ',"args":{"epc":"'));
    }
    const out = this.begin(prefix);
    out.hex(event.epc);
    if (event.tval !== 0n) {
      out.bytes(TVAL);
      out.hex(event.tval);
    }
    out.bytes(QUOTE_TS);
    out.decimal(event.icount);
    this.end(CLOSE);
  }

  interruptLine(hart: number, icount: number, line: number, level: boolean): void {
    const key = (line * 2 + (level ? 1 : 0)) * 4096 + hart;
    const out = this.begin(this.linePrefixes.get(key)
      ?? cache(this.linePrefixes, key, eventPrefix(`${interruptLineName(line)} ${level ? 'raised' : 'lowered'}`, 'irq', 'i', HARTS_PID, hart * THREADS_PER_HART + 2, ',"ts":')));
    out.decimal(icount);
    this.end(CLOSE);
  }

  io(event: MmioEvent): void {
    const write = event.kind === EventKind.MMIO_WRITE;
    const key = (event.offset * 2 + (write ? 1 : 0)) * 16 + event.size;
    const prefixes = this.ioPrefixes[event.device] ?? (this.ioPrefixes[event.device] = new Map());
    let prefix = prefixes.get(key);
    if (prefix === undefined) {
      const name = `${write ? 'write' : 'read'} +0x${event.offset.toString(16)}`;
      prefix = cache(prefixes, key, eventPrefix(name, 'io', 'i', DEVICES_PID, event.device, `,"args":{"size":${event.size},"value":"`));
    }
    const out = this.begin(prefix);
    out.hex(event.value);
    if (this.multiHart) {
      out.bytes(HART);
      out.decimal(event.hart);
      out.bytes(TS);
    } else {
      out.bytes(QUOTE_TS);
    }
    out.decimal(event.icount);
    this.end(CLOSE);
  }

  exits(hart: number, start: number, exits: number): void {
    const prefix = this.counterPrefixes[hart]
      ?? (this.counterPrefixes[hart] = encodeText(`,\n{"name":${JSON.stringify(`hart ${hart} exits per ${this.exitInterval} instructions`)},"ph":"C","pid":${HARTS_PID},"args":{"exits":`));
    const out = this.begin(prefix);
    out.decimal(exits);
    out.bytes(TS);
    out.decimal(start);
    this.end(CLOSE);
  }

  vmm(event: TraceEvent, name: string): void {
    const label = event.kind === EventKind.END ? `end: ${event.reason} (exit status ${event.exitCode})` : name;
    const out = this.begin(this.vmmPrefixes.get(event.kind) ?? cache(this.vmmPrefixes, event.kind, eventPrefix(label, 'vmm', 'i', VMM_PID, 0, ',"ts":')));
    out.decimal(event.icount);
    this.end(CLOSE);
  }

  finish(): void {
    this.out.bytes(encodeText('\n]}\n'));
    this.out.drain(this.write);
  }

  /** Starts an event with its constant prefix (separator included). */
  private begin(prefix: Uint8Array): AsciiWriter {
    const out = this.out;
    out.reserve(prefix.length + EVENT_RESERVE);
    out.bytes(prefix);
    return out;
  }

  private end(closing: Uint8Array): void {
    this.out.bytes(closing);
    if (this.out.byteLength >= this.flushBytes) this.out.drain(this.write);
  }
}

/** Stores `prefix` under `key` in `prefixes` and returns it. */
function cache(prefixes: Map<number, Uint8Array>, key: number, prefix: Uint8Array): Uint8Array {
  prefixes.set(key, prefix);
  return prefix;
}

/** The constant start of an event: separator, name, category, phase, pid, tid, then `rest` (the constant arguments or `,"ts":`). */
function eventPrefix(name: string, category: string, phase: 'i' | 'X', pid: number, tid: number, rest: string): Uint8Array {
  // Instants default to thread scope ("s":"t"), which is what they are.
  return encodeText(`,\n{"name":${JSON.stringify(name)},"cat":"${category}","ph":"${phase}","pid":${pid},"tid":${tid}${rest}`);
}

/** A metadata event naming a process or thread. */
function metadataEvent(pid: number, tid: number | undefined, what: 'process_name' | 'thread_name', name: string): string {
  return `{"name":"${what}","ph":"M","pid":${pid}${tid === undefined ? '' : `,"tid":${tid}`},"args":{"name":${JSON.stringify(name)}}}`;
}
