import { disassemble } from '../isa/disasm.js';
import { ReplaySession, type Divergence, type ReplayOptions } from '../rr/replay-session.js';
import { EventKind, type TraceEvent } from '../trace/events.js';
import type { RetiredInstruction } from '../vmm/vmm.js';
import { describeEvent, type EventContext } from './event-text.js';
import { formatRegisters, hartRegisters, registerDifferences } from './hart-registers.js';

/** How many control-flow transfers the report lists. */
const HISTORY = 16;
/** How far back (in instructions) the report looks for them. */
const HISTORY_WINDOW = 200_000;

function hex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

/** A taken branch, jump or trap: where control left and where it went. */
interface Transfer {
  readonly icount: number;
  readonly from: bigint;
  readonly to: bigint;
  readonly raw: number;
}

/**
 * The report `deja replay` prints at the first divergence: the position
 * (hart, icount, pc and the instruction there), the expected and the actual
 * event, the registers and CSRs that differ after that instruction (the
 * replay is run twice to just past it: once as the device models answer, once
 * with the recorded I/O value), the last control-flow transfers that led
 * there, and the last digest that still matched.
 */
export function divergenceReport(tracePath: string, options: ReplayOptions, divergence: Divergence): string[] {
  const session = ReplaySession.open(tracePath, { ...options, console: undefined });
  try {
    const context: EventContext = { devices: session.header.devices.map((device) => device.name) };
    const describe = (event: TraceEvent | undefined, missing: string): string => (event === undefined ? missing : describeEvent(event, context));
    const transfers = historyUpTo(session, divergence.icount);
    const hart = session.vmm.machine.harts[divergence.hart] ?? session.vmm.machine.harts[0]!;
    const pc = hart.getPc();
    const insn = session.vmm.backend.forHart(hart).peekInstruction();
    const lines = [
      `divergence at hart ${divergence.hart}, icount ${divergence.icount}: pc ${hex(pc)}  ${insn === null ? '(no instruction can be fetched here)' : disassemble(insn.raw, pc)}`,
      `  expected (recorded): ${describe(divergence.expected, 'the recording ends here')}`,
      `  actual (replayed):   ${describe(divergence.actual, 'nothing: the replay ended or waited here')}`,
      ...stateLines(tracePath, options, divergence),
      `last ${Math.min(HISTORY, transfers.length)} control-flow transfers before it (icount: from -> to):`,
      ...transfers.map((t) => `  ${String(t.icount).padStart(12)}: ${hex(t.from)} -> ${hex(t.to)}  ${disassemble(t.raw, t.from)}`),
      divergence.lastMatchingDigest === undefined
        ? 'no digest matched before it (record with --digest-every N to bound where the state first differed)'
        : `last digest that still matched: icount ${divergence.lastMatchingDigest}`,
    ];
    return lines;
  } finally {
    session.close();
  }
}

/** Replay up to `icount` (exclusive), stepping through the last stretch to collect control-flow transfers. */
function historyUpTo(session: ReplaySession, icount: number): Transfer[] {
  const start = Math.max(0, icount - HISTORY_WINDOW);
  session.seek(start);
  const transfers: Transfer[] = [];
  let previous: RetiredInstruction | undefined;
  session.runTo(icount, (insn) => {
    if (previous !== undefined && insn.pc !== previous.pc + BigInt(previous.len)) {
      transfers.push({ icount: previous.icount, from: previous.pc, to: insn.pc, raw: previous.raw });
      if (transfers.length > HISTORY) transfers.shift();
    }
    previous = insn;
  });
  return transfers;
}

/**
 * The registers after the divergent instruction, as recorded (the I/O value
 * from the trace) against as replayed; the whole state when they agree.
 */
function stateLines(tracePath: string, options: ReplayOptions, divergence: Divergence): string[] {
  const expected = divergence.expected;
  const replayed = stateAfter(tracePath, options, divergence, undefined);
  if (expected?.kind !== EventKind.MMIO_READ) {
    return ['registers and CSRs before the divergent instruction (the same in both runs up to here):', ...formatRegisters(replayed.before).map((line) => `  ${line}`)];
  }
  const recorded = stateAfter(tracePath, options, divergence, expected);
  const differences = registerDifferences(recorded.after, replayed.after);
  return differences.length === 0
    ? ['no register or CSR differs after the divergent instruction']
    : ['registers and CSRs that differ after the divergent instruction:', ...differences.map((line) => `  ${line}`)];
}

/** Registers before and after the instruction at the divergence, the read answered from `recorded` when given. */
function stateAfter(tracePath: string, options: ReplayOptions, divergence: Divergence, recorded: TraceEvent | undefined): { before: Map<string, bigint>; after: Map<string, bigint> } {
  const session = ReplaySession.open(tracePath, { ...options, console: undefined });
  try {
    session.seek(divergence.icount);
    const hart = session.vmm.machine.harts[divergence.hart] ?? session.vmm.machine.harts[0]!;
    const before = hartRegisters(hart);
    if (recorded?.kind === EventKind.MMIO_READ) {
      const device = session.vmm.machine.bus.deviceRegions()[recorded.device]?.device;
      let answered = false;
      session.vmm.machine.bus.readOverride = (target, offset, size) => {
        if (answered || target !== device || offset !== recorded.offset || size !== recorded.size) return undefined;
        answered = true;
        return recorded.value;
      };
    }
    session.runTo(divergence.icount + 1);
    return { before, after: hartRegisters(hart) };
  } finally {
    session.close();
  }
}
