import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where `npm run guest:linux` (scripts/linux-guest/build.sh) leaves the Linux guest. */
export const LINUX_CACHE = process.env.DEJAVM_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'dejavm', 'linux');
/** The kernel image. */
export const LINUX_IMAGE = join(LINUX_CACHE, 'Image');
/** The initramfs with the project's /init. */
export const LINUX_INITRD = join(LINUX_CACHE, 'initramfs.cpio');
