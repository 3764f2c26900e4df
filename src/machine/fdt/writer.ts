/**
 * A small flattened device tree (DTB version 17) writer.
 *
 * The tree is edited the way libfdt's read-write API edits one, because that
 * is how QEMU builds its boards' trees: a new subnode goes in front of its
 * parent's existing subnodes, a new property in front of its node's existing
 * properties, setting an existing property replaces its value in place, and
 * property names enter the strings block in the order they are first used.
 * Replaying QEMU's calls in QEMU's order therefore gives QEMU's bytes.
 * The output is a pure function of the calls: no padding, no free space.
 */

/** The DTB magic number (big-endian at offset 0). */
export const FDT_MAGIC = 0xd00dfeed;
/** The DTB version written. */
export const FDT_VERSION = 17;
/** The oldest version a reader of this output must understand. */
export const FDT_LAST_COMP_VERSION = 16;
/** Size of the version 17 header in bytes. */
export const FDT_HEADER_SIZE = 40;

/** Structure block tokens (devicetree specification, section 5.4.1). */
export const enum FdtToken {
  BeginNode = 1,
  EndNode = 2,
  Prop = 3,
  Nop = 4,
  End = 9,
}

/** One memory reservation block entry. */
export interface FdtReservation {
  /** Physical start address. */
  address: bigint;
  /** Length in bytes. */
  size: bigint;
}

interface FdtProperty {
  name: string;
  value: Uint8Array;
}

interface FdtNode {
  name: string;
  properties: FdtProperty[];
  children: FdtNode[];
}

const textEncoder = new TextEncoder();

/** Encodes 32-bit cells big-endian, as device tree properties store them. */
export function encodeCells(cells: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(cells.length * 4);
  const view = new DataView(bytes.buffer);
  cells.forEach((cell, index) => {
    if (!Number.isInteger(cell) || cell < 0 || cell > 0xffffffff) {
      throw new RangeError(`device tree cell ${cell} is not a 32-bit unsigned integer`);
    }
    view.setUint32(index * 4, cell);
  });
  return bytes;
}

/** Encodes a 64-bit value as two cells, high cell first. */
export function encodeU64(value: bigint): Uint8Array {
  if (value < 0n || value > 0xffffffffffffffffn) {
    throw new RangeError(`device tree value ${value} is not a 64-bit unsigned integer`);
  }
  return encodeCells([Number(value >> 32n), Number(value & 0xffffffffn)]);
}

/** Encodes a list of strings, each NUL-terminated (a single string is a list of one). */
export function encodeStrings(values: readonly string[]): Uint8Array {
  const parts = values.map((value) => {
    if (value.includes('\0')) throw new RangeError(`device tree string ${JSON.stringify(value)} contains NUL`);
    return textEncoder.encode(`${value}\0`);
  });
  return concatBytes(parts);
}

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function alignUp4(value: number): number {
  return (value + 3) & ~3;
}

/**
 * Builds a device tree by paths ('/', '/soc', '/soc/serial@10000000') and
 * serialises it with {@link FdtWriter.finish}.
 */
export class FdtWriter {
  private readonly root: FdtNode = { name: '', properties: [], children: [] };
  private readonly stringNames: string[] = [];
  private readonly reservations: FdtReservation[] = [];
  private lastPhandle = 0;

  /** Adds node `name` under `parentPath` (in front of its existing subnodes); returns the new node's path. */
  addSubnode(parentPath: string, name: string): string {
    if (name === '' || name.includes('/')) throw new RangeError(`bad device tree node name ${JSON.stringify(name)}`);
    const parent = this.node(parentPath);
    if (parent.children.some((child) => child.name === name)) {
      throw new RangeError(`device tree node ${parentPath}/${name} already exists`);
    }
    parent.children.unshift({ name, properties: [], children: [] });
    return parentPath === '/' ? `/${name}` : `${parentPath}/${name}`;
  }

  /** Sets a property to raw bytes: replaced in place if present, else added in front of the node's properties. */
  setProperty(path: string, name: string, value: Uint8Array): void {
    const node = this.node(path);
    const existing = node.properties.find((property) => property.name === name);
    if (existing !== undefined) {
      existing.value = value.slice();
      return;
    }
    if (!this.stringNames.includes(name)) this.stringNames.push(name);
    node.properties.unshift({ name, value: value.slice() });
  }

