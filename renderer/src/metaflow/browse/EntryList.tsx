import type { ReactNode } from 'react';
import { displayName } from '../../../../shared/display-name.js';

interface Entry {
  name: string;
  /** Metaflow's `_parameters` pseudo step: listed, but not a step the user wrote. */
  pseudo?: boolean;
}

interface Props {
  entries: Entry[];
  /** Singular noun for the entries ("flow", "run", …), shown on the icon and in the empty state. */
  noun: string;
  onOpen: (name: string) => void;
  /** More about an entry, on its line (a flow's run count and newest run). */
  entryDetail?: (name: string) => ReactNode;
}

/** The flows, runs, steps or tasks of the current level; each entry opens the level below. */
export function EntryList({ entries, noun, onOpen, entryDetail }: Props) {
  if (entries.length === 0) return <p className="empty">No {noun}s here{noun === 'flow' ? ': a Metaflow run with this datastore as its sysroot writes its flow here' : ''}.</p>;
  return (
    <ul className="entries">
      {entries.map((entry) => (
        <li key={entry.name}>
          <button
            type="button"
            className={`entry${entry.pseudo ? ' entry--pseudo' : ''}`}
            aria-label={displayName(entry.name)}
            onClick={() => onOpen(entry.name)}
          >
            <span className={`entry__icon entry__icon--${noun}`} aria-hidden="true" />
            <span className="entry__name">{displayName(entry.name)}</span>
            {entry.pseudo && <span className="badge">parameters</span>}
            {entryDetail?.(entry.name)}
            <span className="entry__chevron" aria-hidden="true">›</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
