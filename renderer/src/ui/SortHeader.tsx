import './sort-header.css';
import type { ReactNode } from 'react';

export type SortDir = 'asc' | 'desc';

interface Sortable {
  /** Whether the table is sorted by this column now. */
  active: boolean;
  dir: SortDir;
  /** The direction a first click sorts in (newest or largest first, unless the column reads better ascending). */
  firstDir?: SortDir;
  onSort: (dir: SortDir) => void;
}

interface Props {
  className: string;
  /** Ends the button's tooltip: "Sort by <title>". */
  title: string;
  /** Left out for a column that does not sort: a plain header with no aria-sort. */
  sort?: Sortable;
  children: ReactNode;
}

/** A column header of the runs and traces tables: a button that sorts by the column, then flips the direction. */
export function SortHeader({ className, title, sort, children }: Props) {
  if (!sort) {
    return (
      <div role="columnheader" className={className}>
        {children}
      </div>
    );
  }
  const { active, dir, firstDir = 'desc', onSort } = sort;
  const next: SortDir = !active ? firstDir : dir === 'desc' ? 'asc' : 'desc';
  return (
    <div role="columnheader" className={className} aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className={`runs-sort${active ? ' runs-sort--active' : ''}`} title={`Sort by ${title}`} onClick={() => onSort(next)}>
        {children}
        <span className="runs-sort__arrow" aria-hidden="true">
          {active ? (dir === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </div>
  );
}
