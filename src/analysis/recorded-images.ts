import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TraceHeader, TraceImage } from '../trace/schema.js';

/** An image a trace header names, read from disk. */
export interface RecordedImage {
  readonly image: TraceImage;
  readonly bytes: Uint8Array;
}

/**
 * The images of `header` that are still on disk at the path it records and
 * unchanged (same SHA-256); the others are left out, since analysis works
 * without them (it then shows raw addresses).
 */
export function recordedImagesOnDisk(header: TraceHeader): RecordedImage[] {
  const found: RecordedImage[] = [];
  for (const image of header.images) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(image.name));
    } catch {
      continue;
    }
    if (createHash('sha256').update(bytes).digest().equals(Buffer.from(image.sha256))) found.push({ image, bytes });
  }
  return found;
}
