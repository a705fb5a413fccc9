import { defineConfig } from '@playwright/test';
import { findChromium } from './electron/browser/find-chromium.js';

// Browser mode end to end: Azurite with the Metaflow fixture, the built host (`npm run build` first), and a
// Chromium found by electron/browser/find-chromium.ts: STRATUS_CHROMIUM, a system one, else the one that
// `npm install` brings (@sparticuz/chromium). Playwright's own browsers are never downloaded here.
const chromium = await findChromium({ allowPackaged: true });
if ('missing' in chromium) throw new Error(`No browser for the e2e tests: ${chromium.missing}`);

export default defineConfig({
  testDir: 'test/e2e',
  globalSetup: './test/e2e/global-setup.ts',
  workers: 1,
  reporter: 'list',
  timeout: 60_000,
  expect: { timeout: 20_000 },
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: chromium.path,
      args: [
        '--no-sandbox',
        '--no-zygote',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    },
    trace: 'retain-on-failure',
  },
});
