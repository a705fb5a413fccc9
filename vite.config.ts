import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer is served from app://stratus/ in Electron and from the browser-mode host, so paths are relative.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: { outDir: '../dist/renderer', emptyOutDir: true, sourcemap: true },
});
