import { createRequire } from 'node:module';
import { _electron as electron, expect, test } from '@playwright/test';

// The desktop shell itself: only where the Electron binary could be installed. Elsewhere these
// tests are reported as skipped with the reason; browser mode covers the app's behaviour.

function electronBinary(): string | undefined {
  try {
    const resolved: unknown = createRequire(import.meta.url)('electron');
    return typeof resolved === 'string' ? resolved : undefined;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();

test.describe('Electron shell', () => {
  test.skip(binary === undefined, 'Electron binary not installed (its download needs network); the shell cannot be launched here.');

  test('window is isolated and exposes only window.stratus', async () => {
    const app = await electron.launch({ executablePath: binary, args: ['.'] });
    try {
      const page = await app.firstWindow();
      // The page comes from the app's own scheme, not file://.
      expect(page.url()).toBe('app://stratus/index.html');
      const surface = await page.evaluate(() => ({
        hasRequire: typeof (window as unknown as { require?: unknown }).require !== 'undefined',
        hasProcess: typeof (window as unknown as { process?: unknown }).process !== 'undefined',
        api: Object.keys((window as unknown as { stratus: object }).stratus).sort(),
        opened: window.open('https://example.com') === null,
      }));
      expect(surface).toEqual({ hasRequire: false, hasProcess: false, api: ['host', 'invoke', 'on'], opened: true });
      const prefs = await app.evaluate(({ BrowserWindow }) => {
        const [win] = BrowserWindow.getAllWindows();
        const p = win.webContents.getLastWebPreferences();
        return { contextIsolation: p?.contextIsolation, sandbox: p?.sandbox, nodeIntegration: p?.nodeIntegration };
      });
      expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false });
      const before = page.url();
      await page.evaluate(() => {
        window.location.href = 'https://example.com';
      });
      await page.waitForTimeout(500);
      expect(page.url()).toBe(before);
    } finally {
      await app.close();
    }
  });
});
