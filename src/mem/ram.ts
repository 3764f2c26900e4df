/** `Ram.codePages` bit: some backend caches code decoded from the page. */
export const PAGE_HOLDS_CODE = 1;
/** `Ram.codePages` bit: the page is clean since dirty tracking was last armed; the next write marks it dirty. */
export const PAGE_WATCHED = 2;

/**
 * Guest RAM: one contiguous block of physical memory starting at `base`.
 *
 * Besides the bytes, RAM keeps one flag byte per 4 KiB page: whether an
 * execution backend holds decoded or translated code for that page, and
 * whether the first write to the page since the last snapshot is still to be
 * noticed (dirty tracking). Every write path (CPU stores, device DMA,
 * loaders) goes through `noteWrite` or a method that calls it when the flag
 * byte is nonzero, so stale code is never executed and no written page is
 * missed: the flag check is one byte load on the store path, and a page
 * costs one `noteWrite` call per snapshot interval.
 */
export class Ram {
  /** The bytes of guest RAM. */
  readonly bytes: Uint8Array;
  /** A little-endian view of `bytes` for multi-byte accesses at any alignment. */
  readonly view: DataView;
  /** Per-page flags (`PAGE_HOLDS_CODE`, `PAGE_WATCHED`): a store must call `noteWrite` when nonzero. */
  readonly codePages: Uint8Array;
  /** Per-page flag set by the first write after `trackDirtyPages`/`takeDirtyPages`. */
  private readonly dirty: Uint8Array;
  private tracking = false;
  private readonly codeListeners: Array<(offset: number, len: number) => void> = [];

  /**
   * @param base guest-physical address of the first byte
   * @param size size in bytes (a multiple of 4 KiB)
   */
  constructor(readonly base: number, readonly size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
    this.codePages = new Uint8Array(Math.ceil(size / 4096));
    this.dirty = new Uint8Array(this.codePages.length);
  }

  /** Whether `[paddr, paddr + len)` lies wholly inside RAM. */
  contains(paddr: number, len: number): boolean {
    return paddr >= this.base && paddr + len <= this.base + this.size;
  }

  /**
   * Register a callback run when bytes of a page flagged as holding code are
   * written (RAM offset and length of the written range within that page).
   */
  onCodeWrite(listener: (offset: number, len: number) => void): void {
    this.codeListeners.push(listener);
  }

  /** Mark a RAM page (index from the start of RAM) as holding cached code. */
  markCode(page: number): void {
    this.codePages[page]! |= PAGE_HOLDS_CODE;
  }

  /**
   * Start noticing which pages are written: from now on `takeDirtyPages`
   * returns every page written since the previous call (or since this one).
   */
  trackDirtyPages(): void {
    this.tracking = true;
    this.dirty.fill(0);
    for (let page = 0; page < this.codePages.length; page++) this.codePages[page]! |= PAGE_WATCHED;
  }

  /** The pages written since the last call (or `trackDirtyPages`), in ascending order; watches them again. */
  takeDirtyPages(): number[] {
    const pages: number[] = [];
    if (!this.tracking) return pages;
    const dirty = this.dirty;
    for (let page = dirty.indexOf(1); page >= 0; page = dirty.indexOf(1, page + 1)) {
      pages.push(page);
      dirty[page] = 0;
      this.codePages[page]! |= PAGE_WATCHED;
    }
    return pages;
  }

  /**
   * Tell RAM that bytes at RAM offset `offset` (length `len`) changed, so
   * code cached from them is dropped.
   */
  noteWrite(offset: number, len: number): void {
    const end = offset + len;
    for (let start = offset; start < end; start = (start & ~4095) + 4096) {
      const page = start >>> 12;
      const flags = this.codePages[page]!;
      if ((flags & PAGE_WATCHED) !== 0) {
        this.dirty[page] = 1;
        this.codePages[page] = flags & ~PAGE_WATCHED;
      }
      if ((flags & PAGE_HOLDS_CODE) !== 0) {
        const pieceEnd = Math.min(end, (start & ~4095) + 4096);
        for (const listener of this.codeListeners) listener(start, pieceEnd - start);
      }
    }
  }

  /** Copy `data` into RAM at guest-physical `paddr` (caller checked bounds). */
  load(paddr: number, data: Uint8Array): void {
    const offset = paddr - this.base;
    this.bytes.set(data, offset);
    if (data.length > 0) this.noteWrite(offset, data.length);
  }
}
