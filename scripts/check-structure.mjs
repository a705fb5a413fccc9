import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { run } from './run.mjs';

// The structure rules `npm run lint` holds besides eslint's (docs/architecture.md):
// - no import cycle in electron/, shared/ or renderer/src/, type-only imports included (madge);
// - no source file over 400 lines unless its first line says why it is that long ("Long: …").

const ROOTS = ['electron', 'shared', 'renderer/src'];
const MAX_LINES = 400;
const REASON = /^\/\/ Long: \S/;

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return /\.(ts|tsx|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [file] : [];
  });
}

const long = ROOTS.flatMap(sourceFiles).filter((file) => {
  const text = readFileSync(file, 'utf8');
  return text.split('\n').length > MAX_LINES && !REASON.test(text);
});
if (long.length > 0) {
  console.error(`Over ${MAX_LINES} lines without a "// Long: <why>" first line (split them, or say why not):\n  ${long.join('\n  ')}`);
  process.exit(1);
}

run(process.execPath, ['node_modules/madge/bin/cli.js', '--circular', '--no-spinner', '--extensions', 'ts,tsx,cts', '--ts-config', 'tsconfig.json', ...ROOTS]);
