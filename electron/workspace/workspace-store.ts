import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { SavedWorkspace, WorkspaceConfig, type AuthKind } from '../../shared/contract.js';
import { StratusError } from '../../shared/errors.js';
import { readJsonFile, writeJsonFile } from '../storage/json-file.js';
import type { SecretVault } from './secret-vault.js';

// Saved connections, in `workspaces.json` in the user-data folder. Secrets go to the vault,
// keyed by workspace id, and never into this file or back to the renderer.

const StoredWorkspaces = z.array(z.object({ id: z.string().uuid(), config: WorkspaceConfig }));
type Stored = z.infer<typeof StoredWorkspaces>[number];

/** Auth kinds whose workspace needs a secret typed by the user. */
export const SECRET_AUTH: ReadonlySet<AuthKind> = new Set(['connectionString', 'accountKey', 'sas']);

function needsSecret(config: WorkspaceConfig): boolean {
  return config.kind === 'azure' && SECRET_AUTH.has(config.auth);
}

/**
 * A stored secret only stays with the sign-in method and endpoint it was entered for: otherwise a
 * connection string would be used as a SAS, or a SAS sent to whatever host the endpoint now names.
 */
function keepsSecret(before: WorkspaceConfig | undefined, after: WorkspaceConfig): boolean {
  return before?.kind === 'azure' && after.kind === 'azure' && before.auth === after.auth && before.endpoint === after.endpoint;
}

export class WorkspaceStore {
  private readonly file: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    userDataDir: string,
    readonly vault: SecretVault,
  ) {
    this.file = path.join(userDataDir, 'workspaces.json');
  }

  async list(): Promise<SavedWorkspace[]> {
    const stored = await this.read();
    return Promise.all(stored.map((w) => this.describe(w)));
  }

  async get(id: string): Promise<{ config: WorkspaceConfig; secret?: string }> {
    const found = (await this.read()).find((w) => w.id === id);
    if (!found) throw new StratusError({ code: 'NOT_FOUND', message: 'That saved workspace no longer exists.' });
    return { config: found.config, secret: await this.vault.get(id) };
  }

  save(args: { id?: string; config: WorkspaceConfig; secret?: string }): Promise<SavedWorkspace> {
    return this.exclusive(() => this.saveNow(args));
  }

  remove(id: string): Promise<boolean> {
    return this.exclusive(() => this.removeNow(id));
  }

  private async saveNow(args: { id?: string; config: WorkspaceConfig; secret?: string }): Promise<SavedWorkspace> {
    const stored = await this.read();
    const id = args.id ?? randomUUID();
    const index = stored.findIndex((w) => w.id === id);
    if (args.id !== undefined && index < 0) {
      throw new StratusError({ code: 'NOT_FOUND', message: 'That saved workspace no longer exists.' });
    }
    if (needsSecret(args.config) && args.secret === undefined) {
      if (!(await this.vault.has(id))) {
        throw new StratusError({ code: 'INVALID_ARGUMENT', message: 'This sign-in method needs its secret (connection string, account key or SAS).' });
      }
      if (!keepsSecret(stored[index]?.config, args.config)) {
        throw new StratusError({ code: 'INVALID_ARGUMENT', message: 'A new sign-in method or endpoint needs its secret entered again.' });
      }
    }
    if (stored.some((w) => w.id !== id && w.config.name === args.config.name)) {
      throw new StratusError({ code: 'ALREADY_EXISTS', message: `A workspace named "${args.config.name}" already exists.` });
    }
    const entry = { id, config: args.config };
    if (index < 0) stored.push(entry);
    else stored[index] = entry;
    if (!needsSecret(args.config)) await this.vault.delete(id);
    else if (args.secret !== undefined) await this.vault.set(id, args.secret);
    await writeJsonFile(this.file, stored);
    return this.describe(entry);
  }

  private async removeNow(id: string): Promise<boolean> {
    const stored = await this.read();
    const kept = stored.filter((w) => w.id !== id);
    if (kept.length === stored.length) return false;
    await writeJsonFile(this.file, kept);
    await this.vault.delete(id);
    return true;
  }

  /** Runs changes one at a time: each reads, modifies and rewrites the whole file, so overlapping ones would lose entries. */
  private exclusive<T>(change: () => Promise<T>): Promise<T> {
    const result = this.queue.then(change);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async describe(w: Stored): Promise<SavedWorkspace> {
    return { id: w.id, config: w.config, hasSecret: await this.vault.has(w.id) };
  }

  private async read(): Promise<Stored[]> {
    try {
      return await readJsonFile(this.file, StoredWorkspaces, []);
    } catch (err) {
      throw new StratusError({
        code: 'CORRUPT_DATA',
        message: `The saved workspaces file ${this.file} cannot be read; fix or delete it.`,
        detail: (err as Error).message,
      });
    }
  }
}