  /** Sets an empty (boolean) property such as `interrupt-controller`. */
  setEmpty(path: string, name: string): void {
    this.setProperty(path, name, new Uint8Array(0));
  }

  /** Sets a property of one 32-bit cell. */
  setCell(path: string, name: string, value: number): void {
    this.setProperty(path, name, encodeCells([value]));
  }

  /** Sets a property of several 32-bit cells. */
  setCells(path: string, name: string, values: readonly number[]): void {
    this.setProperty(path, name, encodeCells(values));
  }

  /** Sets a property of one 64-bit value stored as two cells. */
  setU64(path: string, name: string, value: bigint): void {
    this.setProperty(path, name, encodeU64(value));
  }

  /** Sets a NUL-terminated string property. */
  setString(path: string, name: string, value: string): void {
    this.setProperty(path, name, encodeStrings([value]));
  }

  /** Sets a string-list property (each string NUL-terminated, back to back). */
  setStringList(path: string, name: string, values: readonly string[]): void {
    this.setProperty(path, name, encodeStrings(values));
  }

  /** Returns the next free phandle, counting from 1 as QEMU's `qemu_fdt_alloc_phandle` does. */
  allocatePhandle(): number {
    this.lastPhandle += 1;
    return this.lastPhandle;
  }

  /** Appends an entry to the memory reservation block. */
  addReservation(reservation: FdtReservation): void {
    this.reservations.push({ ...reservation });
  }

  /**
   * Serialises the tree: header, memory reservation block at offset 40,
   * structure block, strings block, with no gaps (the layout of a packed
   * libfdt tree).
   */
  finish(bootCpuidPhys = 0): Uint8Array {
    const strings = encodeStrings(this.stringNames);
    const stringOffsets = new Map<string, number>();
    let nameOffset = 0;
    for (const name of this.stringNames) {
      stringOffsets.set(name, nameOffset);
      nameOffset += textEncoder.encode(name).length + 1;
    }
    const structure = this.encodeStructure(stringOffsets);
    const reservationMap = this.encodeReservations();

    const offMemRsvmap = FDT_HEADER_SIZE;
    const offDtStruct = offMemRsvmap + reservationMap.length;
    const offDtStrings = offDtStruct + structure.length;
    const totalSize = offDtStrings + strings.length;
    const header = encodeCells([
      FDT_MAGIC,
      totalSize,
      offDtStruct,
      offDtStrings,
      offMemRsvmap,
      FDT_VERSION,
      FDT_LAST_COMP_VERSION,
      bootCpuidPhys,
      strings.length,
      structure.length,
    ]);
    return concatBytes([header, reservationMap, structure, strings]);
  }

  private encodeReservations(): Uint8Array {
    const entries = [...this.reservations, { address: 0n, size: 0n }];
    return concatBytes(entries.flatMap((entry) => [encodeU64(entry.address), encodeU64(entry.size)]));
  }

  private encodeStructure(stringOffsets: ReadonlyMap<string, number>): Uint8Array {
    const parts: Uint8Array[] = [];
    const visit = (node: FdtNode): void => {
      const name = textEncoder.encode(node.name);
      const begin = new Uint8Array(4 + alignUp4(name.length + 1));
      begin.set(encodeCells([FdtToken.BeginNode]));
      begin.set(name, 4);
      parts.push(begin);
      for (const property of node.properties) {
        const nameOffset = stringOffsets.get(property.name) ?? 0;
        const head = encodeCells([FdtToken.Prop, property.value.length, nameOffset]);
        const body = new Uint8Array(alignUp4(property.value.length));
        body.set(property.value);
        parts.push(head, body);
      }
      node.children.forEach(visit);
      parts.push(encodeCells([FdtToken.EndNode]));
    };
    visit(this.root);
    parts.push(encodeCells([FdtToken.End]));
    return concatBytes(parts);
  }

  private node(path: string): FdtNode {
    if (!path.startsWith('/')) throw new RangeError(`device tree path ${JSON.stringify(path)} is not absolute`);
    let node = this.root;
    for (const name of path.split('/').filter((part) => part !== '')) {
      const child = node.children.find((candidate) => candidate.name === name);
      if (child === undefined) throw new RangeError(`no device tree node ${path}`);
      node = child;
    }
    return node;
  }
}
