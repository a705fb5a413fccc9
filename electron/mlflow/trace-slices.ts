import type { TraceDetail } from '../../shared/schemas/mlflow.js';
import type { MlflowSource } from './source.js';

// `mlflow.trace` can hand out a big trace's spans in slices, so no single reply is large enough to
// hold a UI thread while it is parsed and checked. Reading a trace (a worker query over every span,
// or parsing its traces.json) costs far more than slicing a list, so the last few traces read are
// kept briefly: a caller reads slice 0 (always read afresh, so a reload sees new spans) and then the
// following slices from the same snapshot, which keeps the slices of one walk consistent.

const KEEP_TRACES = 2;
const KEEP_MS = 60_000;

interface Kept {
  source: MlflowSource;
  detail: TraceDetail;
  until: number;
}

export interface SliceRequest {
  spanOffset?: number;
  spanLimit?: number;
}

export class TraceSlices {
  private readonly kept = new Map<string, Kept>();

  constructor(private readonly now: () => number = Date.now) {}

  async trace(source: MlflowSource, workspaceId: string, traceId: string, { spanOffset = 0, spanLimit }: SliceRequest): Promise<TraceDetail> {
    const key = `${workspaceId}\u0000${traceId}`;
    const whole = spanOffset === 0 && spanLimit === undefined;
    let detail = spanOffset > 0 ? this.recall(key, source) : undefined;
    if (!detail) {
      detail = await source.trace(traceId);
      // A whole read needs no later slices, so it does not push out a trace being walked.
      if (!whole) this.keep(key, source, detail);
    }
    if (whole) return detail;
    const end = spanLimit === undefined ? undefined : spanOffset + spanLimit;
    return { ...detail, spans: detail.spans.slice(spanOffset, end) };
  }

  private recall(key: string, source: MlflowSource): TraceDetail | undefined {
    const kept = this.kept.get(key);
    if (!kept || kept.source !== source || kept.until < this.now()) {
      this.kept.delete(key);
      return undefined;
    }
    // Most recently used last, so the oldest is first to go.
    this.kept.delete(key);
    this.keep(key, source, kept.detail);
    return kept.detail;
  }

  private keep(key: string, source: MlflowSource, detail: TraceDetail): void {
    this.kept.delete(key);
    this.kept.set(key, { source, detail, until: this.now() + KEEP_MS });
    while (this.kept.size > KEEP_TRACES) {
      const oldest = this.kept.keys().next().value;
      if (oldest === undefined) break;
      this.kept.delete(oldest);
    }
  }
}
