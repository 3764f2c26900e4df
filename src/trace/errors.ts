/**
 * The one error type of the trace layer: every problem with a trace file
 * (bad magic, newer version, checksum mismatch, malformed event bytes, a
 * failed write) surfaces as a `TraceError` with a one-line message.
 */

/** A trace file problem; `offset` is the byte offset in the file when one applies. */
export class TraceError extends Error {
  /** Byte offset in the file where the problem was found, if it has one. */
  readonly offset: number | undefined;

  /** Builds the error; the offset, when given, is appended to the message. */
  constructor(message: string, offset?: number) {
    super(offset === undefined ? message : `${message} (at byte offset ${offset})`);
    this.name = 'TraceError';
    this.offset = offset;
  }
}
