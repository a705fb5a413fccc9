import { useState, type FormEvent } from 'react';
import type { TraceFilter, TraceState } from '../../../../shared/schemas/mlflow.js';
import { EMPTY_DRAFT, toTraceFilter, type TraceFilterDraft } from './trace-filter.js';

const STATES: TraceState[] = ['OK', 'ERROR', 'IN_PROGRESS'];
/** MLflow's span types, offered as suggestions (any other type can be typed). */
const SPAN_TYPES = ['LLM', 'CHAT_MODEL', 'AGENT', 'CHAIN', 'TOOL', 'RETRIEVER', 'EMBEDDING', 'RERANKER', 'PARSER', 'UNKNOWN'];
const PATTERN_HINT = "Whole value, or a pattern: % any run, _ one character (e.g. gpt-4%); case ignored";

/** Filters for the traces list; applied on "Apply" (or Enter), so typing never refetches per key. */
export function TraceFilterBar({ onApply }: { onApply: (filter: TraceFilter) => void }) {
  const [draft, setDraft] = useState<TraceFilterDraft>(EMPTY_DRAFT);
  const [problem, setProblem] = useState<string | null>(null);
  const set = <K extends keyof TraceFilterDraft>(key: K, value: TraceFilterDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const apply = (next: TraceFilterDraft) => {
    const filter = toTraceFilter(next);
    if (filter instanceof Error) return setProblem(filter.message);
    setProblem(null);
    onApply(filter);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    apply(draft);
  };
  const field = (key: Exclude<keyof TraceFilterDraft, 'states' | 'spanStatus'>, label: string, type = 'text', size = 12, hint?: string, list?: string) => (
    <label className="ml-filter__field">
      <span>{label}</span>
      <input type={type} size={size} value={draft[key]} placeholder={hint} title={hint} list={list} onChange={(e) => set(key, e.target.value)} inputMode={type === 'number' ? 'numeric' : undefined} min={type === 'number' ? 0 : undefined} />
    </label>
  );

  return (
    <form className="ml-filter" onSubmit={submit} aria-label="Filter traces" data-testid="trace-filter">
      {field('text', 'Search', 'search', 22, 'Name, request, response or trace id')}
      <fieldset className="ml-filter__states">
        <legend>State</legend>
        {STATES.map((s) => (
          <label key={s}>
            <input
              type="checkbox"
              checked={draft.states.includes(s)}
              onChange={(e) => {
                const next = { ...draft, states: e.target.checked ? [...draft.states, s] : draft.states.filter((x) => x !== s) };
                setDraft(next);
                apply(next);
              }}
            />
            {s}
          </label>
        ))}
      </fieldset>
      {field('user', 'User', 'text', 10)}
      {field('session', 'Session', 'text', 10)}
      {field('tagKey', 'Tag key', 'text', 10)}
      {field('tagValue', 'Tag value', 'text', 10)}
      {field('from', 'From', 'datetime-local')}
      {field('to', 'To', 'datetime-local')}
      {field('minTokens', 'Min tokens', 'number', 6)}
      {field('maxTokens', 'Max tokens', 'number', 6)}
      <fieldset className="ml-filter__span">
        <legend title="A trace matches when one of its spans meets all of these">Span</legend>
        {field('spanName', 'Span name', 'text', 12, PATTERN_HINT)}
        {field('spanType', 'Span type', 'text', 10, 'LLM, CHAT_MODEL, TOOL, RETRIEVER…', 'ml-span-types')}
        <datalist id="ml-span-types">
          {SPAN_TYPES.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
        {field('spanModel', 'Span model', 'text', 12, PATTERN_HINT)}
        <label className="ml-filter__field">
          <span>Span status</span>
          <select value={draft.spanStatus} onChange={(e) => set('spanStatus', e.target.value as TraceFilterDraft['spanStatus'])}>
            <option value="">Any</option>
            <option value="OK">OK</option>
            <option value="ERROR">ERROR</option>
            <option value="UNSET">UNSET</option>
          </select>
        </label>
      </fieldset>
      <button type="submit" className="button button--small button--primary">
        Apply
      </button>
      <button
        type="button"
        className="button button--small button--quiet"
        onClick={() => {
          setDraft(EMPTY_DRAFT);
          apply(EMPTY_DRAFT);
        }}
      >
        Reset
      </button>
      {problem && (
        <p className="ml-filter__problem" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
