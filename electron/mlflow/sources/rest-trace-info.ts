import type { TraceInfoParts } from '../trace-row.js';
import type { TraceInfoV3 } from './rest-types.js';

// MLflow 3's TraceInfo JSON (traces/search, traces/{id}) as the parts every source's rows are built
// from: shared by the REST source and the trace cache's sync.

/** Protobuf JSON duration, e.g. "5.121s". */
export function durationMs(value: string | undefined): number | null {
  const match = value === undefined ? null : /^(-?\d+(?:\.\d+)?)s$/.exec(value);
  return match ? Math.round(Number(match[1]) * 1000) : null;
}

export function traceInfoOfV3(t: TraceInfoV3): TraceInfoParts {
  const time = t.request_time === undefined ? NaN : Date.parse(t.request_time);
  return {
    traceId: t.trace_id,
    experimentId: String(t.trace_location?.mlflow_experiment?.experiment_id ?? ''),
    timestampMs: Number.isFinite(time) ? time : 0,
    durationMs: durationMs(t.execution_duration),
    state: t.state ?? 'STATE_UNSPECIFIED',
    requestPreview: t.request_preview ?? null,
    responsePreview: t.response_preview ?? null,
    metadata: t.trace_metadata ?? {},
    tags: t.tags ?? {},
  };
}
