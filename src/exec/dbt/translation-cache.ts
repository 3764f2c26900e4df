import type { Ram } from '../../mem/ram.js';
import { scanBlock, type Block } from './block.js';
import type { RegionState } from './region.js';

/**
 * What the translator knows about one physical RAM page: the blocks scanned
 * from it, with their hit counts and the regions entered at the hot ones.
 */
export class PageCode {
  readonly blocks = new Map<number, Block>();
  /** Shared with the page's regions: cleared when the page's scanned code is overwritten. */
  readonly state: RegionState = { live: true };
  /** One flag per 2-byte slot covered by a scanned instruction. */
  readonly covered = new Uint8Array(2048);

  constructor(private readonly view: DataView, private readonly ramOffset: number) {}

  /** The block starting at byte `offset` of the page, scanned on first use. */
  block(offset: number): Block {
    let block = this.blocks.get(offset);
    if (block === undefined) {
      block = scanBlock(this.view, this.ramOffset, offset);
      block.insns.forEach((insn, i) => this.covered.fill(1, block!.offsets[i]! >> 1, (block!.offsets[i]! + insn.len) >> 1));
      this.blocks.set(offset, block);
    }
    return block;
  }
}

/**
 * Translated code per physical RAM page, shared by all harts. A write to RAM
 * that touches bytes of a scanned instruction drops the whole page (blocks
 * and regions) and marks its region dead, so a region writing its own code
 * stops right after that store; writes elsewhere in the page keep it.
 */
export class TranslationCache {
  private readonly pages: Array<PageCode | undefined>;

  constructor(private readonly ram: Ram) {
    this.pages = new Array<PageCode | undefined>(ram.codePages.length).fill(undefined);
    ram.onCodeWrite((offset, len) => this.invalidate(offset, len));
  }

  /** The translator's record of RAM page `index` (created empty on first use). */
  page(index: number): PageCode {
    let page = this.pages[index];
    if (page === undefined) {
      page = new PageCode(this.ram.view, index * 4096);
      this.pages[index] = page;
      this.ram.markCode(index);
    }
    return page;
  }

  private invalidate(offset: number, len: number): void {
    const index = offset >>> 12;
    const page = this.pages[index];
    if (page === undefined) return;
    const first = (offset & 4095) >> 1;
    const last = ((offset & 4095) + len - 1) >> 1;
    for (let slot = first; slot <= last; slot++) {
      if (page.covered[slot] !== 0) {
        page.state.live = false;
        this.pages[index] = undefined;
        return;
      }
    }
  }
}
