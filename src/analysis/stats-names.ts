/**
 * Short names the analysis outputs share: privilege modes (`U`, `S`, `M`)
 * and interrupt-pending lines (`MTIP`, `SEIP`, ...). They match the names
 * (`deja dump`, stats, report and export all use these).
 */
import { PRIV_UNKNOWN } from '../trace/events.js';

const PRIVILEGE_NAMES = ['U', 'S', 'H', 'M'];
const LINE_NAMES: Record<number, string> = { 1: 'SSIP', 3: 'MSIP', 5: 'STIP', 7: 'MTIP', 9: 'SEIP', 11: 'MEIP' };

/** The letter of privilege mode `mode` (0 = U, 1 = S, 3 = M); `?` for PRIV_UNKNOWN (a source that names none). */
export function privilegeName(mode: number): string {
  if (mode === PRIV_UNKNOWN) return '?';
  return PRIVILEGE_NAMES[mode] ?? `mode ${mode}`;
}

/** The name of mip bit `line` (`7` -> `MTIP`); other bits read `mip bit N`. */
export function interruptLineName(line: number): string {
  return LINE_NAMES[line] ?? `mip bit ${line}`;
}
