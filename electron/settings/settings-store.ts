import path from 'node:path';
import { Settings } from '../../shared/contract.js';
import { applyAzureLogging } from '../azure/sdk-logging.js';
import { readJsonFile, writeJsonFile } from '../storage/json-file.js';

const DEFAULTS: Settings = { debugLogging: false };

/** App settings in `settings.json`; applying them (SDK log level, and what `onApply` does) happens here too. */
export class SettingsStore {
  private readonly file: string;

  /** onApply: applies the rest (transfer limits) whenever settings are saved, and at startup through apply(). */
  constructor(
    userDataDir: string,
    private readonly onApply: (settings: Settings) => void = () => undefined,
  ) {
    this.file = path.join(userDataDir, 'settings.json');
  }

  async get(): Promise<Settings> {
    try {
      return await readJsonFile(this.file, Settings, DEFAULTS);
    } catch {
      // An unreadable settings file must not keep the app from starting: defaults apply.
      return DEFAULTS;
    }
  }

  async set(settings: Settings): Promise<Settings> {
    await writeJsonFile(this.file, settings);
    this.applySettings(settings);
    return settings;
  }

  /** At startup: what settings.json holds takes effect. */
  async apply(): Promise<void> {
    this.applySettings(await this.get());
  }

  private applySettings(settings: Settings): void {
    applyAzureLogging(settings.debugLogging);
    this.onApply(settings);
  }
}
