import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUEST_BIN_DIR, GUESTS, REPO_ROOT } from './guests.js';
import { GUEST_CC, shouldRunWith, skipNote } from './host-tools.js';

const committedImages = readdirSync(GUEST_BIN_DIR).filter((file) => file.endsWith('.elf')).sort();

describe.runIf(shouldRunWith(GUEST_CC))(
  `scripts/build-guests.sh reproduces the committed images${skipNote(GUEST_CC, 'gcc-riscv64-unknown-elf')}`,
  () => {
    let outputDir = '';

    beforeAll(() => {
      outputDir = mkdtempSync(join(tmpdir(), 'dejavm-guests-'));
      execFileSync('sh', [join(REPO_ROOT, 'scripts', 'build-guests.sh'), outputDir], {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, SOURCE_DATE_EPOCH: '1' },
      });
    });

    afterAll(() => {
      rmSync(outputDir, { recursive: true, force: true });
    });

    it('builds exactly the committed set of images, each described in guests.ts', () => {
      const rebuilt = readdirSync(outputDir).filter((file) => file.endsWith('.elf')).sort();
      expect(rebuilt).toEqual(committedImages);
      expect(GUESTS.map((guest) => `${guest.name}.elf`).sort()).toEqual(committedImages);
    });

    it.each(committedImages)('%s is byte-identical to the committed image', (image) => {
      const rebuilt = readFileSync(join(outputDir, image));
      const committed = readFileSync(join(GUEST_BIN_DIR, image));
      expect(rebuilt.equals(committed)).toBe(true);
    });
  },
);
