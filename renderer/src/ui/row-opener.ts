import './row-opener.css';
import type { KeyboardEvent } from 'react';

// A table row that opens what it shows: a click anywhere on it, or Enter / Space while it has focus
// (rows are in the tab order), so the row, not only a name inside it, is the target.

export interface RowOpenerProps {
  tabIndex: number;
  onClick: () => void;
  onKeyDown: (e: KeyboardEvent<HTMLElement>) => void;
  className: string;
}

export function rowOpener(open: () => void): RowOpenerProps {
  return {
    tabIndex: 0,
    onClick: open,
    onKeyDown: (e) => {
      // Keys pressed on a control inside the row are that control's.
      if ((e.key === 'Enter' || e.key === ' ') && e.target === e.currentTarget) {
        e.preventDefault();
        open();
      }
    },
    className: 'row-opener',
  };
}
