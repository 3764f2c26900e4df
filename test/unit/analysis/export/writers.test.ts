import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { AsciiWriter, encodeText } from '../../../../src/analysis/export/ascii-writer.js';
import { ProtobufWriter } from '../../../../src/analysis/export/protobuf-writer.js';

function drained(writer: { drain(write: (bytes: Uint8Array) => void): void }): Uint8Array {
  let bytes = new Uint8Array(0);
  writer.drain((piece) => {
    bytes = piece.slice();
  });
  return bytes;
}

describe('ProtobufWriter', () => {
  const root = protobuf.parse(`syntax = "proto2";
    message Inner { optional uint64 big = 1; optional string text = 2; repeated uint32 small = 3 [packed = false]; }
    message Outer { repeated Inner inner = 5; optional uint64 count = 1; }`).root;
  const Outer = root.lookupType('Outer');

  it.each([
    { name: 'small and large varints', count: 0x1_0000_0001, big: 0xffff_ffff_ffff_ffffn, small: [0, 127, 128, 300, 0xffff_ffff] },
    { name: 'a nested message longer than 127 bytes (length needs two bytes)', count: 1, big: 5n, small: Array.from({ length: 100 }, (_, i) => i * 1000) },
    { name: 'a nested message longer than 16383 bytes (length needs three bytes)', count: 2, big: 0n, small: Array.from({ length: 5000 }, (_, i) => i * 7919) },
  ])('encodes what protobufjs decodes: $name', ({ count, big, small }) => {
    const writer = new ProtobufWriter(16);
    writer.reserve(64 + small.length * 12);
    writer.uint(1, count);
    writer.begin(5);
    writer.uint64(1, big);
    writer.string(2, 'héllo');
    for (const value of small) writer.uint(3, value);
    writer.end();
    const decoded = Outer.toObject(Outer.decode(drained(writer)), { longs: String }) as { count: string; inner: Array<{ big: string; text: string; small: number[] }> };
    expect(decoded.count).toBe(String(count));
    expect(decoded.inner).toEqual([{ big: big.toString(), text: 'héllo', small }]);
  });

  it.each([0n, 127n, 2n ** 53n - 1n, 2n ** 53n, 0xffff_ffff_ffff_ffffn])('smallMessage: a pre-encoded prefix and a 64-bit field (%s)', (big) => {
    const prefix = new ProtobufWriter(16);
    prefix.reserve(16);
    prefix.string(2, 'x');
    prefix.uint(3, 9);
    const writer = new ProtobufWriter(16);
    writer.reserve(64);
    writer.smallMessage(5, drained(prefix), 1, big);
    const decoded = Outer.toObject(Outer.decode(drained(writer)), { longs: String }) as { inner: Array<{ big: string; text: string; small: number[] }> };
    expect(decoded.inner).toEqual([{ big: big.toString(), text: 'x', small: [9] }]);
  });

  it('refuses to drain inside an open message', () => {
    const writer = new ProtobufWriter();
    writer.begin(1);
    expect(() => writer.drain(() => undefined)).toThrow('inside an open message');
  });
});

describe('AsciiWriter', () => {
  it.each([
    [0, '0'], [7, '7'], [10, '10'], [4677, '4677'], [2 ** 53 - 1, String(2 ** 53 - 1)],
  ])('decimal %i', (value, text) => {
    const writer = new AsciiWriter(4);
    writer.reserve(20);
    writer.decimal(value);
    expect(new TextDecoder().decode(drained(writer))).toBe(text);
  });

  it.each([
    [0n, '0x0'], [0x3c002873n, '0x3c002873'], [0x1_0000_0000n, '0x100000000'], [0xffff_ffff_ffff_ffffn, '0xffffffffffffffff'], [0x8000_0000_0000_0001n, '0x8000000000000001'],
  ])('hex %s', (value, text) => {
    const writer = new AsciiWriter(4);
    writer.reserve(20);
    writer.hex(value);
    expect(new TextDecoder().decode(drained(writer))).toBe(text);
  });

  it('copies short and long constant pieces', () => {
    const writer = new AsciiWriter(2);
    writer.bytes(encodeText('{"a":'));
    writer.bytes(encodeText('x'.repeat(100)));
    expect(new TextDecoder().decode(drained(writer))).toBe(`{"a":${'x'.repeat(100)}`);
  });
});
