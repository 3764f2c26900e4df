/**
 * `deja stats` output: the statistics as lines for people, or as one JSON
 * object. Both name the source of every figure (which events it was counted
 * from), since the trace holds some things (traps, I/O) and not others (a pc
 * stream, VM exits that change nothing the guest can see).
 */
import type { TraceStats } from './stats.js';

/** Where each figure of {@link TraceStats} comes from, by section. */
export const STATS_SOURCES = {
  events: 'every event of the complete chunks',
  instructions: 'the end event\'s icounts; without one (a cut recording), the last event of each hart: a lower bound',
  traps: 'trap events (cause, privilege before and after)',
  exits: 'I/O and clock events: each is a VM exit to a device model or the host clock; exits that leave no event (instruction budget, WFI, fences, SBI calls the VMM answers) are not in the trace',
  interrupts: 'irq events (a device driving a mip bit) and interrupt traps; latency is the icount from the line rising to the trap with that cause on the same hart',
  io: 'io events by device (the trace header\'s device list) and register offset',
  hotPcs: 'exec events when the trace has a pc stream (imported traces); otherwise trap epcs, so "hot" means where traps were taken. Named by the ELF symbols of the header\'s images when they are on disk unchanged',
  console: 'bytes in: console input events; bytes out: writes to a UART\'s transmit register (offset 0 with LCR.DLAB clear)',
  digests: 'digest events and the end event\'s final state digest',
} as const;

function hex(value: bigint | number): string {
  return `0x${value.toString(16)}`;
}

function count(n: number): string {
  return String(n).padStart(9);
}

/** The statistics as lines of text, each section headed by its name and followed by its source in brackets. */
export function formatStats(stats: TraceStats): string[] {
  const lines: string[] = [];
  const section = (title: string, source: string): void => {
    lines.push(`${title}  [${source}]`);
  };
  section(`events: ${stats.events}`, STATS_SOURCES.events);
  for (const { kind, count: n } of stats.eventsByKind) lines.push(`${count(n)}  ${kind}`);
  const { perHart, total } = stats.instructions;
  section(`instructions: ${total}${perHart.length > 1 ? ` (${perHart.map((n, hart) => `hart ${hart}: ${n}`).join(', ')})` : ''}`, STATS_SOURCES.instructions);
  section(`traps: ${stats.traps.total}`, STATS_SOURCES.traps);
  for (const trap of stats.traps.byCause) {
    const transitions = trap.transitions.map((t) => `${t.from}->${t.to} ${t.count}`).join(', ');
    lines.push(`${count(trap.count)}  ${trap.name} (${trap.interrupt ? 'interrupt' : 'exception'} ${trap.cause}): ${transitions}`);
  }
  lines.push('  by privilege transition:');
  for (const transition of stats.traps.byTransition) lines.push(`${count(transition.count)}  ${transition.from}->${transition.to}`);
  const perExit = stats.exits.instructionsPerExit;
  section(`VM exits: ${stats.exits.total}${perExit === undefined ? '' : `, ${perExit.toFixed(1)} instructions per exit`}`, STATS_SOURCES.exits);
  for (const exit of stats.exits.byReason) lines.push(`${count(exit.count)}  ${exit.reason}`);
  section('interrupt lines: raised / lowered / taken, latency in instructions min / mean / max', STATS_SOURCES.interrupts);
  for (const line of stats.interrupts) {
    const latency = line.latency === undefined ? 'no latency (never seen rising before a trap)' : `latency ${line.latency.min} / ${line.latency.mean.toFixed(1)} / ${line.latency.max} over ${line.latency.samples}`;
    lines.push(`  ${`${line.name} (${line.line})`.padEnd(12)} ${line.raised} / ${line.lowered} / ${line.taken}, ${latency}`);
  }
  section('device I/O: reads / writes', STATS_SOURCES.io);
  for (const device of stats.io) {
    lines.push(`  ${device.device.padEnd(12)} ${device.reads} / ${device.writes}`);
    for (const register of device.registers) lines.push(`    +${hex(register.offset).padEnd(10)} ${register.reads} / ${register.writes}`);
  }
  section(`hot pcs: top ${stats.hotPcs.length} ${stats.hotPcSource}`, STATS_SOURCES.hotPcs);
  for (const pc of stats.hotPcs) lines.push(`${count(pc.count)}  ${hex(pc.pc).padEnd(18)} ${pc.symbol ?? ''}`.trimEnd());
  section(`console: ${stats.console.bytesIn} bytes in, ${stats.console.bytesOut} bytes out`, STATS_SOURCES.console);
  const digests = stats.digests;
  const where = digests.firstIcount === undefined ? '' : `, icount ${digests.firstIcount} .. ${digests.lastIcount}`;
  section(`digests: ${digests.count}${digests.interval > 0 ? ` (every ${digests.interval} instructions${where})` : where}`, STATS_SOURCES.digests);
  if (digests.final !== undefined) lines.push(`  final state ${digests.final}`);
  lines.push(stats.end === undefined ? 'ended: no end event (the recording was cut)' : `ended: ${stats.end.reason} (exit status ${stats.end.exitCode})`);
  return lines;
}

/** The statistics as a JSON-safe object (addresses as hex strings), with a `sources` section. */
export function statsToJson(stats: TraceStats): Record<string, unknown> {
  return {
    ...stats,
    hotPcs: stats.hotPcs.map((pc) => ({ ...pc, pc: hex(pc.pc), symbol: pc.symbol ?? null })),
    end: stats.end ?? null,
    sources: STATS_SOURCES,
  };
}
