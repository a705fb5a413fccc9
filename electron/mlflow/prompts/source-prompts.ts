import { StratusError } from '../../../shared/errors.js';
import type { PromptsResult, PromptTracesResult } from '../../../shared/schemas/mlflow-prompts.js';
import type { PriceRow } from '../../../shared/schemas/mlflow-tokens.js';
import type { MlflowSource } from '../source.js';
import { RestSource } from '../sources/rest.js';
import { sqliteFileOf } from '../tokens/source-records.js';
import type { TraceCacheUse } from '../tokens/summarize-source.js';
import type { PromptTracesQuery } from './group-prompts.js';
import { restRegistry } from './rest-registry.js';

// The Prompts view of a workspace's MLflow store, for the app and the CLI alike: a tracking server
// through its trace cache (and its registry over REST), an sqlite store read directly; both grouped
// in the trace cache worker.

function unsupported(source: MlflowSource): never {
  throw new StratusError({
    code: 'INVALID_ARGUMENT',
    message: `Prompts are grouped for a tracking server or an sqlite store; this workspace's MLflow store is a ${source.info.kind === 'file' ? 'file store' : source.info.kind} store.`,
    hint: 'Point the workspace at the tracking server (http…) or at its sqlite database (sqlite:///…/mlflow.db).',
  });
}

export async function promptsOf(source: MlflowSource, experimentIds: readonly string[], traces: TraceCacheUse, prices: PriceRow[]): Promise<PromptsResult> {
  if (source.info.kind === 'sqlite') return traces.caches.sqlitePrompts(await sqliteFileOf(source.info.uri), experimentIds, prices);
  if (source instanceof RestSource) {
    const server = { scope: traces.scope, uri: source.info.uri, client: source.client };
    const registry = await restRegistry(source.client);
    return traces.caches.prompts(server, experimentIds, registry, prices);
  }
  return unsupported(source);
}

export async function promptTracesOf(source: MlflowSource, experimentIds: readonly string[], traces: TraceCacheUse, query: PromptTracesQuery): Promise<PromptTracesResult> {
  if (source.info.kind === 'sqlite') return traces.caches.sqlitePromptTraces(await sqliteFileOf(source.info.uri), experimentIds, query);
  if (source instanceof RestSource) return traces.caches.promptTraces({ scope: traces.scope, uri: source.info.uri, client: source.client }, experimentIds, query);
  return unsupported(source);
}
