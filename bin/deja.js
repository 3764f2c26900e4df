#!/usr/bin/env node
// The `deja` command: runs the compiled CLI from dist/ (built by `npm install` or `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/tools/deja.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('deja: dejavm is not built yet: run `npm install` (or `npm run build`) first\n');
  process.exit(2);
}
await import(entry.href);
