import type { HandlersFor } from '../ipc/router.js';
import type { ServiceContext } from '../service-context.js';
import type { MetaflowChannel } from '../../shared/channels/metaflow.js';
import { listCards, readCard } from './cards.js';

export function metaflowHandlers({ workspaces, cards }: ServiceContext): HandlersFor<MetaflowChannel> {
  return {
    'metaflow.list': ({ workspaceId, ...path }) => workspaces.get(workspaceId).metaflow.list(path),
    'metaflow.runs': ({ workspaceId, flow }) => workspaces.get(workspaceId).indexed.list(flow),
    'metaflow.run': ({ workspaceId, flow, run }) => workspaces.get(workspaceId).indexed.detail(flow, run),
    'metaflow.task': async ({ workspaceId, ...ref }) => {
      const ws = workspaces.get(workspaceId);
      const [task, found] = await Promise.all([ws.runs.task(ref), listCards(ws.cards.store, ws.cards.prefix, ref)]);
      return { ...task, cards: found };
    },
    'metaflow.artifact': async ({ workspaceId, name, full, ...ref }) => workspaces.get(workspaceId).runs.artifact(ref, name, full === true),
    'metaflow.artifactFile': ({ workspaceId, name, format, ...ref }) => workspaces.get(workspaceId).runs.artifactFile(ref, name, format),
    'metaflow.logs': ({ workspaceId, stream, ...ref }) => workspaces.get(workspaceId).runs.logs(ref, stream),
    'metaflow.card': async ({ workspaceId, file, ...ref }) => {
      const ws = workspaces.get(workspaceId);
      return { cardId: cards.put(await readCard(ws.cards.store, ws.cards.prefix, ref, file)) };
    },
  };
}
