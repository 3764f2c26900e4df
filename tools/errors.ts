/**
 * An error caused by what the user gave us (a file, a flag): reported as one
 * line on stderr with exit status 2, never with a stack trace.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Print `error` as one line and exit: 2 for bad input, 3 for an internal fault. */
export function exitWithError(error: unknown, badInput: (e: unknown) => boolean): never {
  const message = error instanceof Error ? error.message : String(error);
  if (badInput(error)) {
    process.stderr.write(`deja: ${message}\n`);
    process.exit(2);
  }
  process.stderr.write(`deja: internal error: ${message.split('\n')[0]} (set DEJA_DEBUG=1 for details)\n`);
  if (process.env.DEJA_DEBUG) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
  process.exit(3);
}
