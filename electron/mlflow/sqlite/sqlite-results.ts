import type { Json } from '../../../shared/json.js';
import type { Span } from '../../../shared/schemas/mlflow.js';
import type { SpanFacts, TraceInfoParts } from '../trace-row.js';

// What the sqlite worker answers about traces, before the main side turns it into the contract's shapes.

export interface TraceListRow {
  info: TraceInfoParts;
  /** Null when the spans table has none of this trace's spans. */
  spans: SpanFacts[] | null;
}

export interface TraceListPage {
  rows: TraceListRow[];
  nextPageToken: string | null;
  /** Null when filtered (counting would read every trace). */
  total: number | null;
}

export interface StoredAssessment {
  assessmentId: string;
  name: string;
  type: string;
  value: Json;
  rationale: string | null;
  sourceType: string | null;
  sourceId: string | null;
  spanId: string | null;
}

export interface TraceRecord {
  info: TraceInfoParts;
  assessments: StoredAssessment[];
  /** Null when the spans table has none of its spans (or there is no spans table). */
  spans: Span[] | null;
  payloads: 'included' | 'on request';
}
