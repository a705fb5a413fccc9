import { useMemo, useState } from 'react';
import type { UsageRow } from '../../../shared/schemas/usage.js';
import { rowOpener } from '../ui/row-opener.js';
import { SortHeader, type SortDir } from '../ui/SortHeader.js';
import { USAGE_COLUMNS, type UsageColumnId } from './usage-columns.js';

interface Props {
  level: 'flows' | 'runs' | 'steps';
  rows: UsageRow[];
  gcFree: ReadonlyMap<string, number> | undefined;
  /** Opens a row (a flow's runs, a run's steps); absent at the last level. */
  onOpen?: (name: string) => void;
  /** Runs only: offers changing the tier of the run's unique blobs. */
  onRunTier?: (row: UsageRow) => void;
}

/** The level's rows, sortable by any column with a value; unique bytes, largest first, by default. */
export function UsageTable({ level, rows, gcFree, onOpen, onRunTier }: Props) {
  const [sort, setSort] = useState<{ by: UsageColumnId; dir: SortDir }>({ by: 'uniqueBytes', dir: 'desc' });
  const columns = USAGE_COLUMNS.filter((c) => c.levels.includes(level));
  // Each row is its own grid: one template for all keeps the columns lined up.
  const grid = { gridTemplateColumns: columns.map((c) => (c.numeric ? 'minmax(110px, 1fr)' : 'minmax(180px, 2fr)')).join(' ') };
  const sorted = useMemo(() => {
    const column = USAGE_COLUMNS.find((c) => c.id === sort.by);
    const value = column?.sortValue;
    if (!value) return rows;
    const gc = gcFree ?? new Map<string, number>();
    const sign = sort.dir === 'asc' ? 1 : -1;
    return [...rows].sort((a, b) => {
      const x = value(a, gc);
      const y = value(b, gc);
      return (x < y ? -1 : x > y ? 1 : a.name < b.name ? -1 : 1) * sign;
    });
  }, [rows, sort, gcFree]);

  return (
    <div className="usage-table" role="table" aria-label={`Usage per ${level.slice(0, -1)}`} data-testid="usage-table">
      <div role="row" className="usage-table__row usage-table__row--head" style={grid}>
        {columns.map((c) => (
          <SortHeader
            key={c.id}
            className={`usage-table__cell${c.numeric ? ' usage-table__cell--num' : ''}`}
            title={c.label.toLowerCase()}
            sort={c.sortValue === undefined ? undefined : { active: sort.by === c.id, dir: sort.dir, firstDir: c.numeric ? 'desc' : 'asc', onSort: (dir) => setSort({ by: c.id, dir }) }}
          >
            <span data-testid={`usage-sort-${c.id}`} title={c.title}>
              {c.label}
            </span>
          </SortHeader>
        ))}
      </div>
      {sorted.map((row) => {
        const opener = onOpen ? rowOpener(() => onOpen(row.name)) : undefined;
        return (
          <div key={row.name} role="row" {...opener} className={`usage-table__row ${opener?.className ?? ''}`} style={grid} data-testid="usage-row" data-name={row.name}>
            {columns.map((c) => (
              <div
                key={c.id}
                role="cell"
                className={`usage-table__cell${c.numeric ? ' usage-table__cell--num' : ''}`}
                data-column={c.id}
                data-value={c.sortValue?.(row, gcFree ?? new Map<string, number>())}
              >
                {c.text(row, gcFree)}
                {c.id === 'name' && row.running && <span className="muted" title="Still running (or its indexes could not be read): read again on the next build"> · running</span>}
                {c.id === 'name' && row.problems > 0 && <span className="usage-problem" title="Some artifact indexes could not be read: what they name is missing here"> · unreadable indexes</span>}
                {c.id === 'name' && onRunTier && row.uniqueCount > 0 && !row.running && (
                  <button
                    type="button"
                    className="link usage-table__action"
                    onClick={(e) => {
                      // The row opens the run's steps: this button must not.
                      e.stopPropagation();
                      onRunTier(row);
                    }}
                    onKeyDown={(e) => e.stopPropagation()}
                    data-testid="usage-run-tier"
                  >
                    Change tier of unique blobs…
                  </button>
                )}
              </div>
            ))}
          </div>
        );
      })}
    </div>
  );
}
