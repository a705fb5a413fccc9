import type { ArtifactEntry } from '../../../../shared/contract.js';
import { formatBytes, formatCount } from '../../format.js';
import { displayName } from '../../../../shared/display-name.js';
import type { TaskRef } from '../queries.js';
import { ArtifactTierCell } from '../task/ArtifactTierCell.js';

const SHORT_SHA = 12;

/** Metaflow's own bookkeeping artifacts start with "_". */
const isInternal = (artifact: ArtifactEntry) => artifact.name.startsWith('_');

/** The user's artifacts first, then Metaflow's; otherwise in the order listed. */
export function userFirst(entries: ArtifactEntry[]): ArtifactEntry[] {
  return [...entries.filter((a) => !isInternal(a)), ...entries.filter(isInternal)];
}

/** `<class 'pandas.core.frame.DataFrame'>` → `pandas.core.frame.DataFrame`. */
function typeName(type: string): string {
  return /^<(?:class|type) '(.+)'>$/.exec(type)?.[1] ?? type;
}

interface Props {
  entries: ArtifactEntry[];
  /** The artifact whose preview is shown. */
  selected?: string;
  /** Makes each name a button that selects the artifact. */
  onSelect?: (name: string) => void;
  /** The task attempt the artifacts belong to: adds a Tier column (each CAS blob's access tier). */
  task?: TaskRef;
}

/** A task's artifact index (its `<attempt>.data.json`): one row per artifact. */
export function ArtifactTable({ entries, selected, onSelect, task }: Props) {
  if (entries.length === 0) return <p className="empty">This task recorded no artifacts: values a step assigns to <code>self.&lt;name&gt;</code> are stored as artifacts.</p>;
  return (
    <table className="artifacts">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Type</th>
          <th scope="col" className="artifacts__size">
            Size
          </th>
          <th scope="col">SHA</th>
          {task && <th scope="col">Tier</th>}
        </tr>
      </thead>
      <tbody>
        {userFirst(entries).map((artifact) => {
          const classes = [isInternal(artifact) ? 'artifacts__internal' : '', artifact.name === selected ? 'artifacts__selected' : ''].join(' ').trim();
          return (
            <tr
              key={artifact.name}
              data-testid="artifact-row"
              className={classes || undefined}
              aria-selected={onSelect ? artifact.name === selected : undefined}
              onClick={onSelect ? () => onSelect(artifact.name) : undefined}
            >
              <th scope="row" className="artifacts__name" data-testid="artifact-name">
                {onSelect ? (
                  <button
                    type="button"
                    className="artifacts__open"
                    onClick={(e) => {
                      e.stopPropagation();
                      onSelect(artifact.name);
                    }}
                  >
                    {displayName(artifact.name)}
                  </button>
                ) : (
                  displayName(artifact.name)
                )}
              </th>
              <td className="artifacts__type" title={`${artifact.type ?? 'type not recorded'} · ${artifact.encoding}`}>
                {artifact.type ? typeName(artifact.type) : <span className="muted">unknown</span>}
              </td>
              <td className="artifacts__size">
                {artifact.size === null ? (
                  <span className="muted" title="Size not recorded">
                    —
                  </span>
                ) : (
                  <span title={`${formatCount(artifact.size)} bytes`}>{formatBytes(artifact.size)}</span>
                )}
              </td>
              <td className="artifacts__sha" title={artifact.sha}>
                {artifact.sha.slice(0, SHORT_SHA)}
              </td>
              {task && <ArtifactTierCell task={task} name={artifact.name} />}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
