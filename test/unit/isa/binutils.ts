/**
 * Test helper: runs the GNU RISC-V binutils (as, ld, objcopy, objdump) on
 * small inputs. When they are missing, tests skip on a laptop but fail in CI
 * (`process.env.CI` set), as the project's CI rule requires.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'riscv64-unknown-elf-';

function toolWorks(tool: string): boolean {
  try {
    execFileSync(`${PREFIX}${tool}`, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** True when the GNU binutils for riscv64 are installed. */
export const HAVE_BINUTILS = ['as', 'ld', 'objcopy', 'objdump'].every(toolWorks);

/**
 * Whether tests needing binutils should run: they run when the tools are
 * there, and also in CI when they are not (so that they fail there).
 */
export const RUN_BINUTILS_TESTS = HAVE_BINUTILS || process.env.CI !== undefined;

/** One-line reason shown when binutils tests are skipped. */
export const SKIP_REASON = `needs ${PREFIX}as/ld/objcopy/objdump (apt-get install binutils-riscv64-unknown-elf)`;

function withTempDir<T>(body: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'dejavm-isa-'));
  try {
    return body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Assembles and links `source` with GNU as (rv64gc, no relaxation) at `origin`; returns the .text bytes. */
export function gnuAssemble(source: string, origin = 0n): Uint8Array {
  return withTempDir((dir) => {
    const src = join(dir, 'in.s');
    writeFileSync(src, `.option norelax\n${source}\n`);
    execFileSync(`${PREFIX}as`, ['-march=rv64gc', '-mno-relax', '-o', join(dir, 'in.o'), src], { stdio: ['ignore', 'ignore', 'pipe'] });
    execFileSync(`${PREFIX}ld`, ['--no-relax', `-Ttext=0x${origin.toString(16)}`, '-e', '0', '-o', join(dir, 'out.elf'), join(dir, 'in.o')]);
    execFileSync(`${PREFIX}objcopy`, ['-O', 'binary', '-j', '.text', join(dir, 'out.elf'), join(dir, 'out.bin')]);
    return new Uint8Array(readFileSync(join(dir, 'out.bin')));
  });
}

/** One line of objdump output: the address, the raw hex and the text. */
export interface ObjdumpLine {
  address: bigint;
  hex: string;
  text: string;
}

/**
 * Disassembles a raw image with objdump (`-b binary -m riscv:rv64`), with
 * extra `-M` options (e.g. `no-aliases`); the text has its whitespace
 * normalised and objdump's `<symbol>` and `# comment` decorations removed.
 */
export function gnuDisassemble(bytes: Uint8Array, origin: bigint, options: string[] = []): ObjdumpLine[] {
  return withTempDir((dir) => {
    const bin = join(dir, 'in.bin');
    writeFileSync(bin, bytes);
    const args = ['-D', '-b', 'binary', '-m', 'riscv:rv64', `--adjust-vma=0x${origin.toString(16)}`];
    if (options.length > 0) args.push('-M', options.join(','));
    const out = execFileSync(`${PREFIX}objdump`, [...args, bin], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const lines: ObjdumpLine[] = [];
    for (const line of out.split('\n')) {
      const match = /^\s*([0-9a-f]+):\s+([0-9a-f]+)\s+(.*)$/.exec(line);
      if (match === null) continue;
      const text = match[3]!.replace(/\s*#.*$/, '').replace(/\s*<[^>]*>/, '').replace(/\s+/g, ' ').trim();
      lines.push({ address: BigInt(`0x${match[1]!}`), hex: match[2]!, text });
    }
    return lines;
  });
}
