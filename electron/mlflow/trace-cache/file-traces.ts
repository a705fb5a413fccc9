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

/** Span times (MLflow 3's *_time_unix_nano, MLflow 2's *_time) as digit strings before parsing: as JSON numbers, epoch nanoseconds lose precision. */
const exactTimes = (json: string) => json.replace(/"(start|end)_time(_unix_nano)?"\s*:\s*(\d+)/g, '"$1_time$2":"$3"');

export function fileSpanResult({ info, json, problem }: FileTrace): SpanResult {
  const traceId = info.traceId;
  if (json === null) return { traceId, unreadable: true, problem: problem ?? 'traces.json could not be read.' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(exactTimes(json));
  } catch (err) {
    return { traceId, unreadable: true, problem: `traces.json is not valid JSON (${(err as Error).message}).` };
  }
  // The trace view reads `data.spans` too (spans.ts spansFromTraceJson).
  const doc = parsed !== null && typeof parsed === 'object' ? (parsed as { spans?: unknown; data?: unknown }) : {};
  const data = doc.data !== null && typeof doc.data === 'object' ? (doc.data as { spans?: unknown }) : {};
  const spans = Array.isArray(doc.spans) ? doc.spans : data.spans;
  if (!Array.isArray(spans)) return { traceId, unreadable: true, problem: 'traces.json holds no span list ("spans").' };
  return { traceId, ...spanFacts(spans) };
}
