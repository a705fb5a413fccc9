import { describe, expect, it } from 'vitest';
import { Settings } from '../../../shared/schemas/workspace.js';
import { limitsInput, parseBandwidth, parseMaxConcurrency, withLimits } from '../../../renderer/src/settings/transfer-limits.js';

// The Settings dialog's transfer fields: what is typed becomes settings main accepts, or a message
// under the field and nothing sent.

describe('transfer limits typed in Settings', () => {
  it('reads empty as automatic / no cap and numbers in range as themselves', () => {
    expect(parseMaxConcurrency('')).toEqual({ ok: true, value: undefined });
    expect(parseMaxConcurrency(' 64 ')).toEqual({ ok: true, value: 64 });
    expect(parseMaxConcurrency('1024')).toEqual({ ok: true, value: 1024 });
    expect(parseBandwidth('  ')).toEqual({ ok: true, value: undefined });
    expect(parseBandwidth('0.5')).toEqual({ ok: true, value: 0.5 });
    expect(parseBandwidth('.25')).toEqual({ ok: true, value: 0.25 });
    expect(parseBandwidth('100000')).toEqual({ ok: true, value: 100_000 });
  });

  it('says what is wrong with anything else', () => {
    expect(parseMaxConcurrency('many')).toEqual({ ok: false, error: 'Enter a number, or leave empty for automatic.' });
    expect(parseMaxConcurrency('2.5')).toEqual({ ok: false, error: 'Enter a whole number of requests.' });
    expect(parseMaxConcurrency('0')).toEqual({ ok: false, error: 'Enter a number from 1 to 1,024.' });
    expect(parseMaxConcurrency('1025')).toEqual({ ok: false, error: 'Enter a number from 1 to 1,024.' });
    expect(parseMaxConcurrency('-4')).toMatchObject({ ok: false });
    expect(parseBandwidth('fast')).toEqual({ ok: false, error: 'Enter a number of MiB/s, or leave empty for no cap.' });
    expect(parseBandwidth('1e3')).toMatchObject({ ok: false });
    expect(parseBandwidth('0')).toEqual({ ok: false, error: 'Enter at least 0.01 MiB/s, or leave empty for no cap.' });
    expect(parseBandwidth('0.001')).toEqual({ ok: false, error: 'Enter at least 0.01 MiB/s, or leave empty for no cap.' });
    expect(parseBandwidth('100001')).toEqual({ ok: false, error: 'Enter at most 100,000 MiB/s.' });
  });

  it('builds settings main accepts, dropping a cleared field, and nothing while a field is invalid', () => {
    const saved: Settings = { debugLogging: true, transferMaxConcurrency: 16, transferBandwidthMiBps: 2 };
    expect(limitsInput(saved)).toEqual({ maxConcurrency: '16', bandwidthMiBps: '2' });
    const cleared = withLimits(saved, { maxConcurrency: '', bandwidthMiBps: '' });
    expect(cleared).toEqual({ debugLogging: true });
    expect(Object.keys(cleared ?? {})).toEqual(['debugLogging']);
    const set = withLimits({ debugLogging: false }, { maxConcurrency: '32', bandwidthMiBps: '0.5' });
    expect(Settings.parse(set)).toEqual({ debugLogging: false, transferMaxConcurrency: 32, transferBandwidthMiBps: 0.5 });
    expect(withLimits(saved, { maxConcurrency: 'x', bandwidthMiBps: '' })).toBeUndefined();
    expect(withLimits(saved, { maxConcurrency: '', bandwidthMiBps: '0' })).toBeUndefined();
  });
});
