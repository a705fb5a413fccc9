import { electronPackagePresent } from './electron-present.mjs';
import { run } from './run.mjs';

const tsc = 'node_modules/typescript/bin/tsc';
for (const project of ['tsconfig.json', 'tsconfig.web.json', 'tsconfig.e2e.json']) run(process.execPath, [tsc, '-p', project]);
if (electronPackagePresent()) run(process.execPath, [tsc, '-p', 'tsconfig.shell.json']);
else console.log('typecheck: electron/shell skipped: the electron package is not installed (its binary download failed), so its types are absent.');
