import type { TraceInfoParts } from '../trace-row.js';
import { num } from './file-store-files.js';

// A file store trace folder's trace_info.yaml (parsed by meta-yaml.ts) as a trace info. MLflow 3
// writes the v3 TraceInfo (snake_case, or camelCase from protobuf JSON), MLflow 2 the v2 fields.

export function traceInfoFromYaml(
  meta: Record<string, string>,
  folderId: string,
  experimentId: string,
  metadata: Record<string, string>,
  tags: Record<string, string>,
): TraceInfoParts {
  const requestTimeText = meta.request_time || meta.requestTime;
  const requestTime = requestTimeText ? Date.parse(requestTimeText) : NaN;
  const duration = /^(\d+(?:\.\d+)?)s$/.exec(meta.execution_duration || meta.executionDuration || '');
  return {
    traceId: meta.trace_id || meta.traceId || meta.request_id || folderId,
    experimentId: meta['trace_location.experiment_id'] || meta['traceLocation.experimentId'] || meta.experiment_id || experimentId,
    timestampMs: num(meta.timestamp_ms) ?? (Number.isFinite(requestTime) ? requestTime : 0),
    durationMs: num(meta.execution_time_ms) ?? (duration ? Math.round(Number(duration[1]) * 1000) : null),
    state: meta.state || meta.status || 'STATE_UNSPECIFIED',
    requestPreview: meta.request_preview ?? meta.requestPreview ?? null,
    responsePreview: meta.response_preview ?? meta.responsePreview ?? null,
    metadata,
    tags,
  };
}
