import type { SpanFilter, TraceFilter, TraceState } from '../../../../shared/schemas/mlflow.js';

// The traces filter form's draft (what the inputs hold, all text) and its conversion into the
// channel's TraceFilter, with a message for whatever cannot be sent.

export interface TraceFilterDraft {
  states: TraceState[];
  text: string;
  user: string;
  session: string;
  tagKey: string;
  tagValue: string;
  /** `datetime-local` values (local time), '' when unset. */
  from: string;
  to: string;
  minTokens: string;
  maxTokens: string;
  /** One span's conditions: name and model as ILIKE patterns (`%`, `_`), type whole, status '' for any. */
  spanName: string;
  spanType: string;
  spanModel: string;
  spanStatus: '' | NonNullable<SpanFilter['status']>;
}

export const EMPTY_DRAFT: TraceFilterDraft = {
  states: [],
  text: '',
  user: '',
  session: '',
  tagKey: '',
  tagValue: '',
  from: '',
  to: '',
  minTokens: '',
  maxTokens: '',
  spanName: '',
  spanType: '',
  spanModel: '',
  spanStatus: '',
};

function spanFilter(draft: TraceFilterDraft): SpanFilter | undefined {
  const span: SpanFilter = { name: optional(draft.spanName), type: optional(draft.spanType), model: optional(draft.spanModel), status: draft.spanStatus || undefined };
  const given = Object.fromEntries(Object.entries(span).filter(([, v]) => v !== undefined)) as SpanFilter;
  return Object.keys(given).length > 0 ? given : undefined;
}

function whole(text: string, label: string): number | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${label} must be a whole number of tokens, 0 or more.`);
  return n;
}

function time(text: string, label: string): number | undefined {
  if (text === '') return undefined;
  const ms = new Date(text).getTime();
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`${label} is not a valid date and time.`);
  return ms;
}

const optional = (s: string) => (s.trim() === '' ? undefined : s.trim());

/** The filter to send, or an Error naming the field that is wrong. */
export function toTraceFilter(draft: TraceFilterDraft): TraceFilter | Error {
  try {
    const fromMs = time(draft.from, 'From');
    const toMs = time(draft.to, 'To');
    if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs) throw new Error('From must be before To.');
    const minTokens = whole(draft.minTokens, 'Min tokens');
    const maxTokens = whole(draft.maxTokens, 'Max tokens');
    if (minTokens !== undefined && maxTokens !== undefined && minTokens > maxTokens) throw new Error('Min tokens must not be above max tokens.');
    const tagKey = optional(draft.tagKey);
    if (tagKey === undefined && optional(draft.tagValue) !== undefined) throw new Error('Name the tag key to filter by a tag value.');
    const filter: TraceFilter = {
      states: draft.states.length > 0 ? draft.states : undefined,
      text: optional(draft.text),
      user: optional(draft.user),
      session: optional(draft.session),
      tag: tagKey === undefined ? undefined : { key: tagKey, value: optional(draft.tagValue) },
      fromMs,
      toMs,
      minTokens,
      maxTokens,
      span: spanFilter(draft),
    };
    return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as TraceFilter;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}
