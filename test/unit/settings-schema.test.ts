import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createServices } from '../../electron/services.js';
import { transferLimits } from '../../electron/transfer/transfer-settings.js';
import { Settings } from '../../shared/schemas/workspace.js';

// Settings arrive from the renderer: a value outside the ranges the engine can honour is refused with
// its range, never stored. 1e-300 MiB/s used to pass as "positive" and round to 0 bytes/s, which the
// engine reads as no cap at all.

const dir = mkdtempSync(path.join(tmpdir(), 'stratus-settings-'));
const { router } = createServices({ userDataDir: dir, env: {} });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('settings.set ranges', () => {
  it.each([1e-300, Number.MIN_VALUE, 0.001, 0, -1, 100_001, 1e300])('refuses a bandwidth cap of %s MiB/s, saying the range', async (transferBandwidthMiBps) => {
    expect(await router.dispatch('settings.set', { debugLogging: false, transferBandwidthMiBps })).toEqual({
      ok: false,
      error: {
        code: 'INVALID_ARGUMENT',
        message: 'Invalid arguments for settings.set: transferBandwidthMiBps: must be from 0.01 to 100000 MiB/s (leave it out for no cap)',
      },
    });
    expect(existsSync(path.join(dir, 'settings.json'))).toBe(false);
  });

  it.each([0, 1.5, 1025, -3])('refuses %s requests in flight, saying the range', async (transferMaxConcurrency) => {
    const reply = await router.dispatch('settings.set', { debugLogging: false, transferMaxConcurrency });
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(JSON.stringify(reply)).toContain('transferMaxConcurrency: must be a whole number from 1 to 1024 (leave it out for automatic)');
    expect(existsSync(path.join(dir, 'settings.json'))).toBe(false);
  });

  it('keeps every accepted cap a real cap of at least one byte per second', () => {
    for (const transferBandwidthMiBps of [0.01, 0.5, 100_000]) {
      expect(transferLimits(Settings.parse({ debugLogging: false, transferBandwidthMiBps })).bandwidth).toBeGreaterThanOrEqual(1);
    }
  });
});
