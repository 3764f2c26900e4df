/**
 * A synchronous exception raised while executing an instruction.
 *
 * Thrown from deep inside memory and CSR helpers and caught by the execution
 * loop, which enters the trap. One instance per hart is reused (`raise`), so
 * taking a trap allocates nothing.
 */
export class TrapSignal {
  /** Exception cause number (no interrupt bit). */
  cause = 0;
  /** Value for mtval/stval, as an unsigned 64-bit integer. */
  tval = 0n;

  /** Fill in the cause and tval and return this signal, ready to throw. */
  raise(cause: number, tval: bigint): TrapSignal {
    this.cause = cause;
    this.tval = tval;
    return this;
  }
}

/** Convert a signed-64 address held in a double to the unsigned bigint form. */
export function addrToBig(addr: number): bigint {
  return BigInt.asUintN(64, BigInt(addr));
}
