import type { PromptsResult, PromptTracesResult } from '../../../shared/schemas/mlflow-prompts.js';
import type { TokenPrice } from '../../../shared/schemas/mlflow-tokens.js';
import type { TraceCacheDb } from '../trace-cache/cache-db.js';
import { groupPrompts, promptTraces, type PromptTracesQuery } from './group-prompts.js';
import type { RegistryVersion } from './prompt-record.js';
import { openReadOnly, sqlitePromptContext, sqlitePromptRecords } from './sqlite-prompts.js';

// The Prompts view's work as the trace cache worker runs it, for both sources: records from the
// cache (tracking server, registry fetched by the caller) or from an MLflow sqlite file, then the
// one grouping.

export function cachePrompts(db: TraceCacheDb, experimentIds: readonly string[], registry: RegistryVersion[], prices: readonly TokenPrice[]): PromptsResult {
  const { records, systems } = db.promptRecords(experimentIds);
  return groupPrompts(records, { registry, systems }, prices);
}

export function cachePromptTraces(db: TraceCacheDb, experimentIds: readonly string[], query: PromptTracesQuery): PromptTracesResult {
  return promptTraces(db.promptRecords(experimentIds).records, query);
}

function withSqlite<T>(file: string, use: (db: ReturnType<typeof openReadOnly>) => T): T {
  const db = openReadOnly(file);
  try {
    return use(db);
  } finally {
    db.close();
  }
}

export function sqlitePrompts(file: string, experimentIds: readonly string[], prices: readonly TokenPrice[]): PromptsResult {
  return withSqlite(file, (db) => {
    const { records, systems } = sqlitePromptRecords(db, experimentIds);
    return groupPrompts(records, sqlitePromptContext(db, systems), prices);
  });
}

export function sqlitePromptTraces(file: string, experimentIds: readonly string[], query: PromptTracesQuery): PromptTracesResult {
  return withSqlite(file, (db) => promptTraces(sqlitePromptRecords(db, experimentIds).records, query));
}
