import type { Hart } from '../cpu/hart.js';
import { DebugMemory } from './debug-memory.js';
import { Execution, type StopReason } from './execution.js';
import { bytesToHex, hexToBytes, leHexToValue, parseHexNumber, textToHex, valueToLeHex } from './hex.js';
import { runMonitorCommand } from './monitor.js';
import { MAX_PACKET_BYTES } from './packet.js';
import { G_PACKET_REGISTERS, RegisterAccess, registerInfo } from './registers.js';
import { StopPoints, type WatchKind } from './stop-points.js';
import type { DebugTarget } from './target.js';
import { FEATURE_DOCUMENTS } from './target-xml.js';

/** A malformed request. */
const BAD_REQUEST = 'E01';
/** Memory that cannot be read or written. */
const BAD_ADDRESS = 'E14';
/** A change refused because the target is a replay. */
const READ_ONLY = 'E30';
/** Largest memory read served at once (hex doubles it; leave room for framing). */
const MAX_READ = (MAX_PACKET_BYTES - 32) / 2;

/** Characters of monitor output per `O` packet (hex doubles them; well under the packet size). */
const MONITOR_PIECE = 2048;

const WATCH_KINDS: Record<string, WatchKind> = { '2': 'write', '3': 'read', '4': 'access' };
const WATCH_FIELD: Record<WatchKind, string> = { write: 'watch', read: 'rwatch', access: 'awatch' };

/** The reply payloads for one request, in order (`O` console packets, then the reply). */
export type Replies = string[];

/**
 * The command set of the GDB remote protocol for one connection: queries,
 * registers, memory, breakpoints and watchpoints, resume and reverse
 * execution, and `monitor` commands. Harts are threads (thread id = hart
 * index + 1). Malformed requests get an `Exx` reply, never an exception.
 */
export class GdbSession {
  private readonly points = new StopPoints();
  private readonly execution: Execution;
  /** The hart `g`, `p`, `m` act on. */
  private thread = 0;
  private lastStop: StopReason = { kind: 'step', hart: 0 };

  constructor(private readonly target: DebugTarget) {
    this.execution = new Execution(target, this.points);
  }

  /** gdb sent Ctrl-C: stop a running continue at its next slice boundary. */
  interrupt(): void {
    this.execution.interrupt();
  }

  /** Answer one request; resume requests answer when the target stops. */
  handle(payload: string): Replies | Promise<Replies> {
    const head = payload[0] ?? '';
    const body = payload.slice(1);
    switch (head) {
      case '?': return [this.stopReply(this.lastStop)];
      case 'q': return this.query(payload);
      case 'Q': return [payload === 'QStartNoAckMode' ? 'OK' : ''];
      case 'H': return [this.selectThread(body)];
      case 'T': return [this.threadIndex(body) === undefined ? BAD_REQUEST : 'OK'];
      case 'g': return [this.readAllRegisters()];
      case 'G': return [this.writeAllRegisters(body)];
      case 'p': return [this.readRegister(body)];
      case 'P': return [this.writeRegister(body)];
      case 'm': return [this.readMemory(body)];
      case 'M': return [this.writeMemory(body, false)];
      case 'X': return [this.writeMemory(body, true)];
      case 'Z': return [this.changeStopPoint(body, true)];
      case 'z': return [this.changeStopPoint(body, false)];
      case 's': case 'S': return this.resume(body, head === 'S', 'step');
      case 'c': case 'C': return this.resume(body, head === 'C', 'continue');
      case 'b': return this.reverse(body);
      case 'v': return this.verbose(payload);
      case 'D': return ['OK'];
      default: return [''];
    }
  }

  /** Guest memory of the machine at the current position (a seek may have built a new one). */
  private get memory(): DebugMemory {
    return new DebugMemory(this.target.vmm.machine.bus);
  }

  private hart(index = this.thread): Hart {
    return this.target.vmm.machine.harts[index]!;
  }

  private registers(index = this.thread): RegisterAccess {
    const hart = this.hart(index);
    return new RegisterAccess(hart, this.target.vmm.backend.forHart(hart).csr);
  }

