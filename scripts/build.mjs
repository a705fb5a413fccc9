import { rmSync } from 'node:fs';
import { electronPackagePresent } from './electron-present.mjs';
import { run } from './run.mjs';

// Main process with tsc (plain Node modules, no bundling needed); renderer with Vite.
rmSync('dist', { recursive: true, force: true });
const project = electronPackagePresent() ? 'tsconfig.build-shell.json' : 'tsconfig.build.json';
run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project]);
run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn']);
