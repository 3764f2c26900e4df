import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveTarget } from '../../../src/gdb/live-target.js';
import { encodePacket } from '../../../src/gdb/packet.js';
import { GdbServer } from '../../../src/gdb/server.js';
import { assemble } from '../../../src/isa/asm.js';
import { Vmm } from '../../../src/vmm/vmm.js';

/** A guest that spins forever: only an interrupt from gdb stops a continue. */
const SPIN = assemble('spin: addi t0, t0, 1\n j spin', { origin: 0x80000000n });

const packet = (payload: string): string => Buffer.from(encodePacket(payload)).toString('latin1');

/** A raw protocol client that collects everything the server sends. */
class Client {
  received = '';
  closed = false;
  private waiters: Array<() => void> = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (data) => {
      this.received += data.toString('latin1');
      this.waiters.splice(0).forEach((wake) => wake());
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiters.splice(0).forEach((wake) => wake());
    });
  }

  static open(port: number): Promise<Client> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new Client(socket)));
      socket.on('error', reject);
    });
  }

  send(text: string): void {
    this.socket.write(Buffer.from(text, 'latin1'));
  }

  /** Wait until what was received (and not yet taken) contains `expected`; take it all. */
  async expect(expected: string): Promise<string> {
    while (!this.received.includes(expected)) {
      if (this.closed) throw new Error(`connection closed; received ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    const taken = this.received;
    this.received = '';
    return taken;
  }

  async waitClosed(): Promise<void> {
    while (!this.closed) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.socket.destroy();
  }
}

describe('GdbServer', () => {
  let server: GdbServer | undefined;
  const clients: Client[] = [];

  afterEach(async () => {
    clients.splice(0).forEach((client) => client.close());
    await server?.close();
  });

  async function start(): Promise<{ port: number; target: LiveTarget }> {
    const target = new LiveTarget(new Vmm({ kernel: { name: 'spin.bin', bytes: SPIN.bytes }, memoryMiB: 16, console: () => {} }));
    server = new GdbServer(target);
    const address = await server.listen('127.0.0.1', 0);
    return { port: address.port, target };
  }

  async function client(port: number): Promise<Client> {
    const opened = await Client.open(port);
    clients.push(opened);
    return opened;
  }

  it('acks each packet, asks again after a bad checksum, answers an oversized packet with an error', async () => {
    const { port } = await start();
    const gdb = await client(port);
    gdb.send(packet('qC'));
    expect(await gdb.expect(packet('QC1'))).toBe(`+${packet('QC1')}`);
    gdb.send('$qC#00');
    expect(await gdb.expect('-')).toBe('-');
    gdb.send(packet(`M80000000,2000:${'00'.repeat(0x2000)}`));
    expect(await gdb.expect(packet('E01'))).toBe(`+${packet('E01')}`);
    gdb.send('-');
    expect(await gdb.expect(packet('E01'))).toBe(packet('E01'));
  });

  it('stops acking after QStartNoAckMode', async () => {
    const { port } = await start();
    const gdb = await client(port);
    gdb.send(packet('QStartNoAckMode'));
    await gdb.expect(packet('OK'));
    gdb.send(`+${packet('?')}`);
    expect(await gdb.expect(packet('T05thread:1;'))).toBe(packet('T05thread:1;'));
  });

  it('Ctrl-C stops a running continue; a disconnect mid-run leaves the target for the next debugger', async () => {
    const { port, target } = await start();
    const first = await client(port);
    first.send(packet('c'));
    await first.expect('+');
    first.send('\x03');
    expect(await first.expect('#')).toBe(packet('T02thread:1;'));
    const stoppedAt = target.position();
    expect(stoppedAt).toBeGreaterThan(0);
    first.send(packet('c'));
    await first.expect('+');
    first.close();
    const second = await client(port);
    second.send(packet('?'));
    await second.expect(packet('T05thread:1;'));
    expect(target.position()).toBeGreaterThan(stoppedAt);
  });

  it('a second debugger takes over from the first; k and D end the connection', async () => {
    const { port } = await start();
    const first = await client(port);
    const second = await client(port);
    await first.waitClosed();
    second.send(packet('D'));
    await second.expect(packet('OK'));
    await second.waitClosed();
    const third = await client(port);
    third.send(packet('k'));
    await third.waitClosed();
    const fourth = await client(port);
    fourth.send(packet('qC'));
    await fourth.expect(packet('QC1'));
  });
});
