/**
 * The value encodings of the GDB remote protocol: bytes as pairs of hex
 * digits, register values as little-endian bytes, numbers as plain hex.
 */

/** Bytes as lowercase hex pairs. */
export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Hex pairs as bytes; undefined if the text is not an even number of hex digits. */
export function hexToBytes(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text, 'hex'));
}

/** A text as hex pairs of its UTF-8 bytes (console output, monitor replies). */
export function textToHex(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex');
}

/** An unsigned value of `bytes` bytes as little-endian hex pairs (a register in `g`/`p` replies). */
export function valueToLeHex(value: bigint, bytes: number): string {
  let text = '';
  let rest = BigInt.asUintN(bytes * 8, value);
  for (let i = 0; i < bytes; i++) {
    text += Number(rest & 0xffn).toString(16).padStart(2, '0');
    rest >>= 8n;
  }
  return text;
}

/** Little-endian hex pairs as an unsigned value; undefined if not hex. */
export function leHexToValue(text: string): bigint | undefined {
  const bytes = hexToBytes(text);
  if (bytes === undefined) return undefined;
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}

/** A plain hex number (an address, a length, a register number); undefined if not 1-16 hex digits. */
export function parseHexNumber(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F]{1,16}$/.test(text)) return undefined;
  return BigInt(`0x${text}`);
}
