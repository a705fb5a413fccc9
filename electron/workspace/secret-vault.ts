import { z } from 'zod';
import { StratusError } from '../../shared/errors.js';
import { readJsonFile, writeJsonFile } from '../storage/json-file.js';

// Secrets typed into the app (connection strings, account keys, SAS) stay in main. In Electron
// they are encrypted with the OS keychain (safeStorage) before they touch disk; elsewhere they
// live in memory only, for as long as the process runs.

export interface SecretVault {
  /** Whether secrets survive a restart. */
  readonly persistent: boolean;
  get(id: string): Promise<string | undefined>;
  set(id: string, secret: string): Promise<void>;
  delete(id: string): Promise<void>;
  has(id: string): Promise<boolean>;
}

export class MemoryVault implements SecretVault {
  readonly persistent = false;
  private readonly secrets = new Map<string, string>();

  async get(id: string) {
    return this.secrets.get(id);
  }
  async set(id: string, secret: string) {
    this.secrets.set(id, secret);
  }
  async delete(id: string) {
    this.secrets.delete(id);
  }
  async has(id: string) {
    return this.secrets.has(id);
  }
}

/** Electron's safeStorage, or anything else that encrypts a string with a key the OS holds. */
export interface StringCipher {
  encrypt(text: string): Buffer;
  decrypt(data: Buffer): string;
}

const VaultFile = z.record(z.string(), z.string());

export class EncryptedFileVault implements SecretVault {
  readonly persistent = true;

  constructor(
    private readonly file: string,
    private readonly cipher: StringCipher,
  ) {}

  async get(id: string) {
    const stored = (await this.read())[id];
    if (stored === undefined) return undefined;
    try {
      return this.cipher.decrypt(Buffer.from(stored, 'base64'));
    } catch (err) {
      // The OS key changed (another user, a reset keychain) or the entry was altered: only re-entry helps.
      throw new StratusError({
        code: 'AUTH_FAILED',
        message: 'The stored secret of this workspace cannot be decrypted with this computer\'s keychain.',
        hint: 'Edit the workspace and enter its secret again.',
        detail: (err as Error).message,
      });
    }
  }
  async set(id: string, secret: string) {
    const all = await this.read();
    all[id] = this.cipher.encrypt(secret).toString('base64');
    await writeJsonFile(this.file, all);
  }
  async delete(id: string) {
    const all = await this.read();
    if (!(id in all)) return;
    await writeJsonFile(this.file, Object.fromEntries(Object.entries(all).filter(([key]) => key !== id)));
  }
  async has(id: string) {
    return id in (await this.read());
  }

  private async read(): Promise<Record<string, string>> {
    try {
      return await readJsonFile(this.file, VaultFile, {});
    } catch (err) {
      throw new StratusError({
        code: 'CORRUPT_DATA',
        message: `The saved secrets file ${this.file} cannot be read; delete it and enter the secrets again.`,
        detail: (err as Error).message,
      });
    }
  }
}
