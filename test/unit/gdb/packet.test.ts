import { describe, expect, it } from 'vitest';
import { encodePacket, PacketDecoder, type Frame } from '../../../src/gdb/packet.js';

const latin1 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

function checksum(body: string): string {
  let sum = 0;
  for (const byte of latin1(body)) sum = (sum + byte) & 0xff;
  return sum.toString(16).padStart(2, '0');
}

/** A frame as gdb would send it, with a correct checksum over the raw body. */
function frame(body: string): string {
  return `$${body}#${checksum(body)}`;
}

function decodeAll(text: string, maxBytes?: number): Frame[] {
  return new PacketDecoder(maxBytes).push(latin1(text));
}

describe('PacketDecoder', () => {
  it.each([
    ['a plain packet', frame('qSupported:multiprocess+'), 'qSupported:multiprocess+'],
    ['an empty packet', frame(''), ''],
    ['escaped $ # } *', frame('X1,4:}\x04}\x03}]}\x0a'), 'X1,4:$#}*'],
    ['a run-length run', frame('0* '), '0000'],
    ['a run after an escaped byte', frame('}\x03*!'), '#####'],
    ['binary bytes', frame('X0,2:\xff\x00'), 'X0,2:\xff\x00'],
  ])('decodes %s', (_, wire, payload) => {
    expect(decodeAll(wire)).toEqual([{ type: 'packet', payload }]);
  });

  it('reads acks, nacks, the interrupt byte and skips noise between packets', () => {
    expect(decodeAll(`+-\x03junk${frame('g')}`).map((f) => f.type)).toEqual(['ack', 'nack', 'interrupt', 'packet']);
  });

  it('reports a wrong or non-hex checksum', () => {
    expect(decodeAll('$g#00')).toEqual([{ type: 'bad-checksum' }]);
    expect(decodeAll('$g#zz')).toEqual([{ type: 'bad-checksum' }]);
  });

  it('reassembles a packet split across many pieces, byte by byte', () => {
    const decoder = new PacketDecoder();
    const frames = [...latin1(frame('m80000000,40') + frame('?'))].flatMap((byte) => decoder.push(Uint8Array.of(byte)));
    expect(frames).toEqual([{ type: 'packet', payload: 'm80000000,40' }, { type: 'packet', payload: '?' }]);
  });

  it('reports an oversized packet once, then decodes the next one normally', () => {
    const frames = decodeAll(frame('M0,100:' + '00'.repeat(0x100)) + frame('?'), 64);
    expect(frames).toEqual([{ type: 'oversized' }, { type: 'packet', payload: '?' }]);
  });

  it('an oversized run-length expansion is oversized too', () => {
    expect(decodeAll(frame('0*~*~*~'), 64)).toEqual([{ type: 'oversized' }]);
  });
});

describe('encodePacket', () => {
  it.each([
    ['OK', '$OK#9a'],
    ['', '$#00'],
    ['a$b', '$a}\x04b#' + checksum('a}\x04b')],
    ['0000', '$0* #' + checksum('0* ')],
  ])('frames %j', (payload, wire) => {
    expect(Buffer.from(encodePacket(payload)).toString('latin1')).toBe(wire);
  });

  it.each([
    ['long runs', '0'.repeat(300) + 'ff' + '1'.repeat(7) + '2'.repeat(8) + '3'.repeat(9)],
    ['every byte value', String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i))],
    ['runs of special characters', '#'.repeat(20) + '*'.repeat(5) + '}}}}'],
  ])('round-trips %s through the decoder', (_, payload) => {
    const encoded = encodePacket(payload);
    const wire = Buffer.from(encoded).toString('latin1');
    expect(wire.slice(1, -3)).not.toMatch(/\*[#$]/);
    expect(new PacketDecoder(1 << 16).push(encoded)).toEqual([{ type: 'packet', payload }]);
  });
});
