import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffCases, type BackendDifference, type DiffOptions } from './campaign.js';
import { describeFields } from './dump.js';
import { localizeLabels, programText, type CaseSetup, type TestCase } from './program.js';

/** A shrunk mismatch: the smallest case found that still differs, and how. */
export interface Reproducer {
  testCase: TestCase;
  difference: BackendDifference;
  /** Single-case runs spent shrinking. */
  attempts: number;
}

const isLabel = (line: string): boolean => line.trimEnd().endsWith(':');

/** Setup simplifications tried after the body is minimal (each kept only if the mismatch stays). */
const SETUP_SIMPLIFICATIONS: ReadonlyArray<(s: CaseSetup) => Partial<CaseSetup>> = [
  () => ({ medeleg: 0n }), () => ({ mideleg: 0n }), () => ({ mie: 0n }), () => ({ mip: 0n }),
  (s) => ({ mstatus: s.mstatus & ~0x70_0000n }), () => ({ fcsr: 0n }),
];

/**
 * Shrink a mismatching case while it still differs in at least one of the
 * originally differing fields: delete whole items (halves, quarters, ...
 * single items), then single instructions inside the remaining items (never
 * labels, never the `li` that gives an operand its generated value: without
 * it the operand keeps a random initial value and the case drifts into other
 * behaviour), then simplify the setup. The last two steps keep a change only
 * if exactly the same fields still differ, so they cannot trade the mismatch
 * for another one. Candidates run under the backend the mismatch showed under only.
 */
export async function shrinkCase(original: TestCase, first: BackendDifference, options: DiffOptions = {}): Promise<Reproducer> {
  const underBackend: DiffOptions = { ...options, backends: [first.backend] };
  const wanted = new Set(first.fields.map((f) => f.field));
  let attempts = 0;
  let best = { testCase: original, difference: first };
  const stillDiffers = async (candidate: TestCase, exact: boolean): Promise<boolean> => {
    attempts++;
    try {
      const result = await diffCases([candidate], underBackend);
      const d = result.differences[0];
      if (!d || d.kind !== first.kind) return false;
      const fields = new Set(d.fields.map((f) => f.field));
      const same = fields.size === best.difference.fields.length && best.difference.fields.every((f) => fields.has(f.field));
      if (d.kind === 'fields' && (exact ? !same : !d.fields.some((f) => wanted.has(f.field)))) return false;
      best = { testCase: candidate, difference: d };
      return true;
    } catch {
      return false;
    }
  };
  let body = original.body.map((item) => [...item]);
  const attempt = async (candidate: string[][], exact = false): Promise<boolean> => {
    if (!(await stillDiffers({ ...best.testCase, body: candidate }, exact))) return false;
    body = candidate;
    return true;
  };
  for (let chunk = Math.max(1, Math.floor(body.length / 2)); chunk >= 1; chunk = chunk === 1 ? 0 : Math.floor(chunk / 2)) {
    for (let start = 0; start < body.length;) {
      if (!(await attempt([...body.slice(0, start), ...body.slice(start + chunk)]))) start += chunk;
    }
  }
  for (let item = 0; item < body.length; item++) {
    for (let line = 0; line < body[item]!.length;) {
      const text = body[item]![line]!;
      const candidate = body.map((lines, i) => (i === item ? lines.filter((_, j) => j !== line) : lines));
      if (isLabel(text) || /^\s*li\s/.test(text) || !(await attempt(candidate, true))) line++;
    }
  }
  for (const simplify of SETUP_SIMPLIFICATIONS) {
    const setup = { ...best.testCase.setup, ...simplify(best.testCase.setup) };
    await stillDiffers({ ...best.testCase, setup }, true);
  }
  return { ...best, attempts };
}

const hex = (v: bigint): string => `0x${BigInt.asUintN(64, v).toString(16)}`;

/**
 * A human-readable reproducer: seed, case, category, starting privilege,
 * non-zero setup CSRs, the differing fields and the body assembly; the
 * complete single-case program is written to a file whose path is included.
 */
export function formatReproducer(seed: number, r: Reproducer): string {
  const c = r.testCase;
  const s = c.setup;
  const path = join(tmpdir(), `deja-diff-seed${seed}-case${c.index}.s`);
  writeFileSync(path, programText([c]));
  const priv = ['U', 'S', '?', 'M'][Number((s.mstatus >> 11n) & 3n)];
  const csrs = (['mstatus', 'fcsr', 'medeleg', 'mideleg', 'mie', 'mip', 'satp'] as const)
    .filter((k) => s[k] !== 0n).map((k) => `${k}=${hex(s[k])}`).join(' ');
  return [
    `MISMATCH seed=${seed} case=${c.index} backend=${r.difference.backend} category=${c.category} starts in ${priv} mode`
      + ` (${r.attempts} shrink runs)`,
    `setup: ${csrs}${s.runs.length > 0 ? ` (${s.runs.length} page-table runs)` : ''}`,
    r.difference.kind === 'fields' ? describeFields(r.difference.fields) : `  ${r.difference.kind}`,
    'body:',
    ...localizeLabels(c.body.flat(), c.index),
    `full program (x/f initial values in the descriptor): ${path}`,
  ].join('\n');
}