  private query(payload: string): Replies {
    const [name = '', ...rest] = payload.split(/[:,]/);
    switch (name) {
      case 'qSupported': {
        const reverse = this.target.seek === undefined ? '' : ';ReverseStep+;ReverseContinue+';
        return [`PacketSize=${MAX_PACKET_BYTES.toString(16)};qXfer:features:read+;QStartNoAckMode+;vContSupported+${reverse}`];
      }
      case 'qXfer': return [this.transferFeature(rest)];
      case 'qfThreadInfo': return [`m${this.target.vmm.machine.harts.map((_, i) => (i + 1).toString(16)).join(',')}`];
      case 'qsThreadInfo': return ['l'];
      case 'qC': return [`QC${(this.thread + 1).toString(16)}`];
      case 'qAttached': return ['1'];
      case 'qSymbol': return ['OK'];
      case 'qThreadExtraInfo': {
        const index = this.threadIndex(rest[0] ?? '');
        return [index === undefined ? BAD_REQUEST : textToHex(`hart ${index}`)];
      }
      case 'qRcmd': {
        const command = hexToBytes(rest[0] ?? '');
        if (command === undefined) return [BAD_REQUEST];
        const output = runMonitorCommand(Buffer.from(command).toString('utf8'), this.target, (icount) => this.execution.seek(icount));
        const pieces: string[] = [];
        for (let at = 0; at < output.length; at += MONITOR_PIECE) pieces.push(`O${textToHex(output.slice(at, at + MONITOR_PIECE))}`);
        return [...pieces, 'OK'];
      }
      default: return [''];
    }
  }

  /** `qXfer:features:read:ANNEX:OFFSET,LENGTH`. */
  private transferFeature(fields: string[]): string {
    const [object, operation, annex = '', offsetText = '', lengthText = ''] = fields;
    if (object !== 'features' || operation !== 'read') return '';
    const document = FEATURE_DOCUMENTS.get(annex);
    const offset = parseHexNumber(offsetText);
    const length = parseHexNumber(lengthText);
    if (document === undefined || offset === undefined || length === undefined) return BAD_REQUEST;
    const piece = document.slice(Number(offset), Number(offset) + Math.min(Number(length), MAX_PACKET_BYTES - 16));
    return `${Number(offset) + piece.length >= document.length ? 'l' : 'm'}${piece}`;
  }

  /** A thread id as a hart index: `-1` and `0` (any) mean hart 0; undefined if no such hart. */
  private threadIndex(text: string): number | undefined {
    if (text === '-1' || text === '0') return 0;
    const id = parseHexNumber(text);
    if (id === undefined || id < 1n || id > BigInt(this.target.vmm.machine.harts.length)) return undefined;
    return Number(id) - 1;
  }

  private selectThread(body: string): string {
    const index = this.threadIndex(body.slice(1));
    if (index === undefined || (body[0] !== 'g' && body[0] !== 'c')) return BAD_REQUEST;
    if (body[0] === 'g') this.thread = index;
    return 'OK';
  }

  private readAllRegisters(): string {
    const registers = this.registers();
    let text = '';
    for (let regnum = 0; regnum < G_PACKET_REGISTERS; regnum++) text += valueToLeHex(registers.read(regnum)!, 8);
    return text;
  }

  private writeAllRegisters(body: string): string {
    if (!this.target.writable) return READ_ONLY;
    if (body.length % 16 !== 0 || body.length / 16 > G_PACKET_REGISTERS) return BAD_REQUEST;
    const values: bigint[] = [];
    for (let i = 0; i < body.length; i += 16) {
      const value = leHexToValue(body.slice(i, i + 16));
      if (value === undefined) return BAD_REQUEST;
      values.push(value);
    }
    const registers = this.registers();
    values.forEach((value, regnum) => registers.write(regnum, value));
    return 'OK';
  }

  private readRegister(body: string): string {
    const regnum = parseHexNumber(body);
    const info = regnum === undefined ? undefined : registerInfo(Number(regnum));
    const value = info === undefined ? undefined : this.registers().read(info.regnum);
    if (info === undefined || value === undefined) return BAD_REQUEST;
    return valueToLeHex(value, info.bits / 8);
  }

  private writeRegister(body: string): string {
    const [numberText = '', valueText = ''] = body.split('=');
    const regnum = parseHexNumber(numberText);
    const info = regnum === undefined ? undefined : registerInfo(Number(regnum));
    const value = leHexToValue(valueText);
    if (info === undefined || value === undefined || valueText.length !== info.bits / 4) return BAD_REQUEST;
    if (!this.target.writable) return READ_ONLY;
    return this.registers().write(info.regnum, value) ? 'OK' : BAD_REQUEST;
  }

  /** `ADDR,LENGTH` as numbers. */
  private addressAndLength(text: string): { address: bigint; length: number } | undefined {
    const [addressText = '', lengthText = ''] = text.split(',');
    const address = parseHexNumber(addressText);
    const length = parseHexNumber(lengthText);
    if (address === undefined || length === undefined) return undefined;
    return { address, length: Number(length) };
  }

  private readMemory(body: string): string {
    const request = this.addressAndLength(body);
    if (request === undefined) return BAD_REQUEST;
    if (request.length === 0) return '';
    const bytes = this.memory.read(this.hart(), request.address, Math.min(request.length, MAX_READ));
    return bytes === undefined ? BAD_ADDRESS : bytesToHex(bytes);
  }

