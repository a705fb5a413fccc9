import './sysroot.css';
import { useQuery } from '@tanstack/react-query';
import type { ImportedWorkspace } from '../../../shared/contract.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { Loading } from '../ui/Loading.js';
import { ENVIRONMENT_VARIABLE } from './auth.js';
import { importQuery } from './queries.js';

/** "the environment", "Metaflow profile “prod”". */
export function sourceLabel(source: string): string {
  return source === 'environment' ? 'the environment' : `Metaflow profile “${source}”`;
}

/** Whether the service's auth key and headers are set: their values stay in main. */
function serviceAuth(candidate: ImportedWorkspace): string | undefined {
  const set = [candidate.serviceAuthKeySet ? 'auth key set' : undefined, candidate.serviceHeadersSet ? 'headers set' : undefined].filter(Boolean);
  return set.length > 0 ? set.join(', ') : undefined;
}

function Candidate({ candidate, onUse }: { candidate: ImportedWorkspace; onUse: () => void }) {
  const title = sourceLabel(candidate.source);
  const values: [string, string | undefined, string?][] = [
    ['Sysroot', candidate.sysroot, 'METAFLOW_DATASTORE_SYSROOT_AZURE'],
    ['Endpoint', candidate.endpoint, 'METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT'],
    ['Card root', candidate.cardRoot, 'METAFLOW_CARD_AZUREROOT'],
    ['MLflow tracking URI', candidate.mlflowTrackingUri],
    ['Metadata service', candidate.metadataServiceUrl],
    ['Service auth', serviceAuth(candidate)],
    ['Credential', candidate.environmentCredential && ENVIRONMENT_VARIABLE[candidate.environmentCredential]],
  ];
  const overridden = candidate.fromEnvironment ?? [];
  // A source that names neither a sysroot nor an endpoint has nothing to fill the form with.
  const usable = candidate.sysroot !== undefined || candidate.endpoint !== undefined;
  return (
    <li className="card" data-testid="import-candidate">
      <div className="card__head">
        <h3 className="card__title">{title.charAt(0).toUpperCase() + title.slice(1)}</h3>
        <button type="button" className="button" onClick={onUse} disabled={!usable}>
          Use
        </button>
      </div>
      <dl className="card__facts">
        {values.map(
          ([label, value, variable]) =>
            value !== undefined && (
              <div key={label}>
                <dt>{label}</dt>
                <dd className="mono">{value}</dd>
                {variable !== undefined && overridden.includes(variable) && (
                  <dd className="card__note" data-testid="import-from-environment">
                    from the environment: <code>{variable}</code> is set there, and it wins over the profile, as in Metaflow
                  </dd>
                )}
              </div>
            ),
        )}
      </dl>
      {candidate.problems.length > 0 && (
        <ul className="warnings" aria-label={`Problems with ${title}`}>
          {candidate.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
    </li>
  );
}

/** Workspaces the user already has in Metaflow's settings; "Use" starts a new workspace from one. */
export function ImportList({ onUse }: { onUse: (candidate: ImportedWorkspace) => void }) {
  const candidates = useQuery(importQuery);
  if (candidates.isPending) return <Loading label="Reading Metaflow settings…" />;
  if (candidates.isError) {
    return <ErrorPanel error={candidates.error} onRetry={() => void candidates.refetch()} retrying={candidates.isFetching} />;
  }
  if (candidates.data.candidates.length === 0) {
    return (
      <p className="empty">
        Nothing to import: no Metaflow Azure settings in the environment, and no Metaflow config profiles.
      </p>
    );
  }
  return (
    <ul className="cards">
      {candidates.data.candidates.map((candidate, index) => (
        // A profile may be named "environment" too, so the source alone is not a unique key.
        <Candidate key={`${index}:${candidate.source}`} candidate={candidate} onUse={() => onUse(candidate)} />
      ))}
    </ul>
  );
}
