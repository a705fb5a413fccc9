import { StratusError } from '../../shared/errors.js';
import type { Span } from '../../shared/schemas/mlflow.js';
import type { ArtifactRoots } from './artifact-roots.js';
import { readArtifactText } from './artifacts.js';
import type { ParsedTrace } from './spans.js';
import type { SpanFacts } from './trace-row.js';

// The second place spans live: traces.json in the trace's artifact location (the
// `mlflow.artifactLocation` tag), for stores without a spans table or traces written before it.

export const ARTIFACT_LOCATION_TAG = 'mlflow.artifactLocation';
export const TRACE_DATA_FILE = 'traces.json';

export type SpanParser = (json: string) => Promise<ParsedTrace>;

export type LoadedSpans = { spans: Span[]; payloads: 'included' | 'on request'; problem: null } | { spans: null; problem: string };

/** The text of the trace's traces.json; throws with a message saying where it looked. */
export async function traceJsonText(roots: ArtifactRoots, tags: Record<string, string>): Promise<string> {
  const location = tags[ARTIFACT_LOCATION_TAG];
  if (!location) throw new StratusError({ code: 'NOT_FOUND', message: 'The trace has no spans in the database and no artifact location (mlflow.artifactLocation).' });
  try {
    return await readArtifactText(roots.resolve(location), TRACE_DATA_FILE);
  } catch (err) {
    throw new StratusError({ code: err instanceof StratusError ? err.code : 'NOT_FOUND', message: `Could not read ${TRACE_DATA_FILE} at ${location}: ${(err as Error).message}` });
  }
}

export async function spansFromArtifacts(roots: ArtifactRoots, tags: Record<string, string>, parse: SpanParser): Promise<LoadedSpans> {
  try {
    const parsed = await parse(await traceJsonText(roots, tags));
    return { spans: parsed.spans, payloads: parsed.payloads, problem: null };
  } catch (err) {
    return { spans: null, problem: (err as Error).message };
  }
}

export function factsOf(spans: readonly Span[]): SpanFacts[] {
  return spans.map((s) => ({ spanId: s.spanId, parentId: s.parentId, usage: s.usage, model: s.model, name: s.name, startMs: s.startMs }));
}
