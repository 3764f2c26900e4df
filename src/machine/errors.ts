/**
 * A guest image (ELF, raw binary, device tree) that cannot be loaded. The
 * message is one line naming the file, what is wrong and, when known, the
 * byte offset in the file where the problem is.
 */
export class ImageError extends Error {
  /** Name of the image as the user gave it (usually its path). */
  readonly file: string;
  /** Byte offset in the file where the problem was found, or null. */
  readonly offset: number | null;

  /** Builds `"<file>: <problem> (at byte <offset>)"`. */
  constructor(file: string, problem: string, offset: number | null = null) {
    super(offset === null ? `${file}: ${problem}` : `${file}: ${problem} (at byte ${offset})`);
    this.name = 'ImageError';
    this.file = file;
    this.offset = offset;
  }
}
