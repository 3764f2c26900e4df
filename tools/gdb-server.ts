import { GdbServer } from '../src/gdb/server.js';
import type { DebugTarget } from '../src/gdb/target.js';
import { UsageError } from './errors.js';

/** Where `--gdb` listens when only a port is given: loopback, so nobody else can drive the guest. */
const DEFAULT_HOST = '127.0.0.1';

/** The `--gdb` option's help text. */
export const GDB_OPTION_HELP = 'serve the GDB remote protocol on [HOST:]PORT (loopback unless a host is given); the guest starts halted';

/** `--gdb` values: `PORT`, `:PORT`, `HOST:PORT`, `[IPV6]:PORT`. */
export function parseGdbAddress(text: string): { host: string; port: number } {
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[^:]*):)?(\d+)$/.exec(text.trim());
  const port = match === null ? NaN : Number(match[2]);
  if (match === null || !Number.isInteger(port) || port > 65535) {
    throw new UsageError(`--gdb: '${text}' is not [HOST:]PORT (example: 127.0.0.1:1234)`);
  }
  const host = match[1] === undefined || match[1] === '' ? DEFAULT_HOST : match[1].replace(/^\[(.*)\]$/, '$1');
  return { host, port };
}

/**
 * For a replay under the debugger: whether a console byte the guest writes
 * now is new, i.e. written at a hart-0 `position()` past every byte shown
 * so far. Seeks replay stretches already shown; their output is not shown
 * twice. (One instruction writes at most one byte.)
 */
export function firstTimeOutput(position: () => number): () => boolean {
  let shownUpTo = -1;
  return () => {
    const at = position();
    if (at <= shownUpTo) return false;
    shownUpTo = at;
    return true;
  };
}

/**
 * Serve `target` to debuggers at `address` until a debugger disconnects
 * while `finished()` is true (a live guest that has exited); otherwise the
 * server waits for the next debugger. Prints where it listens on stderr.
 */
export async function serveGdb(target: DebugTarget, address: string, finished: () => boolean): Promise<void> {
  const { host, port } = parseGdbAddress(address);
  let done: () => void = () => {};
  const ended = new Promise<void>((resolve) => { done = resolve; });
  const server = new GdbServer(target, {
    log: (line) => process.stderr.write(`deja: gdb: ${line}\n`),
    disconnected: () => {
      if (finished()) done();
    },
  });
  let bound;
  try {
    bound = await server.listen(host, port);
  } catch (error) {
    throw new UsageError(`--gdb ${address}: cannot listen: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const shown = bound.family === 'IPv6' ? `[${bound.address}]:${bound.port}` : `${bound.address}:${bound.port}`;
  process.stderr.write(`deja: gdb server listening on ${shown} (gdb-multiarch -ex 'target remote ${shown}')\n`);
  await ended;
  await server.close();
}
