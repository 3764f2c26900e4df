/**
 * Feeds a QEMU log file to a `QemuLogParser` line by line, reading it in
 * blocks so logs of gigabytes need little memory. A last line without a
 * newline is left out: QEMU was stopped while writing it.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { EndEvent, TraceEvent } from '../../trace/events.js';
import { QemuLogParser } from './qemu-log.js';

const BLOCK_BYTES = 1 << 22;

/**
 * Reads the log at `path`, sending its events to `sink` in order; returns its
 * END event. Throws a QemuLogError naming the line for an unreadable line.
 * `onProgress` is told the bytes read after each block.
 */
export function readQemuLog(path: string, sink: (event: TraceEvent) => void, onProgress?: (bytes: number) => void): EndEvent {
  const parser = new QemuLogParser(sink);
  const fd = openSync(path, 'r');
  try {
    const block = Buffer.alloc(BLOCK_BYTES);
    let carry = '';
    let position = 0;
    for (;;) {
      const read = readSync(fd, block, 0, BLOCK_BYTES, position);
      if (read === 0) break;
      position += read;
      const text = carry + block.toString('latin1', 0, read);
      const lines = text.split('\n');
      carry = lines.pop()!;
      for (const line of lines) parser.line(line);
      onProgress?.(position);
    }
    return parser.finish();
  } finally {
    closeSync(fd);
  }
}
