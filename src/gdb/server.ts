import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { encodePacket, PacketDecoder, type Frame } from './packet.js';
import { GdbSession, type Replies } from './session.js';
import type { DebugTarget } from './target.js';

/** Reply to a request the server could not handle (an internal fault, reported on the log). */
const INTERNAL_ERROR = 'E03';

/** What a GDB server reports while it serves. */
export interface GdbServerEvents {
  /** One line for the user (connections, faults). */
  readonly log?: (line: string) => void;
  /** A debugger disconnected (the target stays usable for the next one). */
  readonly disconnected?: () => void;
}

/**
 * The GDB remote serial protocol over TCP for one target. One debugger at a
 * time (a new connection takes over from the open one); each connection
 * gets a fresh session (no breakpoints), and the target keeps its position
 * when a debugger goes away. The socket side is asynchronous, every guest
 * step synchronous.
 */
export class GdbServer {
  private server: Server | undefined;
  private active: Socket | undefined;

  constructor(private readonly target: DebugTarget, private readonly events: GdbServerEvents = {}) {}

  /** Listen on `host:port` (port 0 picks a free one); resolves with the address bound. */
  listen(host: string, port: number): Promise<AddressInfo> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve(server.address() as AddressInfo);
      });
    });
  }

  /** Stop listening and drop the open connection. */
  close(): Promise<void> {
    this.active?.destroy();
    const server = this.server;
    if (server === undefined) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    if (this.active !== undefined) {
      // The old debugger may be gone without the close having arrived yet
      // (or be stuck): the newest one takes over.
      this.events.log?.('a new debugger takes over from the one connected');
      this.active.destroy();
    }
    this.active = socket;
    socket.setNoDelay(true);
    this.events.log?.(`debugger connected from ${socket.remoteAddress}:${socket.remotePort}`);
    const connection = new Connection(socket, new GdbSession(this.target), this.events.log);
    socket.on('data', (bytes) => connection.receive(bytes));
    socket.on('error', (error) => this.events.log?.(`connection error: ${error.message}`));
    socket.on('close', () => {
      connection.closed();
      if (this.active === socket) this.active = undefined;
      this.events.log?.('debugger disconnected');
      this.events.disconnected?.();
    });
  }
}

/**
 * One connection: acks (until QStartNoAckMode), the request queue (one
 * request at a time; a continue answers later), and Ctrl-C while running.
 */
class Connection {
  private readonly decoder = new PacketDecoder();
  private readonly queue: Frame[] = [];
  private noAck = false;
  private busy = false;
  private open = true;
  private lastSent: Uint8Array | undefined;

  constructor(private readonly socket: Socket, private readonly session: GdbSession, private readonly log?: (line: string) => void) {}

  receive(bytes: Uint8Array): void {
    for (const frame of this.decoder.push(bytes)) {
      if (frame.type === 'interrupt') this.session.interrupt();
      else if (frame.type === 'nack') this.resend();
      else if (frame.type !== 'ack') this.queue.push(frame);
    }
    void this.drain();
  }

  /** The socket closed: a running continue stops at its next slice. */
  closed(): void {
    this.open = false;
    this.session.interrupt();
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (let frame = this.queue.shift(); frame !== undefined && this.open; frame = this.queue.shift()) {
        await this.answer(frame);
      }
    } finally {
      this.busy = false;
    }
  }

  private async answer(frame: Frame): Promise<void> {
    if (frame.type === 'bad-checksum') {
      if (!this.noAck) this.write(Buffer.from('-'));
      return;
    }
    if (!this.noAck) this.write(Buffer.from('+'));
    if (frame.type === 'oversized') {
      this.send(['E01']);
      return;
    }
    if (frame.type !== 'packet') return;
    const payload = frame.payload;
    if (payload === 'k') {
      this.socket.end();
      return;
    }
    this.send(await this.repliesFor(payload));
    if (payload === 'QStartNoAckMode') this.noAck = true;
    if (payload.startsWith('D')) this.socket.end();
  }

  private async repliesFor(payload: string): Promise<Replies> {
    try {
      return await this.session.handle(payload);
    } catch (error) {
      this.log?.(`internal error answering '${payload.slice(0, 40)}': ${(error as Error).stack ?? String(error)}`);
      return [INTERNAL_ERROR];
    }
  }

  private send(replies: Replies): void {
    for (const reply of replies) {
      const packet = encodePacket(reply);
      this.lastSent = packet;
      this.write(packet);
    }
  }

  private resend(): void {
    if (!this.noAck && this.lastSent !== undefined) this.write(this.lastSent);
  }

  private write(bytes: Uint8Array): void {
    if (this.open && !this.socket.destroyed) this.socket.write(bytes);
  }
}
