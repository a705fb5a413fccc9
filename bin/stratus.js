#!/usr/bin/env node
// The CLI is compiled with the app (`npm install` builds it through the prepare script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/electron/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('stratus: the app is not built yet; run `npm run build` in the Stratus folder.');
  process.exit(1);
}
await import(entry.href);
