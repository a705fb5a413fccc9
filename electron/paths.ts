import { fileURLToPath } from 'node:url';

// Compiled layout: dist/electron/*.js beside dist/renderer/.
export const RENDERER_DIR = fileURLToPath(new URL('../renderer/', import.meta.url)).replace(/[\\/]$/, '');
export const APP_ROOT = fileURLToPath(new URL('../../', import.meta.url));
