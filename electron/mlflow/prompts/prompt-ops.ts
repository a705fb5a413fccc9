import type Database from 'better-sqlite3';
import type { PromptsResult, PromptTracesResult } from '../../../shared/schemas/mlflow-prompts.js';
import type { PriceRow } from '../../../shared/schemas/mlflow-tokens.js';
import type { TraceCacheDb } from '../trace-cache/cache-db.js';
import { groupPrompts, promptTraces, type PromptTracesQuery } from './group-prompts.js';
import { LINKED_PROMPTS_TAG } from './prompt-facts.js';
import type { RegistryVersion } from './prompt-record.js';
import { openReadOnly, sqlitePromptContext, sqlitePromptRecords } from './sqlite-prompts.js';

// The Prompts view's work as the trace cache worker runs it, for both sources: records from the
// cache (tracking server, registry fetched by the caller) or from an MLflow sqlite file, then the
// one grouping.

export function cachePrompts(db: TraceCacheDb, experimentIds: readonly string[], registry: RegistryVersion[], prices: readonly PriceRow[]): PromptsResult {
  const { records, systems, templates } = db.promptRecords(experimentIds);
  return groupPrompts(records, { registry, systems, templates }, prices);
}

export function cachePromptTraces(db: TraceCacheDb, experimentIds: readonly string[], query: PromptTracesQuery): PromptTracesResult {
  return promptTraces(db.promptRecords(experimentIds).records, query);
}

/**
 * The last sqlite store's records, kept while its tables did not move: a prompt's page asks for its
 * list, then its traces, then another version's, and reading every span each time takes seconds
 * on a large store. Moves seen: traces added, deleted or finished, spans added, prompts linked.
 */
let last: { key: string; state: string; read: ReturnType<typeof sqlitePromptRecords> } | undefined;

function storeState(db: Database.Database): string {
  const traces = db.prepare("SELECT count(*), coalesce(max(rowid), 0), coalesce(sum(timestamp_ms), 0), coalesce(sum(status = 'IN_PROGRESS'), 0) FROM trace_info").raw().get();
  const hasSpans = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'spans'").get() !== undefined;
  // Span rows are only appended (a deleted trace's go with it, which the trace count sees).
  const spans = hasSpans ? db.prepare('SELECT coalesce(max(rowid), 0) FROM spans').pluck().get() : null;
  const linked = db.prepare('SELECT count(*) FROM trace_tags WHERE key = ?').raw().get(LINKED_PROMPTS_TAG);
  return JSON.stringify([traces, spans, linked]);
}

function recordsOf(db: Database.Database, file: string, experimentIds: readonly string[]): ReturnType<typeof sqlitePromptRecords> {
  const key = JSON.stringify([file, experimentIds]);
  const state = storeState(db);
  if (last?.key === key && last.state === state) return last.read;
  const read = sqlitePromptRecords(db, experimentIds);
  last = { key, state, read };
  return read;
}

function withSqlite<T>(file: string, use: (db: Database.Database) => T): T {
  const db = openReadOnly(file);
  try {
    return use(db);
  } finally {
    db.close();
  }
}

export function sqlitePrompts(file: string, experimentIds: readonly string[], prices: readonly PriceRow[]): PromptsResult {
  return withSqlite(file, (db) => {
    const read = recordsOf(db, file, experimentIds);
    return groupPrompts(read.records, sqlitePromptContext(db, read), prices);
  });
}

export function sqlitePromptTraces(file: string, experimentIds: readonly string[], query: PromptTracesQuery): PromptTracesResult {
  return withSqlite(file, (db) => promptTraces(recordsOf(db, file, experimentIds).records, query));
}
