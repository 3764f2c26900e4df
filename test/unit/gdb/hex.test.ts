import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes, leHexToValue, parseHexNumber, textToHex, valueToLeHex } from '../../../src/gdb/hex.js';

describe('protocol value encodings', () => {
  it.each([
    [0x1000n, 8, '0010000000000000'],
    [0xffffffffffffffffn, 8, 'ffffffffffffffff'],
    [-1n, 4, 'ffffffff'],
    [0x12345678n, 4, '78563412'],
  ])('register value %s in %i bytes is %s, and back', (value, bytes, hex) => {
    expect(valueToLeHex(value, bytes)).toBe(hex);
    expect(leHexToValue(hex)).toBe(BigInt.asUintN(bytes * 8, value));
  });

  it.each([['80000000', 0x80000000n], ['0', 0n], ['ffffffffffffffff', 0xffffffffffffffffn], ['', undefined], ['12x', undefined], ['1'.repeat(17), undefined]])(
    'parseHexNumber(%j) is %s',
    (text, value) => expect(parseHexNumber(text)).toBe(value),
  );

  it('bytes and text to hex pairs, and odd or non-hex input refused', () => {
    expect(bytesToHex(Uint8Array.of(0, 0xab, 0x10))).toBe('00ab10');
    expect(hexToBytes('00ab10')).toEqual(Uint8Array.of(0, 0xab, 0x10));
    expect(hexToBytes('abc')).toBeUndefined();
    expect(hexToBytes('zz')).toBeUndefined();
    expect(leHexToValue('g0')).toBeUndefined();
    expect(textToHex('hi\n')).toBe('68690a');
  });
});
