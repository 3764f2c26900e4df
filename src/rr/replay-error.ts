/**
 * A replay that cannot be made as asked (an icount outside the recording, a
 * malformed snapshot): a one-line message for the user, exit status 2.
 */
export class ReplayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayError';
  }
}
