import { exceptionName, interruptName } from '../isa/causes.js';
import { EventKind, type EndEvent, type TraceEvent } from '../trace/events.js';
import { eventKindName } from './event-text.js';

/** Counts that describe a recorded run at a glance. */
export interface TraceSummary {
  events: number;
  byKind: Map<string, number>;
  /** Traps by name (`machine timer interrupt`, `environment call from U-mode`, ...). */
  traps: Map<string, number>;
  /** MMIO accesses by device name: reads and writes. */
  io: Map<string, { reads: number; writes: number }>;
  /** Interrupt lines raised by devices, by hart. */
  irqsRaised: number;
  end: EndEvent | undefined;
}

/** Summarise a run's events (device names from the trace header). */
export function summarize(events: Iterable<TraceEvent>, devices: readonly string[]): TraceSummary {
  const summary: TraceSummary = { events: 0, byKind: new Map(), traps: new Map(), io: new Map(), irqsRaised: 0, end: undefined };
  const bump = <K>(map: Map<K, number>, key: K): void => {
    map.set(key, (map.get(key) ?? 0) + 1);
  };
  for (const event of events) {
    summary.events++;
    bump(summary.byKind, eventKindName(event));
    switch (event.kind) {
      case EventKind.TRAP:
        bump(summary.traps, event.interrupt ? interruptName(event.cause) : exceptionName(event.cause));
        break;
      case EventKind.MMIO_READ:
      case EventKind.MMIO_WRITE: {
        const name = devices[event.device] ?? `device ${event.device}`;
        const counts = summary.io.get(name) ?? { reads: 0, writes: 0 };
        if (event.kind === EventKind.MMIO_READ) counts.reads++;
        else counts.writes++;
        summary.io.set(name, counts);
        break;
      }
      case EventKind.IRQ:
        if (event.level) summary.irqsRaised++;
        break;
      case EventKind.END:
        summary.end = event;
        break;
      default:
        break;
    }
  }
  return summary;
}

/** The summary as indented lines for people. */
export function formatSummary(summary: TraceSummary): string[] {
  const lines = [`events: ${summary.events} (${[...summary.byKind].map(([kind, n]) => `${kind} ${n}`).join(', ')})`];
  if (summary.end !== undefined) {
    lines.push(`instructions: ${summary.end.icounts.join(' + ')}, ended: ${summary.end.reason} (exit status ${summary.end.exitCode})`);
  }
  lines.push('traps:');
  for (const [name, n] of [...summary.traps].sort((a, b) => b[1] - a[1])) lines.push(`  ${String(n).padStart(6)}  ${name}`);
  lines.push('device I/O (reads / writes):');
  for (const [name, counts] of [...summary.io].sort((a, b) => a[0].localeCompare(b[0]))) {
    lines.push(`  ${name.padEnd(10)} ${String(counts.reads).padStart(6)} / ${counts.writes}`);
  }
  lines.push(`interrupt lines raised: ${summary.irqsRaised}`);
  if (summary.end !== undefined) lines.push(`final state digest: ${Buffer.from(summary.end.sha256).toString('hex')}`);
  return lines;
}
