// Links `node_modules/.bin/stratus` so that `npx stratus …` runs the CLI in a checkout.
// package.json has no "bin" on purpose: npm 11's npx, seeing the project's own bin, re-installs
// the project into its npx cache (running its prepare script) instead of running it, and fails.
import { chmodSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';

mkdirSync('node_modules/.bin', { recursive: true });
rmSync('node_modules/.bin/stratus', { force: true });
try {
  symlinkSync('../../bin/stratus.js', 'node_modules/.bin/stratus');
  chmodSync('bin/stratus.js', 0o755);
} catch (err) {
  console.warn(`Could not link the stratus command (${err.message}); run it as \`node bin/stratus.js\`.`);
}
