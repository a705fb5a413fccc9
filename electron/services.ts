import path from 'node:path';
import type { Env, IdentityProvider } from './azure/blob-client.js';
import { createIdentityProvider } from './azure/identity.js';
import { GcService } from './gc/gc-service.js';
import { gcWorkspace } from './gc/gc-workspace.js';
import { gcHandlers } from './gc/handlers.js';
import { GcJournal, JOURNAL_FILE } from './gc/journal.js';
import { CardRegistry } from './metaflow/card-registry.js';
import { metaflowHandlers } from './metaflow/handlers.js';
import { mlflowHandlers } from './mlflow/handlers.js';
import { mlflowTokensHandlers } from './mlflow/tokens/handlers.js';
import { mlflowPromptsHandlers } from './mlflow/prompts/handlers.js';
import { mlflowUsageHandlers } from './mlflow/usage/handlers.js';
import { RunUsageCache, usageCacheFile } from './mlflow/usage/run-usage-cache.js';
import { MlflowUsageService } from './mlflow/usage/usage-service.js';
import { TraceCaches } from './mlflow/trace-cache/trace-caches.js';
import { forgetSavedWorkspace } from './mlflow/forget-saved-workspace.js';
import { PriceStore, priceFile } from './mlflow/tokens/price-store.js';
import { TokenAnalytics } from './mlflow/tokens/token-analytics.js';
import { blobsHandlers } from './blobs/handlers.js';
import { workspaceHandlers } from './workspace/handlers.js';
import { EventBus } from './ipc/event-bus.js';
import { NO_DIALOG, type ChooseLocal } from './local-access/choose-local.js';
import { localHandlers } from './local-access/handlers.js';
import { LocalGrants, type LocalAccess } from './local-access/local-grants.js';
import { createRouter, type Handlers, type Router } from './ipc/router.js';
import { environmentSecrets } from './security/environment-secrets.js';
import { SettingsStore } from './settings/settings-store.js';
import { TransferEngine } from './transfer/engine.js';
import { transferHandlers } from './transfer/handlers.js';
import { usageHandlers } from './usage/handlers.js';
import { UsageService } from './usage/metaflow/usage-service.js';
import { applyTransferSettings } from './transfer/transfer-settings.js';
import { defaultUserDataDir } from './user-data.js';
import { SampleWorkspaces } from './workspace/sample-workspaces.js';
import { MemoryVault, type SecretVault } from './workspace/secret-vault.js';
import { WorkspaceRegistry } from './workspace/workspace-registry.js';
import { WorkspaceStore } from './workspace/workspace-store.js';

// Composition root: the services every front end (Electron window, browser mode, CLI) shares. Every
// long-lived resource (worker threads, databases, timers) is created here and ended by close().

export interface Services {
  router: Router;
  events: EventBus;
  workspaces: WorkspaceRegistry;
  identity: IdentityProvider;
  settings: SettingsStore;
  cards: CardRegistry;
  transfers: TransferEngine;
  /** Storage usage (the CLI's `usage` command calls it directly). */
  usage: UsageService;
  localAccess: LocalAccess;
  /** Where this launch keeps its files (browser mode stages dropped files here before uploading them). */
  userDataDir: string;
  /** Ends every worker, database and timer these services started; nothing is usable afterwards. */
  close(): Promise<void>;
}

export interface ServiceOptions {
  env?: Env;
  userDataDir?: string;
  /** Electron passes a safeStorage-backed vault; elsewhere secrets stay in memory. */
  vault?: SecretVault;
  identity?: IdentityProvider;
  /** Keep a local index of what was read (the app); the CLI and most tests read the datastore every time. */
  localIndex?: boolean;
  /** The local paths the renderer may name; by default none until the user chooses some (see local-access/). */
  localAccess?: LocalAccess;
  /** The desktop shell's open dialog; elsewhere `local.choose` is refused. */
  chooseLocal?: ChooseLocal;
}

