import type { Stored } from './index-types.js';

// The index's sqlite rows and how they are read back into contract shapes, unchecked (MetaflowIndex validates them).

export interface RunRow {
  flow: string;
  id: string;
  status: string;
  started_at: number | null;
  finished_at: number | null;
  duration_ms: number | null;
  user: string | null;
  tags_json: string | null;
  system_tags_json: string | null;
  last_activity_at: number | null;
  approximate: string | null;
  failure_json: string | null;
}

export interface TaskRow {
  step: string;
  id: string;
  status: string;
  cloned: number;
  problems_json: string;
  caught_json: string | null;
}

export interface AttemptRow {
  step: string;
  task: string;
  attempt: number;
  status: string;
  started_at: number | null;
  finished_at: number | null;
  approximate: string | null;
  exception_json: string | null;
}

export interface ArtifactRow {
  name: string;
  sha: string;
  size: number | null;
  type: string | null;
  encoding: string;
}

/** undefined for text that is not JSON, which then fails validation: the row counts as corrupt. */
export function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function runFromRow(row: RunRow): Stored<string> {
  const value = {
    flow: row.flow,
    id: row.id,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    user: row.user,
    tags: parseJson(row.tags_json),
    systemTags: parseJson(row.system_tags_json),
    lastActivityAt: row.last_activity_at,
    approximate: row.approximate,
    failure: parseJson(row.failure_json),
  };
  return { key: row.id, value };
}
