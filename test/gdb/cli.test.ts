import { spawnSync } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodePacket } from '../../src/gdb/packet.js';
import { guestImage, REPO_ROOT } from '../guests/guests.js';
import { startDejaServer } from './debug-session.js';

const HELLO = guestImage('hello');

function deja(...args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'deja.js'), ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stderr: result.stderr };
}

/** Send `bytes` to `address` and collect what comes back until `done` says so. */
function exchange(address: string, bytes: string, done: (received: string) => boolean): Promise<string> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = connect(Number(port), host, () => socket.write(Buffer.from(bytes, 'latin1')));
    socket.on('data', (data) => {
      received += data.toString('latin1');
      if (done(received)) {
        socket.destroy();
        resolve(received);
      }
    });
    socket.on('error', reject);
  });
}

describe('the --gdb option', () => {
  it.each([
    ['nonsense', "--gdb: 'nonsense' is not [HOST:]PORT (example: 127.0.0.1:1234)"],
    ['127.0.0.1:99999', "--gdb: '127.0.0.1:99999' is not [HOST:]PORT (example: 127.0.0.1:1234)"],
  ])('refuses --gdb %s with one line and exit status 2', (value, message) => {
    const result = deja('run', '--kernel', HELLO, '--gdb', value);
    expect(result.stderr).toBe(`deja: ${message}\n`);
    expect(result.status).toBe(2);
  });

  it('a port already in use is one line and exit status 2', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = deja('run', '--kernel', HELLO, '--gdb', String(port));
      expect(result.stderr).toBe(`deja: --gdb ${port}: cannot listen: EADDRINUSE\n`);
      expect(result.status).toBe(2);
    } finally {
      blocker.close();
    }
  });

  it('garbage, malformed and oversized packets get error replies and the server answers the next request', async () => {
    const server = await startDejaServer(['run', '--kernel', HELLO]);
    try {
      const packet = (payload: string): string => Buffer.from(encodePacket(payload)).toString('latin1');
      const requests = ['noise\x00\xff', packet('mzz,4'), '$g#00', packet(`X80000000,1:${'\x00'.repeat(0x5000)}`), packet('Z0,123456789abcdef0,4'), packet('?')];
      const received = await exchange(server.address, requests.join(''), (text) => text.includes(packet('T05thread:1;')));
      expect(received).toBe(['+', packet('E01'), '-', '+', packet('E01'), '+', packet('E14'), '+', packet('T05thread:1;')].join(''));
      expect(server.process.exitCode).toBeNull();
    } finally {
      server.process.kill();
    }
  });
});
