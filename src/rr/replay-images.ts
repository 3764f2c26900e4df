import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ImageError } from '../machine/elf.js';
import type { GuestImage } from '../machine/virt.js';
import type { TraceHeader } from '../trace/schema.js';

/** Paths that replace the image names a trace header records (the images moved, or live elsewhere). */
export interface ImagePaths {
  readonly bios?: string;
  readonly kernel?: string;
  readonly initrd?: string;
}

/** The images a recording was made with, read and checked. */
export interface ReplayImages {
  readonly bios?: GuestImage | 'builtin';
  readonly kernel?: GuestImage;
  readonly initrd?: GuestImage;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/**
 * Read every image the header names (or its replacement from `paths`) and
 * check its SHA-256 against the one recorded.
 * @throws ImageError naming the image when it cannot be read or differs.
 */
export function loadReplayImages(header: TraceHeader, paths: ImagePaths = {}): ReplayImages {
  const load = (role: 'bios' | 'kernel' | 'initrd'): GuestImage | undefined => {
    const recorded = header.images.find((image) => image.role === role);
    if (recorded === undefined) return undefined;
    const path = paths[role] ?? recorded.name;
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(path));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new ImageError(path, `cannot read the ${role} image the trace was recorded with (${code}); give its path with --${role}`);
    }
    const sha256 = new Uint8Array(createHash('sha256').update(bytes).digest());
    if (hex(sha256) !== hex(recorded.sha256)) {
      throw new ImageError(path, `${role} image differs from the one recorded: SHA-256 ${hex(sha256).slice(0, 16)}... instead of ${hex(recorded.sha256).slice(0, 16)}...`);
    }
    return { name: recorded.name, bytes };
  };
  const bios = header.machine.bios === 'builtin' ? 'builtin' as const : load('bios');
  return { bios, kernel: load('kernel'), initrd: load('initrd') };
}
