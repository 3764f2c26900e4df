import type { Hart } from '../../cpu/hart.js';
import type { Bus } from '../../mem/bus.js';
import type { Backend, ExitReason } from '../backend.js';
import { Interpreter, type InterpHart } from '../interp/interpreter.js';
import { DbtHart, HOT_BLOCK_HITS, type DbtStats } from './dbt-hart.js';
import { TranslationCache } from './translation-cache.js';

/** Tuning of the translator (tests lower the threshold to translate at once). */
export interface DbtOptions {
  /** Times a block is reached untranslated before it is translated. */
  readonly hotBlockHits?: number;
}

/**
 * The binary translation backend (`--backend dbt`): the interpreter runs
 * code first; blocks reached often enough are translated, page by page,
 * into JavaScript regions that V8 compiles, with loops kept inside a region.
 * Bit-exact with the interpreter: same instructions retired, same traps at
 * the same icounts, same memory and device accesses in the same order.
 */
export class Dbt implements Backend {
  readonly name = 'dbt';
  /** How much ran translated, how much interpreted, and what translating cost. */
  readonly stats: DbtStats = { translatedInsns: 0, interpretedInsns: 0, regionsCompiled: 0, translationMs: 0 };
  /**
   * A host clock in milliseconds for measuring translation time, installed by
   * the tools layer (src/ never reads host time itself); none: not measured.
   */
  stopwatch: (() => number) | undefined;
  private readonly interpreter: Interpreter;
  private readonly cache: TranslationCache;
  private readonly harts = new Map<Hart, DbtHart>();

  private readonly hotBlockHits: number;

  /** A translator over `bus`; `options.hotBlockHits` defaults to `HOT_BLOCK_HITS` (20,000). */
  constructor(bus: Bus, options: DbtOptions = {}) {
    this.hotBlockHits = options.hotBlockHits ?? HOT_BLOCK_HITS;
    this.interpreter = new Interpreter(bus);
    this.cache = new TranslationCache(bus.ram);
  }

  /** The interpreter state of `hart` (its CSRs, trap observer, next instruction), shared with the translated code. */
  forHart(hart: Hart): InterpHart {
    return this.interpreter.forHart(hart);
  }

  run(hart: Hart, budget: number): ExitReason {
    let translator = this.harts.get(hart);
    if (translator === undefined) {
      translator = new DbtHart(this.forHart(hart), this.cache, this.stats, () => this.stopwatch, this.hotBlockHits);
      this.harts.set(hart, translator);
    }
    return translator.run(budget);
  }
}
