import { useState } from 'react';

// With a metadata service, the runs list opens in the user's namespace (`user:<name>`, as Metaflow's client
// does); this switches to all users or to any tag. The choice goes to the service, which filters every run.

export type NamespaceChoice = { kind: 'default' } | { kind: 'all' } | { kind: 'tag'; tag: string };

interface Props {
  /** The namespace the service listed (`user:<name>`), null for all. */
  listed: string | null | undefined;
  choice: NamespaceChoice;
  onChange: (choice: NamespaceChoice) => void;
}

export function namespaceQuery(choice: NamespaceChoice): { namespace?: string; allNamespaces?: true } {
  if (choice.kind === 'all') return { allNamespaces: true };
  if (choice.kind === 'tag') return { namespace: choice.tag };
  return {};
}

export function ServiceRunControls({ listed, choice, onChange }: Props) {
  const [tag, setTag] = useState(choice.kind === 'tag' ? choice.tag : '');
  const value = choice.kind;
  return (
    <div className="service-runs" data-testid="service-runs">
      <label className="service-runs__namespace">
        <span className="muted">Namespace</span>
        <select
          className="input run-filters__select"
          aria-label="Namespace"
          value={value}
          onChange={(e) => {
            const kind = e.target.value as NamespaceChoice['kind'];
            if (kind === 'tag') {
              if (tag.trim() !== '') onChange({ kind: 'tag', tag: tag.trim() });
              else onChange({ kind: 'tag', tag: '' });
            } else onChange({ kind });
          }}
        >
          <option value="default">{choice.kind === 'default' && listed ? `Mine (${listed})` : 'Mine'}</option>
          <option value="all">All users</option>
          <option value="tag">A tag…</option>
        </select>
      </label>
      {value === 'tag' && (
        <form
          className="service-runs__tag"
          onSubmit={(e) => {
            e.preventDefault();
            if (tag.trim() !== '') onChange({ kind: 'tag', tag: tag.trim() });
          }}
        >
          <input className="input" aria-label="Namespace tag" placeholder="team:red, project:x…" value={tag} onChange={(e) => setTag(e.target.value)} />
          <button type="submit" className="button">
            Show
          </button>
        </form>
      )}
      <span className="muted" data-testid="namespace-listed">
        {listed === null ? 'all namespaces' : listed ? `namespace ${listed}` : ''}
      </span>
    </div>
  );
}