  private writeMemory(body: string, binary: boolean): string {
    const colon = body.indexOf(':');
    const request = colon < 0 ? undefined : this.addressAndLength(body.slice(0, colon));
    if (request === undefined) return BAD_REQUEST;
    const data = body.slice(colon + 1);
    const bytes = binary ? new Uint8Array(Buffer.from(data, 'latin1')) : hexToBytes(data);
    if (bytes === undefined || bytes.length !== request.length) return BAD_REQUEST;
    if (!this.target.writable) return READ_ONLY;
    if (bytes.length === 0) return 'OK';
    return this.memory.write(this.hart(), request.address, bytes) ? 'OK' : BAD_ADDRESS;
  }

  /** `Z`/`z` TYPE,ADDR,KIND: breakpoints (0, 1) and watchpoints (2 write, 3 read, 4 access). */
  private changeStopPoint(body: string, insert: boolean): string {
    const [type = '', addressText = '', kindText = ''] = body.split(/[,;]/);
    const address = parseHexNumber(addressText);
    const size = parseHexNumber(kindText);
    if (address === undefined || size === undefined) return BAD_REQUEST;
    if (type === '0' || type === '1') {
      if (!insert) return this.points.removeBreakpoint(address) ? 'OK' : BAD_REQUEST;
      if (this.memory.read(this.hart(), address, 2)?.length !== 2) return BAD_ADDRESS;
      this.points.addBreakpoint(address);
      return 'OK';
    }
    const kind = WATCH_KINDS[type];
    if (kind === undefined) return '';
    const watchpoint = { kind, address, length: Number(size) };
    if (!insert) return this.points.removeWatchpoint(watchpoint) ? 'OK' : BAD_REQUEST;
    if (watchpoint.length < 1 || watchpoint.length > 4096) return BAD_REQUEST;
    this.points.addWatchpoint(watchpoint);
    return 'OK';
  }

  /**
   * `s`/`c` [ADDR] and `S`/`C` SIG[;ADDR]: the signal is ignored (a guest has
   * none); an address moves the pc first, as gdb's protocol says.
   */
  private resume(body: string, withSignal: boolean, mode: 'step' | 'continue'): Replies | Promise<Replies> {
    const addressText = withSignal ? body.split(';')[1] : body;
    if (addressText !== undefined && addressText !== '') {
      const address = parseHexNumber(addressText);
      if (address === undefined) return [BAD_REQUEST];
      if (!this.target.writable) return [READ_ONLY];
      this.hart(0).setPc(address);
    }
    return this.run(mode);
  }

  private run(mode: 'step' | 'continue' | 'reverse-step' | 'reverse-continue'): Replies | Promise<Replies> {
    switch (mode) {
      case 'step': return this.stopped(this.execution.step());
      case 'reverse-step': return this.stopped(this.execution.reverseStep());
      case 'continue': return this.execution.continueForward().then((stop) => this.stopped(stop));
      case 'reverse-continue': return this.execution.continueBackward().then((stop) => this.stopped(stop));
    }
  }

  private reverse(body: string): Replies | Promise<Replies> {
    if (this.target.seek === undefined) return [''];
    if (body === 's') return this.run('reverse-step');
    if (body === 'c') return this.run('reverse-continue');
    return [''];
  }

  /** `vCont?`, `vCont;ACTION[:THREAD]...` (a step action anywhere makes it a step), `vMustReplyEmpty`. */
  private verbose(payload: string): Replies | Promise<Replies> {
    if (payload === 'vCont?') return ['vCont;c;C;s;S'];
    if (payload.startsWith('vCont;')) {
      const actions = payload.slice(6).split(';').map((action) => action.split(':')[0] ?? '');
      if (actions.some((action) => !/^([cs]|[CS][0-9a-fA-F]{2})$/.test(action))) return [BAD_REQUEST];
      return this.run(actions.some((action) => action[0] === 's' || action[0] === 'S') ? 'step' : 'continue');
    }
    return [''];
  }

  private stopped(stop: StopReason): Replies {
    this.lastStop = stop;
    if ('hart' in stop) this.thread = stop.hart;
    const reply = this.stopReply(stop);
    if (stop.kind === 'diverged') return [`O${textToHex(`replay stopped: ${stop.message}\n`)}`, reply];
    return [reply];
  }

  /** The stop reply packet for `stop`. */
  private stopReply(stop: StopReason): string {
    const thread = `thread:${((('hart' in stop ? stop.hart : 0)) + 1).toString(16)};`;
    switch (stop.kind) {
      case 'step':
      case 'breakpoint':
      case 'diverged':
        return `T05${thread}`;
      case 'interrupted': return `T02${thread}`;
      case 'watch': return `T05${WATCH_FIELD[stop.watchpoint.kind]}:${stop.watchpoint.address.toString(16)};${thread}`;
      case 'exited': return `W${(stop.code & 0xff).toString(16).padStart(2, '0')}`;
      case 'history-begin': return `T05replaylog:begin;${thread}`;
      case 'history-end': return `T05replaylog:end;${thread}`;
    }
  }
}
