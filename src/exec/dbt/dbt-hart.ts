import { ExitReason } from '../backend.js';
import { EXCEPTION, runTakingTraps, type InterpHart } from '../interp/interpreter.js';
import { successors, type Block } from './block.js';
import { compileRegion, type RegionEnv } from './region.js';
import type { PageCode, TranslationCache } from './translation-cache.js';

/** Times a block is reached untranslated before a region is built from it (the default of `DbtOptions.hotBlockHits`). */
export const HOT_BLOCK_HITS = 20_000;
/** Instructions one region may hold (V8 optimises large functions late, or never). */
const MAX_REGION_INSNS = 64;
/**
 * Most instructions one region call may retire. Why: a region that loops for
 * the whole budget runs on V8's on-stack-replacement code, which keeps
 * bailing out at the same untried path; returning now and then lets V8 use
 * (and re-optimise) the function's regular optimised code instead.
 */
const REGION_SLICE = 50_000;
/** Instructions interpreted at a time where code cannot be translated (ROM, devices, non-uniform PMP). */
const UNTRANSLATED_STRETCH = 32;

/** Counters a translator run keeps (host-side only: they never touch guest state). */
export interface DbtStats {
  /** Instructions retired inside translated regions. */
  translatedInsns: number;
  /** Instructions retired by the interpreter tier. */
  interpretedInsns: number;
  /** Regions compiled (one per block that got hot outside any region). */
  regionsCompiled: number;
  /** Host milliseconds spent generating and compiling regions (0 without a stopwatch). */
  translationMs: number;
}

/**
 * One hart under the translator: dispatches between translated regions and
 * the interpreter (the first tier), keeping the interpreter's exact
 * semantics. Code runs translated only from the interpreter's own fetch page,
 * so it comes from the physical page the interpreter would fetch from;
 * the budget is checked at every block start, a region leaves for the
 * interpreter before any instruction it cannot run on its fast path, and
 * system instructions always run interpreted, so interrupts are taken where
 * the interpreter takes them.
 */
export class DbtHart {
  private readonly env: RegionEnv;

  constructor(
    private readonly core: InterpHart,
    private readonly cache: TranslationCache,
    private readonly stats: DbtStats,
    private readonly stopwatch: () => (() => number) | undefined,
    private readonly hotBlockHits: number,
  ) {
    const mem = core.mem;
    this.env = { h: core.hart, x: core.hart.x, mem, view: mem.view, codePages: mem.ram.codePages, core };
  }

  /** Run for at most `budget` instructions, taking traps as the interpreter does (see Backend.run). */
  run(budget: number): ExitReason {
    const h = this.core.hart;
    return runTakingTraps(h, h.icount + budget, (end) => this.execute(end), (info) => this.core.onTrap?.(info));
  }

  /** Run until `end`, an exit, or an exception (`EXCEPTION`, not yet taken). */
  private execute(end: number): number {
    const h = this.core.hart;
    for (;;) {
      if (h.interruptCheck || h.icount >= end) {
        // The interpreter takes what is pending at this boundary, or stops.
        const exit = this.interpret(h.icount >= end ? end : h.icount);
        if (exit !== ExitReason.BUDGET || h.icount >= end) return exit;
        continue;
      }
      const pc = h.pc;
      const ramOffset = this.core.codeOffset(pc);
      if (ramOffset < 0) {
        const exit = this.interpret(Math.min(end, h.icount + UNTRANSLATED_STRETCH));
        if (exit !== ExitReason.BUDGET) return exit;
        continue;
      }
      const page = this.cache.page(ramOffset >>> 12);
      const off = ramOffset & 4095;
      const block = page.block(off);
      if (block.region === undefined && block.insns.length > 0 && ++block.hits >= this.hotBlockHits) this.translate(page, block);
      const region = block.region;
      if (region !== undefined) {
        const before = h.icount;
        try {
          region(this.env, pc - off, off, Math.min(end, before + REGION_SLICE));
        } catch (signal) {
          if (signal !== h.trap) throw signal;
          return EXCEPTION;
        } finally {
          this.stats.translatedInsns += h.icount - before;
        }
        if (h.icount !== before) continue;
        // Too little budget left for the block: interpret what remains.
      }
      const exit = this.interpret(Math.min(end, h.icount + block.interpretLength));
      if (exit !== ExitReason.BUDGET) return exit;
    }
  }

  private interpret(limit: number): number {
    const h = this.core.hart;
    const before = h.icount;
    const exit = this.core.execute(limit);
    this.stats.interpretedInsns += h.icount - before;
    return exit;
  }

  /**
   * Build a region from `hot` and the blocks of the page reachable from it
   * that already ran (code that never ran would have no type feedback for
   * V8), up to a size limit (`hot` always fits); the region is then entered
   * at any of them.
   */
  private translate(page: PageCode, hot: Block): void {
    const stopwatch = this.stopwatch();
    const started = stopwatch?.() ?? 0;
    const chosen: Block[] = [];
    let insns = 0;
    const queue = [hot];
    const seen = new Set<number>();
    while (queue.length > 0) {
      const block = queue.shift()!;
      if (seen.has(block.start)) continue;
      seen.add(block.start);
      if (block !== hot && insns + block.insns.length > MAX_REGION_INSNS) continue;
      chosen.push(block);
      insns += block.insns.length;
      for (const target of successors(block)) {
        const next = target >= 0 && target < 4096 ? page.blocks.get(target) : undefined;
        if (next !== undefined && next.insns.length > 0 && (next.hits > 0 || next.region !== undefined)) queue.push(next);
      }
    }
    const region = compileRegion(chosen, page.state);
    for (const block of chosen) block.region = region;
    this.stats.regionsCompiled++;
    if (stopwatch !== undefined) this.stats.translationMs += stopwatch() - started;
  }
}
