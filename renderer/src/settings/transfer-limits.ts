import { TRANSFER_BANDWIDTH_RANGE, TRANSFER_CONCURRENCY_RANGE, type Settings } from '../../../shared/contract.js';

// The Settings dialog's transfer fields as typed: empty means automatic / no cap; anything else must
// be a number in the range main accepts (shared/schemas/workspace.ts Settings), or it is not sent.

export interface LimitsInput {
  maxConcurrency: string;
  bandwidthMiBps: string;
}

export type Parsed = { ok: true; value: number | undefined } | { ok: false; error: string };

const WHOLE = /^\d+$/;
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;

export function parseMaxConcurrency(text: string): Parsed {
  const t = text.trim();
  if (t === '') return { ok: true, value: undefined };
  if (!WHOLE.test(t)) return { ok: false, error: DECIMAL.test(t) ? 'Enter a whole number of requests.' : 'Enter a number, or leave empty for automatic.' };
  const value = Number(t);
  const { min, max } = TRANSFER_CONCURRENCY_RANGE;
  if (value < min || value > max) return { ok: false, error: `Enter a number from ${min} to ${max.toLocaleString('en-US')}.` };
  return { ok: true, value };
}

export function parseBandwidth(text: string): Parsed {
  const t = text.trim();
  if (t === '') return { ok: true, value: undefined };
  if (!DECIMAL.test(t)) return { ok: false, error: 'Enter a number of MiB/s, or leave empty for no cap.' };
  const value = Number(t);
  const { min, max } = TRANSFER_BANDWIDTH_RANGE;
  if (value < min) return { ok: false, error: `Enter at least ${min} MiB/s, or leave empty for no cap.` };
  if (value > max) return { ok: false, error: `Enter at most ${max.toLocaleString('en-US')} MiB/s.` };
  return { ok: true, value };
}

export function limitsInput(settings: Settings): LimitsInput {
  return {
    maxConcurrency: settings.transferMaxConcurrency === undefined ? '' : String(settings.transferMaxConcurrency),
    bandwidthMiBps: settings.transferBandwidthMiBps === undefined ? '' : String(settings.transferBandwidthMiBps),
  };
}

/** The settings to save with these limits, or undefined while either field is invalid. An empty field drops its key. */
export function withLimits(settings: Settings, input: LimitsInput): Settings | undefined {
  const concurrency = parseMaxConcurrency(input.maxConcurrency);
  const bandwidth = parseBandwidth(input.bandwidthMiBps);
  if (!concurrency.ok || !bandwidth.ok) return undefined;
  const next: Settings = { ...settings, transferMaxConcurrency: concurrency.value, transferBandwidthMiBps: bandwidth.value };
  // Settings is strict JSON: a cleared field is an absent key, not undefined.
  if (next.transferMaxConcurrency === undefined) delete next.transferMaxConcurrency;
  if (next.transferBandwidthMiBps === undefined) delete next.transferBandwidthMiBps;
  return next;
}
