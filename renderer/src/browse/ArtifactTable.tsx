import type { ArtifactEntry } from '../../../shared/contract.js';
import { formatBytes, formatCount } from '../format.js';

const SHORT_SHA = 12;

/** Metaflow's own bookkeeping artifacts start with "_". */
const isInternal = (artifact: ArtifactEntry) => artifact.name.startsWith('_');

/** The user's artifacts first, then Metaflow's; otherwise in the order listed. */
function userFirst(entries: ArtifactEntry[]): ArtifactEntry[] {
  return [...entries.filter((a) => !isInternal(a)), ...entries.filter(isInternal)];
}

/** A task's artifact index (its `<attempt>.data.json`): one row per artifact. */
export function ArtifactTable({ entries }: { entries: ArtifactEntry[] }) {
  if (entries.length === 0) return <p className="empty">This task recorded no artifacts.</p>;
  return (
    <table className="artifacts">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Type</th>
          <th scope="col" className="artifacts__size">Size</th>
          <th scope="col">SHA</th>
          <th scope="col">Encoding</th>
        </tr>
      </thead>
      <tbody>
        {userFirst(entries).map((artifact) => (
          <tr key={artifact.name} data-testid="artifact-row" className={isInternal(artifact) ? 'artifacts__internal' : undefined}>
            <th scope="row" className="artifacts__name" data-testid="artifact-name">
              {artifact.name}
            </th>
            <td className="artifacts__type">{artifact.type ?? <span className="muted">unknown</span>}</td>
            <td className="artifacts__size">
              {artifact.size === null ? (
                <span className="muted" title="Size not recorded">—</span>
              ) : (
                <span title={`${formatCount(artifact.size)} bytes`}>{formatBytes(artifact.size)}</span>
              )}
            </td>
            <td className="artifacts__sha" title={artifact.sha}>
              {artifact.sha.slice(0, SHORT_SHA)}
            </td>
            <td>{artifact.encoding}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