export function createServices(options: ServiceOptions = {}): Services {
  const env = options.env ?? process.env;
  const userDataDir = options.userDataDir ?? defaultUserDataDir(env);
  const identity = options.identity ?? createIdentityProvider();
  const events = new EventBus();
  const indexDir = options.localIndex ? userDataDir : undefined;
  const workspaces = new WorkspaceRegistry(env, identity, indexDir, (workspaceId, flow) =>
    events.emit('metaflow.runsChanged', { workspaceId, flow }),
  );
  const saved = new WorkspaceStore(userDataDir, options.vault ?? new MemoryVault());
  const samples = new SampleWorkspaces(userDataDir, saved);
  const cards = new CardRegistry();
  // The journal lives beside the indexes: only the app keeps one; the CLI's transfers end with it.
  const transfers = new TransferEngine({
    journalFile: options.localIndex ? path.join(userDataDir, 'transfers.db') : undefined,
    onProgress: (progress) => events.emit('transfer.progress', progress),
  });
  const localAccess = options.localAccess ?? new LocalGrants('Choose it in Stratus first.');
  const settings = new SettingsStore(userDataDir, (next) => applyTransferSettings(transfers, next));
  // Both open their files (and the token worker) on first use.
  const analytics = new TokenAnalytics(userDataDir);
  const prices = new PriceStore(priceFile(userDataDir));
  // Tracking servers' traces, one cache per workspace; its worker starts on first use.
  const traceCaches = new TraceCaches(userDataDir);
  // Ended runs' artifact sizes under user data, for the CLI too: a repeated `stratus mlflow usage` lists only new runs.
  const usageCache = new RunUsageCache(usageCacheFile(userDataDir));
  const mlflowUsage = new MlflowUsageService(workspaces, usageCache, env, (progress) => events.emit('mlflow.usage.progress', progress));
  // The journal opens on first use, so sessions that never collect garbage never create gc.db.
  let gcJournal: GcJournal | undefined;
  let gcService: GcService | undefined;
  const gc = () => {
    gcJournal ??= GcJournal.open(path.join(userDataDir, JOURNAL_FILE));
    gcService ??= new GcService(gcJournal, (id) => gcWorkspace(workspaces.get(id)), (progress) => events.emit('gc.progress', progress), env);
    return gcService;
  };

  const usage = new UsageService((id) => workspaces.get(id), (progress) => events.emit('usage.progress', progress));

  // One spread per domain, each given what it uses; a channel without a handler fails to compile here.
  const handlers: Handlers = {
    ...workspaceHandlers({ env, events, workspaces, saved, samples, settings, localAccess, forgetSaved: (id) => forgetSavedWorkspace(id, prices, traceCaches) }),
    ...metaflowHandlers({ workspaces, cards, settings }),
    ...mlflowHandlers({ workspaces, traceCaches }),
    ...mlflowTokensHandlers({ workspaces, analytics, prices, traceCaches }),
    ...mlflowPromptsHandlers({ workspaces, prices, traceCaches }),
    ...mlflowUsageHandlers({ usage: mlflowUsage }),
    ...gcHandlers({ gc, localAccess }),
    ...blobsHandlers({ workspaces }),
    ...transferHandlers({ workspaces, transfers, localAccess }),
    ...localHandlers({ localAccess, chooseLocal: options.chooseLocal ?? NO_DIALOG }),
    ...usageHandlers({ usage }),
  };

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      // Transfers first: running jobs pause (and are journalled) before the clients they use go away.
      transfers.close();
      prices.close();
      usageCache.close();
      gcJournal?.close();
      // The trace caches first: their background span reads use the workspaces' server clients.
      await traceCaches.close();
      await Promise.all([workspaces.closeAll(), analytics.close(), usage.close()]);
    })());
  return { router: createRouter(handlers, environmentSecrets(env)), events, workspaces, identity, settings, cards, transfers, usage, localAccess, userDataDir, close };
}
