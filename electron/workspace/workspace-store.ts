import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { SavedWorkspace, WorkspaceConfig, type AuthKind } from '../../shared/contract.js';
import { StratusError } from '../../shared/errors.js';
import { readJsonFile, writeJsonFile } from '../storage/json-file.js';
import { originOf } from '../security/credential-scope.js';
import type { SecretVault } from './secret-vault.js';
import { splitUserInfo } from './uri-user-info.js';

// Saved connections, in `workspaces.json` in the user-data folder. Secrets go to the vault,
// keyed by workspace id, and never into this file or back to the renderer: the sign-in secret, and
// the user info (`alice:secret@`) of the MLflow tracking URI, stored beside it under its own key.

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

/** The vault key of a workspace's tracking URI user info. */
function trackingKey(id: string): string {
  return `${id}/mlflow-tracking-uri`;
}

/** The vault key of a workspace's metadata service auth key and headers (JSON). */
function serviceKey(id: string): string {
  return `${id}/metaflow-service`;
}

const StoredServiceSecrets = z.object({ authKey: z.string().optional(), headers: z.string().optional() }).strict();

/** Unreadable stored service secrets count as none: the service then answers without them and says why. */
function readServiceSecrets(text: string): z.infer<typeof StoredServiceSecrets> | undefined {
  try {
    return StoredServiceSecrets.safeParse(JSON.parse(text)).data;
  } catch {
    return undefined;
  }
}

/** The config as stored and shown (its tracking URI without user info), and that user info. */
function withoutUserInfo(config: WorkspaceConfig): { config: WorkspaceConfig; userInfo?: string } {
  if (config.mlflowTrackingUri === undefined) return { config };
  const { uri, userInfo } = splitUserInfo(config.mlflowTrackingUri);
  return { config: { ...config, mlflowTrackingUri: uri }, userInfo };
}

/**
 * Stored user info only stays with the tracking server it was entered for: a renderer that re-saves
 * the workspace with another host must not get the password sent there.
 */
function keepsUserInfo(before: WorkspaceConfig | undefined, after: WorkspaceConfig): boolean {
  const server = (config: WorkspaceConfig | undefined) => (config?.mlflowTrackingUri === undefined ? undefined : originOf(config.mlflowTrackingUri));
  return server(before) !== undefined && server(before) === server(after);
}

export interface StoredSecrets {
  config: WorkspaceConfig;
  /** The sign-in secret (connection string, account key, SAS). */
  secret?: string;
  /** The user info of the tracking URI, to put back into it when the workspace opens. */
  trackingUserInfo?: string;
  /** The metadata service's auth key and headers, for the service URL they were entered with. */
  serviceSecrets?: z.infer<typeof StoredServiceSecrets>;
}

interface SaveArgs {
  id?: string;
  config: WorkspaceConfig;
  secret?: string;
  serviceSecrets?: { authKey?: string; headers?: string };
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

  list(): Promise<SavedWorkspace[]> {
    return this.exclusive(async () => Promise.all((await this.readStored()).map((w) => this.describe(w))));
  }

  get(id: string): Promise<StoredSecrets> {
    return this.exclusive(async () => {
      const found = (await this.readStored()).find((w) => w.id === id);
      if (!found) throw new StratusError({ code: 'NOT_FOUND', message: 'That saved workspace no longer exists.' });
      const service = await this.vault.get(serviceKey(id));
      const serviceSecrets = service === undefined ? undefined : readServiceSecrets(service);
      return { config: found.config, secret: await this.vault.get(id), trackingUserInfo: await this.vault.get(trackingKey(id)), serviceSecrets };
    });
  }

  save(args: SaveArgs): Promise<SavedWorkspace> {
    return this.exclusive(() => this.saveNow(args));
  }

  remove(id: string): Promise<boolean> {
    return this.exclusive(() => this.removeNow(id));
  }

  private async saveNow(args: SaveArgs): Promise<SavedWorkspace> {
    const stored = await this.readStored();
    const { config, userInfo } = withoutUserInfo(args.config);
    const id = args.id ?? randomUUID();
    const index = stored.findIndex((w) => w.id === id);
    if (args.id !== undefined && index < 0) {
      throw new StratusError({ code: 'NOT_FOUND', message: 'That saved workspace no longer exists.' });
    }
    const before = stored[index]?.config;
    if (needsSecret(config) && args.secret === undefined) {
      if (!(await this.vault.has(id))) {
        throw new StratusError({ code: 'INVALID_ARGUMENT', message: 'This sign-in method needs its secret (connection string, account key or SAS).' });
      }
      if (!keepsSecret(before, config)) {
        throw new StratusError({ code: 'INVALID_ARGUMENT', message: 'A new sign-in method or endpoint needs its secret entered again.' });
      }
    }
    if (stored.some((w) => w.id !== id && w.config.name === config.name)) {
      throw new StratusError({ code: 'ALREADY_EXISTS', message: `A workspace named "${config.name}" already exists.` });
    }
    const entry = { id, config };
    if (index < 0) stored.push(entry);
    else stored[index] = entry;
    if (!needsSecret(config)) await this.vault.delete(id);
    else if (args.secret !== undefined) await this.vault.set(id, args.secret);
    if (userInfo !== undefined) await this.vault.set(trackingKey(id), userInfo);
    else if (!keepsUserInfo(before, config)) await this.vault.delete(trackingKey(id));
    // Service secrets stay only with the service URL they were entered for.
    if (args.serviceSecrets !== undefined && config.metadataServiceUrl !== undefined) await this.vault.set(serviceKey(id), JSON.stringify(args.serviceSecrets));
    else if (config.metadataServiceUrl === undefined || config.metadataServiceUrl !== before?.metadataServiceUrl) await this.vault.delete(serviceKey(id));
    await writeJsonFile(this.file, stored);
    return this.describe(entry);
  }

  private async removeNow(id: string): Promise<boolean> {
    const stored = await this.readStored();
    const kept = stored.filter((w) => w.id !== id);
    if (kept.length === stored.length) return false;
    await writeJsonFile(this.file, kept);
    await this.vault.delete(id);
    await this.vault.delete(trackingKey(id));
    await this.vault.delete(serviceKey(id));
    return true;
  }

  /** The saved workspaces; user info that an older Stratus left in the file moves to the vault first. */
  private async readStored(): Promise<Stored[]> {
    const stored = await this.read();
    const split = stored.map((w) => ({ id: w.id, ...withoutUserInfo(w.config) }));
    if (split.every((w) => w.userInfo === undefined)) return stored;
    for (const w of split) if (w.userInfo !== undefined) await this.vault.set(trackingKey(w.id), w.userInfo);
    const cleaned = split.map(({ id, config }) => ({ id, config }));
    await writeJsonFile(this.file, cleaned);
    return cleaned;
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
