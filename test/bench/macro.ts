/**
 * The macro benchmark: each guest runs on QEMU and on dejavm in the same
 * process, alternating (QEMU first on even repetitions, dejavm first on odd
 * ones), and the table reports median wall times, the guest's instruction
 * count and the MIPS each reaches. Nothing is subtracted: QEMU's own startup
 * cost is shown by the near-empty hello guest.
 */
import { GUESTS, guestImage, type GuestExpectation } from '../guests/guests.js';
import { hostToolAvailable, QEMU, runOnQemu } from '../guests/host-tools.js';
import { dejavmUnavailableReason, runOnDejavm } from './dejavm.js';
import { countInstructionsOnQemu, GDB } from './qemu-icount.js';
import { formatTable, median, mips } from './stats.js';

/** Where a row's instruction count came from. */
export type InstructionSource = 'dejavm --stats' | 'QEMU icount' | 'unknown';

/** The measurements of one guest. */
export interface MacroRow {
  guest: string;
  qemuMs: number[];
  dejavmMs: number[];
  instructions: number | undefined;
  instructionSource: InstructionSource;
  /** Wrong outputs, exit codes or counts seen along the way (empty when all runs were right). */
  problems: Set<string>;
}

/** Records what is wrong with a run; true when it behaved as expected (only then does its time count). */
function checkRun(row: MacroRow, engine: string, guest: GuestExpectation, stdout: string, exitCode: number | null): boolean {
  if (stdout !== guest.output) row.problems.add(`${engine}: unexpected output ${JSON.stringify(stdout.slice(0, 200))}`);
  if (exitCode !== guest.exitCode) row.problems.add(`${engine}: exit code ${exitCode}, expected ${guest.exitCode}`);
  return stdout === guest.output && exitCode === guest.exitCode;
}

async function measureGuest(guest: GuestExpectation, repetitions: number, withDejavm: boolean): Promise<MacroRow> {
  const elf = guestImage(guest.name);
  const row: MacroRow = {
    guest: guest.name, qemuMs: [], dejavmMs: [], instructions: undefined, instructionSource: 'unknown', problems: new Set(),
  };
  const onQemu = async (): Promise<void> => {
    const run = await runOnQemu(elf, guest.board);
    if (checkRun(row, 'QEMU', guest, run.stdout, run.exitCode)) row.qemuMs.push(run.wallMs);
  };
  const onDejavm = async (): Promise<void> => {
    const run = await runOnDejavm(elf);
    if (checkRun(row, 'dejavm', guest, run.stdout, run.exitCode)) row.dejavmMs.push(run.wallMs);
    if (run.instructions === undefined) {
      row.problems.add('dejavm: no "instructions: N" line in the --stats output');
    } else if (row.instructions !== undefined && row.instructions !== run.instructions) {
      row.problems.add(`dejavm: instruction count changed between runs (${row.instructions}, ${run.instructions})`);
    } else {
      row.instructions = run.instructions;
      row.instructionSource = 'dejavm --stats';
    }
  };
  for (let repetition = 0; repetition < repetitions; repetition++) {
    const order = repetition % 2 === 0 ? [onQemu, onDejavm] : [onDejavm, onQemu];
    for (const step of order) {
      if (step === onDejavm && !withDejavm) continue;
      await step();
    }
  }
  if (row.instructions === undefined && hostToolAvailable(GDB)) {
    row.instructions = await countInstructionsOnQemu(elf);
    row.instructionSource = 'QEMU icount';
  }
  return row;
}

/** Runs the macro benchmark on the virt guests named in `guestNames` (UART guests only). */
export async function runMacroBenchmark(
  guestNames: readonly string[],
  repetitions: number,
  print: (text: string) => void,
): Promise<MacroRow[]> {
  if (!hostToolAvailable(QEMU)) throw new Error(`${QEMU} is required (apt-get install qemu-system-misc)`);
  const unavailable = await dejavmUnavailableReason(guestImage('hello'));
  if (unavailable !== undefined) print(`dejavm: not measured (${unavailable}); QEMU only`);
  const rows: MacroRow[] = [];
  for (const name of guestNames) {
    const guest = GUESTS.find((candidate) => candidate.name === name && candidate.board === 'virt');
    if (guest === undefined) throw new Error(`no virt guest named ${name}`);
    print(`running ${name} ×${repetitions}...`);
    rows.push(await measureGuest(guest, repetitions, unavailable === undefined));
  }
  return rows;
}

function milliseconds(values: number[]): string {
  return values.length === 0 ? 'n/a' : median(values).toFixed(1);
}

function rate(instructions: number | undefined, values: number[]): string {
  return instructions === undefined || values.length === 0 ? 'n/a' : mips(instructions, median(values)).toFixed(1);
}

/** The results table, with notes on where the numbers come from and any problems seen. */
export function formatMacroReport(rows: readonly MacroRow[]): string {
  const header = ['guest', 'QEMU ms', 'dejavm ms', 'instructions', 'QEMU MIPS', 'dejavm MIPS', 'speed dejavm/QEMU'];
  const body = rows.map((row) => [
    row.guest,
    milliseconds(row.qemuMs),
    milliseconds(row.dejavmMs),
    row.instructions === undefined ? 'n/a' : `${row.instructions}`,
    rate(row.instructions, row.qemuMs),
    rate(row.instructions, row.dejavmMs),
    row.dejavmMs.length === 0 ? 'n/a' : `${(median(row.qemuMs) / median(row.dejavmMs)).toFixed(3)}x`,
  ]);
  const notes = [
    'Times are medians of whole-process wall times of correct runs; nothing is subtracted.',
    'speed dejavm/QEMU = QEMU time / dejavm time for the same guest (1.0x = as fast as QEMU).',
    'The hello row is a near-empty guest: its QEMU time is QEMU\'s startup cost.',
    ...rows.map((row) => `${row.guest}: instructions from ${row.instructionSource}` +
      (row.instructionSource === 'QEMU icount' ? ' (_start to power_off)' : '')),
    ...rows.flatMap((row) => [...row.problems].map((problem) => `PROBLEM ${row.guest}: ${problem}`)),
  ];
  return [formatTable(header, body), '', ...notes].join('\n');
}
