import { disassemble } from '../isa/disasm.js';
import { exceptionName, interruptName } from '../isa/causes.js';
import { EventKind, type TraceEvent } from '../trace/events.js';
import { interruptLineName, privilegeName } from './stats-names.js';

/** What the formatter knows besides the event: device names and, where it can, the code at an address. */
export interface EventContext {
  /** Device names by index (the trace header's device list). */
  readonly devices: readonly string[];
  /** The instruction bits at a guest address, when an image holds it; undefined otherwise. */
  readonly instructionAt?: (address: bigint) => number | undefined;
}

const KIND_NAMES: Record<EventKind, string> = {
  [EventKind.TRAP]: 'trap',
  [EventKind.IRQ]: 'irq',
  [EventKind.MMIO_READ]: 'io',
  [EventKind.MMIO_WRITE]: 'io',
  [EventKind.DMA]: 'dma',
  [EventKind.CONSOLE_INPUT]: 'input',
  [EventKind.CLOCK]: 'clock',
  [EventKind.DIGEST]: 'digest',
  [EventKind.END]: 'end',
  [EventKind.SNAPSHOT]: 'snapshot',
  [EventKind.EXEC]: 'exec',
};

/** The kind of an event as `deja dump --kind` names it (`trap`, `irq`, `io`, `input`, ...). */
export function eventKindName(event: TraceEvent): string {
  return KIND_NAMES[event.kind];
}

function hex(value: bigint | number, width = 0): string {
  return `0x${value.toString(16).padStart(width, '0')}`;
}

function bytesText(bytes: Uint8Array): string {
  return JSON.stringify(Buffer.from(bytes).toString('latin1'));
}

/**
 * One line describing `event` for people: position, kind, and the details
 * in the guest's own terms (cause names, device names, the disassembled
 * instruction at a trap's epc where an image holds it).
 */
export function describeEvent(event: TraceEvent, context: EventContext): string {
  const position = `${event.hart}:${event.icount}`.padEnd(14);
  switch (event.kind) {
    case EventKind.TRAP: {
      const name = event.interrupt ? interruptName(event.cause) : exceptionName(event.cause);
      const bits = context.instructionAt?.(event.epc);
      const code = bits === undefined ? '' : `  ${disassemble(bits, event.epc)}`;
      return `${position} trap   ${name} (${event.interrupt ? 'interrupt' : 'exception'} ${event.cause}) ${privilegeName(event.fromPriv)}->${privilegeName(event.toPriv)} epc=${hex(event.epc)} tval=${hex(event.tval)}${code}`;
    }
    case EventKind.IRQ:
      return `${position} irq    ${interruptLineName(event.line)} ${event.level ? 'raised' : 'lowered'}`;
    case EventKind.MMIO_READ:
    case EventKind.MMIO_WRITE: {
      const device = context.devices[event.device] ?? `device ${event.device}`;
      const direction = event.kind === EventKind.MMIO_READ ? 'read ' : 'write';
      return `${position} io     ${direction} ${device}+${hex(event.offset)} size ${event.size} value ${hex(event.value)}`;
    }
    case EventKind.DMA:
      return `${position} dma    ${event.bytes.length} bytes at ${hex(event.address)}`;
    case EventKind.CONSOLE_INPUT:
      return `${position} input  ${bytesText(event.bytes)}`;
    case EventKind.CLOCK:
      return `${position} clock  ${event.ticks} ticks`;
    case EventKind.DIGEST:
      return `${position} digest ${Buffer.from(event.sha256).toString('hex')}`;
    case EventKind.SNAPSHOT:
      return `${position} snapshot #${event.sequence}`;
    case EventKind.EXEC: {
      const bits = context.instructionAt?.(event.pc);
      return `${position} exec   pc=${hex(event.pc)}${bits === undefined ? '' : `  ${disassemble(bits, event.pc)}`}`;
    }
    case EventKind.END:
      return `${position} end    ${event.reason}, exit status ${event.exitCode}, icounts [${event.icounts.join(', ')}], digest ${Buffer.from(event.sha256).toString('hex')}`;
  }
}

/** `event` as a JSON-safe object: bigints as hex strings, bytes as hex, the kind by name. */
export function eventToJson(event: TraceEvent): Record<string, unknown> {
  const json: Record<string, unknown> = { kind: eventKindName(event) };
  for (const [key, value] of Object.entries(event)) {
    if (key === 'kind') continue;
    json[key] = typeof value === 'bigint' ? hex(value) : value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value;
  }
  if (event.kind === EventKind.MMIO_READ || event.kind === EventKind.MMIO_WRITE) json.access = event.kind === EventKind.MMIO_READ ? 'read' : 'write';
  return json;
}
