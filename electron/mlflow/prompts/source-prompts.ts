import { StratusError } from '../../../shared/errors.js';
import type { PromptsResult, PromptTracesResult } from '../../../shared/schemas/mlflow-prompts.js';
import type { PriceRow } from '../../../shared/schemas/mlflow-tokens.js';
import type { MlflowSource } from '../source.js';
import { RestSource } from '../sources/rest.js';
import { sqliteFileOf } from '../tokens/source-records.js';
import { traceOrigin } from '../trace-cache/trace-origin.js';
import type { TraceCacheUse } from '../tokens/summarize-source.js';
import type { PromptTracesQuery } from './group-prompts.js';
import { restRegistry } from './rest-registry.js';

// The Prompts view of a workspace's MLflow store, for the app and the CLI alike: a tracking server
// through its trace cache (and its registry over REST), a file store through its trace cache (no
// registry: traces group by the prompt versions they link, or their system prompt), an sqlite
// store read directly; all grouped in the trace cache worker.

function unsupported(source: MlflowSource): never {
  throw new StratusError({
    code: 'INVALID_ARGUMENT',
    message: `Prompts are grouped for a tracking server, a file store or an sqlite store; this workspace's MLflow store is a ${source.info.kind} store.`,
    hint: 'Point the workspace at the tracking server (http…), its mlruns folder or its sqlite database (sqlite:///…/mlflow.db).',
  });
}

export async function promptsOf(source: MlflowSource, experimentIds: readonly string[], traces: TraceCacheUse, prices: PriceRow[]): Promise<PromptsResult> {
  if (source.info.kind === 'sqlite') return traces.caches.sqlitePrompts(await sqliteFileOf(source.info.uri), experimentIds, prices);
  const origin = traceOrigin(source, traces.scope);
  if (origin) return traces.caches.prompts(origin, experimentIds, source instanceof RestSource ? await restRegistry(source.client) : [], prices);
  return unsupported(source);
}

export async function promptTracesOf(source: MlflowSource, experimentIds: readonly string[], traces: TraceCacheUse, query: PromptTracesQuery): Promise<PromptTracesResult> {
  if (source.info.kind === 'sqlite') return traces.caches.sqlitePromptTraces(await sqliteFileOf(source.info.uri), experimentIds, query);
  const origin = traceOrigin(source, traces.scope);
  if (origin) return traces.caches.promptTraces(origin, experimentIds, query);
  return unsupported(source);
}
