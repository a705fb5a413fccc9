import type { HandlersFor } from '../ipc/router.js';
import type { MetaflowChannel } from '../../shared/channels/metaflow.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { WorkspaceRegistry } from '../workspace/workspace-registry.js';
import type { CardRegistry } from './card-registry.js';
import { listCards, readCard } from './cards.js';
import { serviceOf } from './service/service-detail.js';
import { ServiceDown, type TaskReader } from './service/service-run-reader.js';
import { detailWithStaleness, listWithStaleness, staleAfterMs, withStaleness } from './staleness.js';
import { artifactTiers } from './artifact-tiers.js';

export interface MetaflowDeps {
  workspaces: WorkspaceRegistry;
  cards: CardRegistry;
  /** For the app-wide stale threshold. */
  settings: SettingsStore;
}

export function metaflowHandlers({ workspaces, cards, settings }: MetaflowDeps): HandlersFor<MetaflowChannel> {
  const threshold = async (workspaceId: string) => staleAfterMs(workspaces.get(workspaceId).staleAfterHours ?? (await settings.get()).staleAfterHours);
  return {
    'metaflow.list': ({ workspaceId, ...path }) => workspaces.get(workspaceId).metaflow.list(path),
    'metaflow.flowSummary': async ({ workspaceId, flow }) => {
      const summary = await workspaces.get(workspaceId).indexed.flowSummary(flow);
      const latest = summary.latest && withStaleness(summary.latest, await threshold(workspaceId), Date.now());
      return { ...summary, latest };
    },
    'metaflow.runs': async ({ workspaceId, flow, query, progressive }) => {
      const ws = workspaces.get(workspaceId);
      // A service's runs carry their liveness from heartbeats; the datastore's stale threshold is for runs without.
      if (ws.service) return ws.service.list(flow, query);
      return listWithStaleness(await ws.indexed.list(flow, progressive === true), await threshold(workspaceId), Date.now());
    },
    'metaflow.runsVisible': ({ workspaceId, flow, ids }) => {
      workspaces.get(workspaceId).indexed.prefer(flow, ids);
      return Promise.resolve(null);
    },
    'metaflow.run': async ({ workspaceId, flow, run, progressive }) => {
      const ws = workspaces.get(workspaceId);
      const fromDatastore = async () => detailWithStaleness(await ws.indexed.detail(flow, run, progressive === true), await threshold(workspaceId), Date.now());
      if (!ws.serviceRuns) return fromDatastore();
      try {
        return await ws.serviceRuns.detail(flow, run);
      } catch (err) {
        if (!(err instanceof ServiceDown)) throw err;
        const detail = await fromDatastore();
        return { ...detail, problems: [`${err.message} The run is shown as the datastore holds it, without its user, tags or heartbeats.`, ...detail.problems] };
      }
    },
    'metaflow.tasksVisible': ({ workspaceId, flow, run, tasks }) => {
      workspaces.get(workspaceId).indexed.preferTasks(flow, run, tasks);
      return Promise.resolve(null);
    },
    'metaflow.tags': ({ workspaceId, flow, run, add, remove }) => serviceOf(workspaces, workspaceId).mutateTags(flow, run, add, remove),
    'metaflow.task': async ({ workspaceId, ...ref }) => {
      const ws = workspaces.get(workspaceId);
      const [task, found] = await Promise.all([readerOf(ws).task(ref), listCards(ws.cards.store, ws.cards.prefix, ref)]);
      return { ...task, cards: found };
    },
    'metaflow.artifact': async ({ workspaceId, name, full, ...ref }) => readerOf(workspaces.get(workspaceId)).actions.preview(ref, name, full === true),
    'metaflow.artifactTier': ({ workspaceId, name, ...ref }) => readerOf(workspaces.get(workspaceId)).actions.tier(ref, name),
    'metaflow.artifactTiers': ({ workspaceId, names, ...ref }) => artifactTiers(readerOf(workspaces.get(workspaceId)), ref, names),
    'metaflow.rehydrate': ({ workspaceId, name, tier, priority, ...ref }) => readerOf(workspaces.get(workspaceId)).actions.rehydrate(ref, name, tier, priority),
    'metaflow.artifactFile': ({ workspaceId, name, format, ...ref }) => readerOf(workspaces.get(workspaceId)).actions.file(ref, name, format),
    'metaflow.logs': ({ workspaceId, stream, ...ref }) => readerOf(workspaces.get(workspaceId)).logs(ref, stream),
    'metaflow.card': async ({ workspaceId, file, ...ref }) => {
      const ws = workspaces.get(workspaceId);
      return { cardId: cards.put(await readCard(ws.cards.store, ws.cards.prefix, ref, file)) };
    },
  };
}

/** Task-level views read through the metadata service when the workspace names one, else the datastore alone. */
function readerOf(ws: { runs: TaskReader; serviceRuns?: TaskReader }): TaskReader {
  return ws.serviceRuns ?? ws.runs;
}
