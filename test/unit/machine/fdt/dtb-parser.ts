/**
 * Test support: a strict reader of flattened device trees (DTB v16/v17), so
 * that the writer's output and QEMU's `dumpdtb` output can be compared node
 * by node and property by property. It checks every structural rule it
 * passes over and throws on the first violation.
 */

/** The ten header words of a DTB. */
export interface DtbHeader {
  magic: number;
  totalSize: number;
  offDtStruct: number;
  offDtStrings: number;
  offMemRsvmap: number;
  version: number;
  lastCompVersion: number;
  bootCpuidPhys: number;
  sizeDtStrings: number;
  sizeDtStruct: number;
}

/** One property as stored: its name (resolved through the strings block) and raw value. */
export interface DtbProperty {
  name: string;
  /** Offset of the name in the strings block, as the structure block stores it. */
  nameOffset: number;
  value: Uint8Array;
}

/** One node with its properties and subnodes in file order. */
export interface DtbNode {
  name: string;
  properties: DtbProperty[];
  children: DtbNode[];
}

/** A parsed DTB. */
export interface Dtb {
  header: DtbHeader;
  reservations: { address: bigint; size: bigint }[];
  strings: Uint8Array;
  root: DtbNode;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function readCString(bytes: Uint8Array, offset: number, limit: number): string {
  const end = bytes.indexOf(0, offset);
  if (end < 0 || end >= limit) throw new Error(`unterminated string at 0x${offset.toString(16)}`);
  return decoder.decode(bytes.subarray(offset, end));
}

/** Parses `bytes` (only the first `totalsize` bytes count; QEMU's dump has a tail). */
export function parseDtb(bytes: Uint8Array): Dtb {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words = Array.from({ length: 10 }, (_, index) => view.getUint32(index * 4));
  const [magic, totalSize, offDtStruct, offDtStrings, offMemRsvmap, version, lastCompVersion, bootCpuidPhys, sizeDtStrings, sizeDtStruct] = words as [
    number, number, number, number, number, number, number, number, number, number,
  ];
  const header: DtbHeader = { magic, totalSize, offDtStruct, offDtStrings, offMemRsvmap, version, lastCompVersion, bootCpuidPhys, sizeDtStrings, sizeDtStruct };
  if (magic !== 0xd00dfeed) throw new Error(`bad magic 0x${magic.toString(16)}`);
  if (totalSize > bytes.length) throw new Error(`totalsize ${totalSize} exceeds the ${bytes.length} bytes given`);
  if (offDtStruct % 4 !== 0 || offMemRsvmap % 8 !== 0) throw new Error('misaligned block');
  if (offDtStruct + sizeDtStruct > totalSize || offDtStrings + sizeDtStrings > totalSize) throw new Error('block past totalsize');

  const reservations: { address: bigint; size: bigint }[] = [];
  for (let offset = offMemRsvmap; ; offset += 16) {
    const address = view.getBigUint64(offset);
    const size = view.getBigUint64(offset + 8);
    if (address === 0n && size === 0n) break;
    reservations.push({ address, size });
  }

  const strings = bytes.slice(offDtStrings, offDtStrings + sizeDtStrings);
  const structEnd = offDtStruct + sizeDtStruct;
  let cursor = offDtStruct;
  const nextWord = (): number => {
    if (cursor + 4 > structEnd) throw new Error('structure block ends early');
    const word = view.getUint32(cursor);
    cursor += 4;
    return word;
  };
  const skipNops = (): number => {
    let token = nextWord();
    while (token === 4) token = nextWord();
    return token;
  };
  const parseNode = (): DtbNode => {
    const name = readCString(bytes, cursor, structEnd);
    cursor += (new TextEncoder().encode(name).length + 1 + 3) & ~3;
    const node: DtbNode = { name, properties: [], children: [] };
    for (;;) {
      const token = skipNops();
      if (token === 3) {
        if (node.children.length > 0) throw new Error(`property after subnode in ${name}`);
        const length = nextWord();
        const nameOffset = nextWord();
        if (cursor + length > structEnd) throw new Error('property value past the structure block');
        const propertyName = readCString(strings, nameOffset, strings.length);
        node.properties.push({ name: propertyName, nameOffset, value: bytes.slice(cursor, cursor + length) });
        cursor += (length + 3) & ~3;
      } else if (token === 1) {
        node.children.push(parseNode());
      } else if (token === 2) {
        return node;
      } else {
        throw new Error(`unexpected token ${token} at 0x${(cursor - 4).toString(16)}`);
      }
    }
  };
  if (skipNops() !== 1) throw new Error('structure block does not start with a node');
  const root = parseNode();
  if (skipNops() !== 9) throw new Error('structure block does not end with FDT_END');
  if (cursor !== structEnd) throw new Error('size_dt_struct does not match the tokens');
  return { header, reservations, strings, root };
}

/** Finds a node by absolute path, or undefined. */
export function findNode(dtb: Dtb, path: string): DtbNode | undefined {
  let node: DtbNode | undefined = dtb.root;
  for (const part of path.split('/').filter((name) => name !== '')) {
    node = node?.children.find((child) => child.name === part);
  }
  return node;
}

/** Reads a property's value as big-endian 32-bit cells. */
export function cellsOf(value: Uint8Array): number[] {
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  return Array.from({ length: value.length / 4 }, (_, index) => view.getUint32(index * 4));
}

/** Reads a property's value as a list of NUL-terminated strings. */
export function stringsOf(value: Uint8Array): string[] {
  return decoder.decode(value).split('\0').slice(0, -1);
}
