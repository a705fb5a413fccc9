import type { Settings } from '../../shared/schemas/workspace.js';
import { DEFAULT_MAX_CONCURRENCY, type TransferEngine } from './engine.js';

// The transfer part of the app's settings, applied to the engine whenever settings are saved and
// once at startup, so a cap lowered in the Settings dialog slows the transfers already running.

const MiB = 1024 * 1024;

/** What the engine takes: a bound on requests in flight and bytes per second (0 for no cap). */
export function transferLimits(settings: Settings): { maxConcurrency: number; bandwidth: number } {
  return {
    maxConcurrency: settings.transferMaxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
    bandwidth: settings.transferBandwidthMiBps === undefined ? 0 : Math.round(settings.transferBandwidthMiBps * MiB),
  };
}

export function applyTransferSettings(engine: TransferEngine, settings: Settings): void {
  engine.setLimits(transferLimits(settings));
}
