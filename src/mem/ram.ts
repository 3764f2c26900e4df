/**
 * Guest RAM: one contiguous block of physical memory starting at `base`.
 *
 * Besides the bytes, RAM keeps one flag per 4 KiB page saying whether an
 * execution backend holds decoded or translated code for that page. Every
 * write path (CPU stores, device DMA, loaders) goes through `noteWrite` or a
 * method that calls it, so stale code is never executed: the flag check is one
 * byte load on the store path.
 */
export class Ram {
  /** The bytes of guest RAM. */
  readonly bytes: Uint8Array;
  /** A little-endian view of `bytes` for multi-byte accesses at any alignment. */
  readonly view: DataView;
  /** Per-page flag: nonzero while some backend caches code decoded from the page. */
  readonly codePages: Uint8Array;
  private readonly codeListeners: Array<(offset: number, len: number) => void> = [];

  /**
   * @param base guest-physical address of the first byte
   * @param size size in bytes (a multiple of 4 KiB)
   */
  constructor(readonly base: number, readonly size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
    this.codePages = new Uint8Array(Math.ceil(size / 4096));
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
    this.codePages[page] = 1;
  }

  /**
   * Tell RAM that bytes at RAM offset `offset` (length `len`) changed, so
   * code cached from them is dropped.
   */
  noteWrite(offset: number, len: number): void {
    const end = offset + len;
    for (let start = offset; start < end; start = (start & ~4095) + 4096) {
      if (this.codePages[start >>> 12] !== 0) {
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
