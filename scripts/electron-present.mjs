// Whether the electron npm package (types and launcher) is installed. Its install script downloads
// the Electron binary and, without network, fails; npm then drops the optional dependency.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ELECTRON_TYPES = fileURLToPath(new URL('../node_modules/electron/electron.d.ts', import.meta.url));
export const electronPackagePresent = () => existsSync(ELECTRON_TYPES);
