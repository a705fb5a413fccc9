import type { RunStatus } from '../../../../shared/contract.js';
import { isFiltered, NO_FILTER, rangeBounds, type RangePreset, type RunFilter } from './run-filters.js';

interface Props {
  filter: RunFilter;
  onChange: (filter: RunFilter) => void;
  tags: string[];
  users: string[];
  /** Without metadata there are no users or tags to pick from. */
  hasMetadata: boolean;
}

const STATUSES: (RunStatus | 'all')[] = ['all', 'running', 'stale', 'succeeded', 'failed'];
const RANGES: { value: RangePreset; label: string }[] = [
  { value: 'all', label: 'Any time' },
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: 'custom', label: 'Between dates…' },
];

/** Status, tag, user, start-time range and free text; each narrows the runs table at once. */
export function RunFilterBar({ filter, onChange, tags, users, hasMetadata }: Props) {
  const set = (patch: Partial<RunFilter>) => onChange({ ...filter, ...patch });
  const setRange = (range: RangePreset, from = filter.from, to = filter.to) =>
    set({ range, from, to, ...rangeBounds(range, from, to, Date.now()) });

  return (
    <div className="run-filters" role="search" aria-label="Filter runs">
      <input
        type="search"
        className="input run-filters__text"
        placeholder="Filter by id, user, tag…"
        aria-label="Filter text"
        value={filter.text}
        onChange={(e) => set({ text: e.target.value })}
      />
      <select className="input run-filters__select" aria-label="Status" value={filter.status} onChange={(e) => set({ status: e.target.value as RunStatus | 'all' })}>
        {STATUSES.map((s) => (
          <option key={s} value={s}>
            {s === 'all' ? 'Any status' : s}
          </option>
        ))}
      </select>
      {hasMetadata && (
        <>
          <select className="input run-filters__select" aria-label="Tag" value={filter.tag} onChange={(e) => set({ tag: e.target.value })}>
            <option value="">Any tag</option>
            {tags.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          <select className="input run-filters__select" aria-label="User" value={filter.user} onChange={(e) => set({ user: e.target.value })}>
            <option value="">Any user</option>
            {users.map((u) => (
              <option key={u} value={u}>
                {u}
              </option>
            ))}
          </select>
        </>
      )}
      <select className="input run-filters__select" aria-label="Started" value={filter.range} onChange={(e) => setRange(e.target.value as RangePreset)}>
        {RANGES.map((r) => (
          <option key={r.value} value={r.value}>
            {r.label}
          </option>
        ))}
      </select>
      {filter.range === 'custom' && (
        <span className="run-filters__dates">
          <input type="date" className="input" aria-label="Started from" value={filter.from} onChange={(e) => setRange('custom', e.target.value, filter.to)} />
          <span className="muted">to</span>
          <input type="date" className="input" aria-label="Started until" value={filter.to} onChange={(e) => setRange('custom', filter.from, e.target.value)} />
        </span>
      )}
      {isFiltered(filter) && (
        <button type="button" className="button button--quiet" onClick={() => onChange(NO_FILTER)}>
          Clear
        </button>
      )}
    </div>
  );
}
