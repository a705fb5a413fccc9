import path from 'node:path';
import { Settings } from '../../shared/contract.js';
import { applyAzureLogging } from '../azure/sdk-logging.js';
import { readJsonFile, writeJsonFile } from '../storage/json-file.js';

const DEFAULTS: Settings = { debugLogging: false };

/** App settings in `settings.json`; applying them (e.g. SDK log level) happens here too. */
export class SettingsStore {
  private readonly file: string;

  constructor(userDataDir: string) {
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
    applyAzureLogging(settings.debugLogging);
    return settings;
  }

  async apply(): Promise<void> {
    applyAzureLogging((await this.get()).debugLogging);
  }
}
