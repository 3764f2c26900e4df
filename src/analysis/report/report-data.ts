/**
 * The numbers behind `deja report`: the run's statistics (stats.ts) plus
 * series over time. Time is cut into equal icount buckets; each bucket
 * counts events by kind and VM exits, and holds, per hart, how many of its
 * instructions were drawn in each privilege mode (the stretches of
 * export/timeline.ts, with the same rule for the unrecorded xRET).
 */
import { EventKind, PRIV_UNKNOWN, type TraceEvent } from '../../trace/events.js';
import type { TraceReader } from '../../trace/reader.js';
import { lastIcount } from '../export/export-trace.js';
import { forEachEvent } from '../trace-walk.js';
import { TimelineBuilder, type TimelineSink } from '../export/timeline.js';
import { StatsCollector, type StatsOptions, type TraceStats } from '../stats.js';

/** Event kinds as the events-over-time chart groups them. */
export const SERIES_KINDS = ['trap', 'irq', 'io', 'other'] as const;

/** Privilege modes as the timeline draws them, in lane order. */
export const TIMELINE_MODES = [3, 1, 0, PRIV_UNKNOWN] as const;

/** Everything the report draws. */
export interface ReportData {
  /** Where the trace came from and what it is. */
  title: string;
  stats: TraceStats;
  /** Instructions per bucket (the last bucket may hold fewer). */
  bucketInstructions: number;
  buckets: number;
  /** Events per bucket, by {@link SERIES_KINDS} entry. */
  eventsByKind: Record<(typeof SERIES_KINDS)[number], number[]>;
  /** VM exits (I/O and clock events) per bucket. */
  exits: number[];
  /** Instructions retired per bucket, all harts together. */
  instructions: number[];
  /** Per hart, per bucket: instructions drawn in each {@link TIMELINE_MODES} entry (same order). */
  privilege: number[][][];
}

const MAX_BUCKETS = 200;

function kindSeries(kind: EventKind): number {
  switch (kind) {
    case EventKind.TRAP: return 0;
    case EventKind.IRQ: return 1;
    case EventKind.MMIO_READ:
    case EventKind.MMIO_WRITE: return 2;
    default: return 3;
  }
}

/** Collects the series for a run of about `span` instructions per hart. */
export class ReportCollector {
  readonly bucketInstructions: number;
  readonly buckets: number;
  private readonly kinds: number[][];
  private readonly exitCounts: number[];
  private readonly privilegeTime: number[][][] = [];
  private readonly timeline: TimelineBuilder;
  private readonly stats: StatsCollector;

  constructor(span: number, harts: number, options: StatsOptions) {
    this.buckets = Math.max(1, Math.min(MAX_BUCKETS, span));
    this.bucketInstructions = Math.max(1, Math.ceil(span / this.buckets));
    this.kinds = SERIES_KINDS.map(() => new Array<number>(this.buckets).fill(0));
    this.exitCounts = new Array<number>(this.buckets).fill(0);
    this.stats = new StatsCollector(options);
    // The timeline's stretches feed the privilege lanes and its exit intervals are the buckets;
    // traps, lines and I/O are counted by the stats.
    const sink: TimelineSink = {
      start: () => undefined,
      privilege: (hart, mode, start, end) => this.addPrivilege(hart, mode, start, end),
      trap: () => undefined,
      interruptLine: () => undefined,
      io: () => undefined,
      exits: (_hart, start, exits) => {
        this.exitCounts[this.bucket(start)]! += exits;
      },
      vmm: () => undefined,
      finish: () => undefined,
    };
    this.timeline = new TimelineBuilder(sink, harts, options.devices.map((device) => device.name), this.bucketInstructions);
  }

  /** Adds one event. */
  add(event: TraceEvent): void {
    this.stats.add(event);
    this.kinds[kindSeries(event.kind)]![this.bucket(event.icount)]!++;
    this.timeline.add(event);
  }

  /** The report's data; `title` heads the page. */
  result(title: string): ReportData {
    this.timeline.finish();
    const stats = this.stats.result();
    const instructions = new Array<number>(this.buckets).fill(0);
    for (const final of stats.instructions.perHart) {
      for (let bucket = 0; bucket < this.buckets; bucket++) {
        const start = bucket * this.bucketInstructions;
        instructions[bucket]! += Math.max(0, Math.min(final, start + this.bucketInstructions) - start);
      }
    }
    const [trap, irq, io, other] = this.kinds as [number[], number[], number[], number[]];
    return {
      title, stats, bucketInstructions: this.bucketInstructions, buckets: this.buckets,
      eventsByKind: { trap, irq, io, other }, exits: this.exitCounts, instructions, privilege: this.privilegeTime,
    };
  }

  /** A stretch of `mode` on `hart` over [start, end), spread over the buckets it covers. */
  private addPrivilege(hart: number, mode: number, start: number, end: number): void {
    const lanes = this.hartLanes(hart);
    const lane = Math.max(0, TIMELINE_MODES.indexOf(mode as (typeof TIMELINE_MODES)[number]));
    for (let bucket = this.bucket(start); bucket < this.buckets; bucket++) {
      const from = Math.max(start, bucket * this.bucketInstructions);
      const to = Math.min(end, (bucket + 1) * this.bucketInstructions);
      if (to <= from) break;
      lanes[bucket]![lane]! += to - from;
    }
  }

  private bucket(icount: number): number {
    return Math.min(this.buckets - 1, Math.floor(icount / this.bucketInstructions));
  }

  private hartLanes(hart: number): number[][] {
    let lanes = this.privilegeTime[hart];
    if (lanes === undefined) {
      lanes = Array.from({ length: this.buckets }, () => TIMELINE_MODES.map(() => 0));
      this.privilegeTime[hart] = lanes;
    }
    return lanes;
  }
}

/** Reads every complete chunk of `reader` into report data; `onChunk` hears the events done after each chunk. */
export function reportOfTrace(reader: TraceReader, options: Omit<StatsOptions, 'devices' | 'digestInterval'>, onChunk?: (eventsDone: number) => void): ReportData {
  const collector = new ReportCollector(lastIcount(reader), reader.header.machine.harts, {
    ...options, devices: reader.header.devices, digestInterval: reader.header.digestInterval,
  });
  forEachEvent(reader, (event) => collector.add(event), onChunk);
  return collector.result(reader.path);
}
