/**
 * Fixed memory map and record offsets shared by the harness (assembly), the
 * generator (page tables, addresses) and the dump parser.
 *
 * Physical layout inside the 128 MiB of RAM at 0x8000_0000:
 * - `CODE_BASE`: harness code (first page: entry, trap handlers), then the cases;
 * - `HARNESS_DATA`: the harness record area, addressed through `gp` (x3), which
 *   the random bodies never write;
 * - `SCRATCH`: the pages the bodies load from and store to, refilled from a
 *   per-case seed at the start of every case and summed into the checksum;
 * - `PAGE_TABLES`: the pages the per-case page tables are built in (zeroed at
 *   the start of every case and summed into the checksum, so A/D updates count).
 */
export const CODE_BASE = 0x8000_0000n;
/** Address of the harness record area (value of `gp` during a case). */
export const HARNESS_DATA = 0x8010_0000n;
/** First scratch page. */
export const SCRATCH = 0x8020_0000n;
/** Number of 4 KiB scratch pages. */
export const SCRATCH_PAGES = 2;
/** First page-table page. */
export const PAGE_TABLES = 0x8030_0000n;
/** Number of 4 KiB page-table pages. */
export const PAGE_TABLE_PAGES = 10;
/** Size of one page. */
export const PAGE = 0x1000n;
/**
 * Traps per mode and case after which the harness abandons the body and
 * dumps; equal to the log sizes, so every trap of a case is logged.
 */
export const TRAP_LIMIT = 32;
/** UART0 transmit register and the test finisher (QEMU `virt` memory map). */
export const UART0 = 0x1000_0000n;
/** The SiFive test finisher; a 32-bit write of 0x5555 powers off. */
export const FINISHER = 0x10_0000n;

/** Byte offsets inside the harness record area (`gp`-relative). */
export const H = {
  /** x0..x31 as saved by the dump (8 bytes each). */
  x: 0,
  /** f0..f31 raw bits as saved by the dump. */
  f: 256,
  mCount: 512,
  mHash: 520,
  mCause: 528,
  mEpc: 536,
  mTval: 544,
  sCount: 552,
  sHash: 560,
  sCause: 568,
  sEpc: 576,
  sTval: 584,
  exitPc: 592,
  next: 600,
  /** Five saves for the M-mode handler's temporaries t0, t1, t2, t3, t4. */
  mSave: 608,
  /** Five saves for the S-mode handler's temporaries. */
  sSave: 648,
  desc: 688,
  /** First byte of the running case's body (fetch faults resume at `ra` only inside the body). */
  bodyPc: 696,
  /** The first `M_LOG` M-mode traps as (cause, epc, tval) triples. */
  mLog: 704,
  /** The first `S_LOG` S-mode traps as (cause, epc, tval) triples. */
  sLog: 704 + 24 * 32,
  /** One past the last record byte (records from `mCount` up to here are zeroed per case). */
  end: 704 + 24 * 32 + 24 * 32,
} as const;

/** Number of M-mode traps logged individually per case. */
export const M_LOG = 32;
/** Number of S-mode traps logged individually per case. */
export const S_LOG = 32;

/** Byte offsets inside a case descriptor (data emitted next to each case). */
export const D = {
  index: 0,
  /** x1..x31 initial values (the x3 slot is ignored: `gp` is the harness base). */
  x: 8,
  /** f0..f31 initial raw bits. */
  f: 256,
  fcsr: 512,
  mstatus: 520,
  medeleg: 528,
  mideleg: 536,
  satp: 544,
  mie: 552,
  mip: 560,
  mscratch: 568,
  sscratch: 576,
  mcounteren: 584,
  scounteren: 592,
  seed: 600,
  runCount: 608,
  /** Page-table writes: `runCount` records of (address, first value, count, value step). */
  runs: 616,
} as const;

/** mstatus bits that are architecturally defined for RV64 without the H extension. */
export const MSTATUS_DEFINED = 0x8000_003f_007f_ffean;
/**
 * mip bits that M-mode software can write and that no timer drives: SSIP,
 * STIP, SEIP and (kept by QEMU 7.2 even with H off) VSSIP, VSTIP, VSEIP, LCOFIP.
 */
export const MIP_SOFTWARE = 0x2666n;
