/**
 * The `deja report` page: one self-contained HTML file (inline CSS and SVG,
 * no script, no network) with a summary table and five charts: events over
 * time, VM exits per million instructions, trap causes, a timeline of
 * privilege modes per hart, and I/O per device. Each chart is a
 * `<figure data-chart="...">` that names the source of its figures.
 */
import { privilegeName } from '../stats-names.js';
import { formatNumber, escapeXml, horizontalBars, laneTimeline, lineChart, stackedColumns } from './charts.js';
import { SERIES_KINDS, TIMELINE_MODES, type ReportData } from './report-data.js';

const KIND_COLORS: Record<(typeof SERIES_KINDS)[number], string> = { trap: '#d62728', irq: '#ff7f0e', io: '#1f77b4', other: '#7f7f7f' };
const KIND_LABELS: Record<(typeof SERIES_KINDS)[number], string> = { trap: 'traps', irq: 'interrupt lines', io: 'device I/O', other: 'other (input, clock, digests, end)' };
const MODE_COLORS = ['#c0392b', '#2e86c1', '#27ae60', '#b3b6b7'];
const READ_WRITE = [{ name: 'reads', color: '#1f77b4' }, { name: 'writes', color: '#ff7f0e' }];
const TRAP_PARTS = [{ name: 'traps', color: '#d62728' }];
const X_LABEL = 'icount (instructions retired per hart)';

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:820px;color:#222;padding:0 12px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:0 0 4px}
.sub{color:#666;margin:0 0 16px;word-break:break-all}
table{border-collapse:collapse;margin:0 0 20px}td,th{padding:2px 12px 2px 0;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:0 0 28px;border-top:1px solid #ddd;padding-top:12px}
figcaption,.caption{color:#666;font-size:12px;margin:2px 0 8px}
.hot{margin:0 0 24px}
svg{width:100%;height:auto;display:block}
.axis{stroke:#999;stroke-width:1}.tick{font-size:11px;fill:#555}.label{font-size:12px;fill:#333}
.legend{list-style:none;padding:0;margin:6px 0 0;display:flex;flex-wrap:wrap;gap:14px;font-size:12px}
.swatch{display:inline-block;width:10px;height:10px;margin-right:5px;vertical-align:-1px}
.empty{color:#888;font-style:italic;margin:8px 0}
`;

function figure(id: string, title: string, source: string, body: string): string {
  return `<figure data-chart="${id}"><h2>${escapeXml(title)}</h2><figcaption>${escapeXml(source)}</figcaption>${body}</figure>`;
}

function summaryTable(data: ReportData): string {
  const { stats } = data;
  const rows: Array<[string, string]> = [
    ['events', formatNumber(stats.events)],
    ['instructions', `${formatNumber(stats.instructions.total)}${stats.instructions.perHart.length > 1 ? ` (${stats.instructions.perHart.map(formatNumber).join(' + ')})` : ''}`],
    ['traps', formatNumber(stats.traps.total)],
    ['VM exits', `${formatNumber(stats.exits.total)}${stats.exits.instructionsPerExit === undefined ? '' : `, ${formatNumber(stats.exits.instructionsPerExit)} instructions per exit`}`],
    ['console', `${formatNumber(stats.console.bytesIn)} bytes in, ${formatNumber(stats.console.bytesOut)} bytes out`],
    ['ended', stats.end === undefined ? 'no end event (the recording was cut)' : `${stats.end.reason} (exit status ${stats.end.exitCode})`],
  ];
  return `<table>${rows.map(([name, value]) => `<tr><th>${escapeXml(name)}</th><td>${escapeXml(value)}</td></tr>`).join('')}</table>`;
}

function hotPcTable(data: ReportData): string {
  const { hotPcs, hotPcSource } = data.stats;
  if (hotPcs.length === 0) return '';
  const rows = hotPcs.map((pc) => `<tr><td class="n">${formatNumber(pc.count)}</td><td><code>0x${pc.pc.toString(16)}</code></td><td>${escapeXml(pc.symbol ?? '')}</td></tr>`).join('');
  const source = hotPcSource === 'trap epcs' ? 'Where traps were taken (trap epcs): the trace has no pc stream.' : 'Executed pcs (the exec events of an imported trace).';
  return `<section class="hot"><h2>Hot pcs</h2><p class="caption">${source} Named by the ELF symbols of the recorded images when they are on disk unchanged.</p><table>${rows}</table></section>`;
}

/** The whole report page for `data`. */
export function renderReport(data: ReportData): string {
  const { stats } = data;
  const width = data.bucketInstructions;
  const events = stackedColumns(SERIES_KINDS.map((kind) => ({ name: KIND_LABELS[kind], color: KIND_COLORS[kind], values: data.eventsByKind[kind] })), width, X_LABEL, 'events');
  const exitRate = data.exits.map((exits, bucket) => (data.instructions[bucket]! > 0 ? (exits * 1e6) / data.instructions[bucket]! : undefined));
  const exits = lineChart(exitRate, width, '#8e44ad', X_LABEL, 'VM exits per million instructions');
  const traps = horizontalBars(stats.traps.byCause.map((trap) => ({ label: trap.name, values: [trap.count] })), TRAP_PARTS, 'traps');
  const lanes = data.privilege.map((buckets, hart) => ({ label: `hart ${hart}`, buckets }));
  const modes = laneTimeline(lanes, TIMELINE_MODES.map((mode, index) => ({ name: mode === TIMELINE_MODES[3] ? 'unknown' : `${privilegeName(mode)}-mode`, color: MODE_COLORS[index]! })), width, X_LABEL);
  const io = horizontalBars(stats.io.map((device) => ({ label: device.device, values: [device.reads, device.writes] })), READ_WRITE, 'device I/O');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>dejavm report: ${escapeXml(data.title)}</title><style>${STYLE}</style></head>
<body><h1>dejavm report</h1><p class="sub">${escapeXml(data.title)}</p>
${summaryTable(data)}
${hotPcTable(data)}
${figure('events-over-time', 'Events over time', `Every event of the trace by kind, in ${data.buckets} buckets of ${formatNumber(width)} instructions.`, events)}
${figure('exits-per-million', 'VM exits per million instructions', 'I/O and clock events (each a VM exit to a device model or the host clock) per million instructions retired in the bucket; exits that leave no event are not in the trace.', exits)}
${figure('trap-causes', 'Trap causes', 'Trap events by cause (exceptions and interrupts).', traps)}
${figure('privilege-timeline', 'Privilege modes over time', 'Per hart, the share of each bucket spent in each mode. The trace records traps (with the mode before and after) but not the xRET that ends a handler, so each stretch before a trap is drawn in the mode the hart trapped from, and the time after the last trap of a hart as unknown.', modes)}
${figure('io-per-device', 'I/O per device', 'I/O events (device reads and writes) by device.', io)}
</body></html>
`;
}
