import './artifacts.css';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { formatBytes } from '../../format.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { artifactsQuery } from '../queries.js';
import { displayName } from '../../../../shared/display-name.js';

interface Props {
  workspaceId: string;
  runId: string;
  selected: string | null;
  onSelect: (path: string) => void;
}

/** One directory level; sub-directories list themselves when opened, so large trees are read lazily. */
function Level({ workspaceId, runId, path, depth, selected, onSelect }: Props & { path: string; depth: number }) {
  const query = useQuery(artifactsQuery(workspaceId, runId, path));
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  if (query.isPending) return <Loading label="Listing artifacts…" />;
  if (query.isError) return <ErrorPanel error={query.error} onRetry={() => void query.refetch()} retrying={query.isFetching} />;
  if (query.data.entries.length === 0) return depth === 0 ? <p className="empty">No artifacts yet: files the run logs with <code>mlflow.log_artifact</code> appear here.</p> : <p className="muted ml-tree__empty">empty</p>;
  return (
    <ul className="ml-tree" role={depth === 0 ? 'tree' : 'group'} aria-label={depth === 0 ? 'Artifacts' : undefined}>
      {query.data.entries.map((entry) => {
        const isOpen = open.has(entry.path);
        return (
          <li
            key={entry.path}
            role="treeitem"
            aria-expanded={entry.isDir ? isOpen : undefined}
            aria-selected={selected === entry.path}
            // Files dropped on a folder (or on anything inside it) upload into it.
            data-drop-folder={entry.isDir ? entry.path : undefined}
          >
            <button
              type="button"
              className={`ml-tree__item${selected === entry.path ? ' ml-tree__item--on' : ''}`}
              style={{ paddingLeft: 6 + depth * 16 }}
              data-testid="artifact-entry"
              data-path={entry.path}
              onClick={() => {
                if (!entry.isDir) return onSelect(entry.path);
                const next = new Set(open);
                if (isOpen) next.delete(entry.path);
                else next.add(entry.path);
                setOpen(next);
              }}
            >
              <span className="ml-tree__glyph" aria-hidden="true">{entry.isDir ? (isOpen ? '▾' : '▸') : '·'}</span>
              {entry.isDir ? `${displayName(entry.name)}/` : displayName(entry.name)}
              {!entry.isDir && entry.size !== null && <span className="muted"> {formatBytes(entry.size)}</span>}
            </button>
            {entry.isDir && isOpen && <Level workspaceId={workspaceId} runId={runId} path={entry.path} depth={depth + 1} selected={selected} onSelect={onSelect} />}
          </li>
        );
      })}
    </ul>
  );
}

export function ArtifactTree(props: Props) {
  return <Level {...props} path="" depth={0} />;
}
