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

const SEPARATOR = encodeText(',\n');
const DUR = encodeText(',"dur":');
const CLOSE = encodeText('}');
const TRAP_EPC = encodeText(',"args":{"epc":"');
/** Between the epc and the tval (written only when it is not zero). */
const TRAP_TVAL = encodeText('","tval":"');
const QUOTE_CLOSE2 = encodeText('"}}');
const IO_VALUE = encodeText(',"args":{"value":"');
const IO_SIZE = encodeText('","size":');
const IO_HART = encodeText(',"hart":');
const CLOSE2 = encodeText('}}');
const COUNTER_ARGS = encodeText(',"args":{"exits":');

/** A timeline sink writing Trace Event Format JSON; `write` receives the bytes in order, each a view valid only during the call. */
export class ChromeJsonSink implements TimelineSink {
  private readonly out = new AsciiWriter();
  /** Cached event prefixes, by a small-integer key per kind of event (looked up before any prefix is built). */
  private readonly modePrefixes = new Map<number, Uint8Array>();
  private readonly trapPrefixes = new Map<number, Uint8Array>();
  private readonly linePrefixes = new Map<number, Uint8Array>();
  private readonly vmmPrefixes = new Map<number, Uint8Array>();
  private readonly counterPrefixes: Uint8Array[] = [];
  /** Per device, by `offset * 2 + (write ? 1 : 0)`. */
  private readonly ioPrefixes: Array<Map<number, Uint8Array>> = [];
  private multiHart = false;
  private first = true;

  constructor(private readonly write: (bytes: Uint8Array) => void, private readonly flushBytes = 1 << 20) {}

  start(harts: number, devices: readonly string[], exitInterval: number): void {
    this.out.bytes(encodeText('{"otherData":{"timebase":"one instruction per microsecond"},"traceEvents":[\n'));
    this.metadata(HARTS_PID, undefined, 'process_name', 'harts');
    this.metadata(DEVICES_PID, undefined, 'process_name', 'devices');
    this.metadata(VMM_PID, undefined, 'process_name', 'vmm');
    this.metadata(VMM_PID, 0, 'thread_name', 'vmm');
    for (const [index, name] of devices.entries()) this.metadata(DEVICES_PID, index, 'thread_name', name);
    for (let hart = 0; hart < harts; hart++) {
      for (const [offset, what] of ['privilege', 'traps', 'interrupt lines'].entries()) {
        this.metadata(HARTS_PID, hart * THREADS_PER_HART + offset, 'thread_name', `hart ${hart} ${what}`);
      }
      this.counterPrefixes[hart] = encodeText(`{"name":${JSON.stringify(`hart ${hart} exits per ${exitInterval} instructions`)},"ph":"C","pid":${HARTS_PID},"ts":`);
    }
    this.multiHart = harts > 1;
  }

  privilege(hart: number, mode: number, start: number, end: number): void {
    const key = hart * 16 + mode;
    const out = this.begin(this.modePrefixes.get(key) ?? cache(this.modePrefixes, key, instantPrefix(privilegeName(mode), 'privilege', 'X', HARTS_PID, hart * THREADS_PER_HART)));
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
      prefix = cache(this.trapPrefixes, key, instantPrefix(`${cause} ${privilegeName(event.fromPriv)}->${privilegeName(event.toPriv)}`, 'trap', 'i', HARTS_PID, event.hart * THREADS_PER_HART + 1));
    }
    const out = this.begin(prefix);
    out.decimal(event.icount);
    out.bytes(TRAP_EPC);
    out.hex(event.epc);
    if (event.tval !== 0n) {
      out.bytes(TRAP_TVAL);
      out.hex(event.tval);
    }
    this.end(QUOTE_CLOSE2);
  }

  interruptLine(hart: number, icount: number, line: number, level: boolean): void {
    const key = (line * 2 + (level ? 1 : 0)) * 4096 + hart;
    const out = this.begin(this.linePrefixes.get(key)
      ?? cache(this.linePrefixes, key, instantPrefix(`${interruptLineName(line)} ${level ? 'raised' : 'lowered'}`, 'irq', 'i', HARTS_PID, hart * THREADS_PER_HART + 2)));
    out.decimal(icount);
    this.end(CLOSE);
  }

  io(event: MmioEvent): void {
    const write = event.kind === EventKind.MMIO_WRITE;
    const key = event.offset * 2 + (write ? 1 : 0);
    const prefixes = this.ioPrefixes[event.device] ?? (this.ioPrefixes[event.device] = new Map());
    const out = this.begin(prefixes.get(key) ?? cache(prefixes, key, instantPrefix(`${write ? 'write' : 'read'} +0x${event.offset.toString(16)}`, 'io', 'i', DEVICES_PID, event.device)));
    out.decimal(event.icount);
    out.bytes(IO_VALUE);
    out.hex(event.value);
    out.bytes(IO_SIZE);
    out.decimal(event.size);
    if (this.multiHart) {
      out.bytes(IO_HART);
      out.decimal(event.hart);
    }
    this.end(CLOSE2);
  }

  exits(hart: number, start: number, exits: number): void {
    const out = this.begin(this.counterPrefixes[hart] ?? (this.counterPrefixes[hart] = encodeText(`{"name":"hart ${hart} exits","ph":"C","pid":${HARTS_PID},"ts":`)));
    out.decimal(start);
    out.bytes(COUNTER_ARGS);
    out.decimal(exits);
    this.end(CLOSE2);
  }

  vmm(event: TraceEvent, name: string): void {
    const out = this.begin(this.vmmPrefixes.get(event.kind)
      ?? cache(this.vmmPrefixes, event.kind, instantPrefix(event.kind === EventKind.END ? `end: ${event.reason} (exit status ${event.exitCode})` : name, 'vmm', 'i', VMM_PID, 0)));
    out.decimal(event.icount);
    this.end(CLOSE);
  }

  finish(): void {
    this.out.bytes(encodeText('\n]}\n'));
    this.out.drain(this.write);
  }

  private metadata(pid: number, tid: number | undefined, what: 'process_name' | 'thread_name', name: string): void {
    if (!this.first) this.out.bytes(SEPARATOR);
    this.first = false;
    this.out.bytes(encodeText(`{"name":"${what}","ph":"M","pid":${pid}${tid === undefined ? '' : `,"tid":${tid}`},"args":{"name":${JSON.stringify(name)}}}`));
  }

  /** Starts an event: the separator and its constant prefix. */
  private begin(bytes: Uint8Array): AsciiWriter {
    const out = this.out;
    out.reserve(bytes.length + EVENT_RESERVE);
    if (!this.first) out.bytes(SEPARATOR);
    this.first = false;
    out.bytes(bytes);
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

/** The constant start of an event up to its `"ts":` value. */
function instantPrefix(name: string, category: string, phase: 'i' | 'X', pid: number, tid: number): Uint8Array {
  // Instants default to thread scope ("s":"t"), which is what they are.
  return encodeText(`{"name":${JSON.stringify(name)},"cat":"${category}","ph":"${phase}","pid":${pid},"tid":${tid},"ts":`);
}
