import type { CachedInfo, SpanResult } from './cache-db.js';
import { spanFacts } from './span-rows.js';

// A file store's trace folder as the sync hands it to the trace cache worker: its info, and the
// text of its traces.json (or why there is none), parsed here, off the main thread. A traces.json
// that is missing, not JSON or holds no span list is that trace's note; its stored total stands.

export interface FileTrace {
  info: CachedInfo;
  json: string | null;
  /** Why `json` is null. */
  problem: string | null;
}

/** Span times as digit strings before parsing: as JSON numbers, epoch nanoseconds lose precision. */
const exactTimes = (json: string) => json.replace(/"(start|end)_time_unix_nano"\s*:\s*(\d+)/g, '"$1_time_unix_nano":"$2"');

export function fileSpanResult({ info, json, problem }: FileTrace): SpanResult {
  const traceId = info.traceId;
  if (json === null) return { traceId, unreadable: true, problem: problem ?? 'traces.json could not be read.' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(exactTimes(json));
  } catch (err) {
    return { traceId, unreadable: true, problem: `traces.json is not valid JSON (${(err as Error).message}).` };
  }
  const spans = parsed !== null && typeof parsed === 'object' ? (parsed as { spans?: unknown }).spans : undefined;
  if (!Array.isArray(spans)) return { traceId, unreadable: true, problem: 'traces.json holds no span list ("spans").' };
  return { traceId, ...spanFacts(spans) };
}
