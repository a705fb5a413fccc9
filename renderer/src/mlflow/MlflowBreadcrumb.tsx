import { useQuery } from '@tanstack/react-query';
import { EXPERIMENTS, type MlflowLocation } from './location.js';
import { displayName } from '../../../shared/display-name.js';
import { experimentsQuery, mlflowRunQuery } from './queries.js';
import { promptLabel } from './prompts/prompt-format.js';

interface Crumb {
  label: string;
  to: MlflowLocation | null;
}

/** Names for the ids a location holds, once the tracking store has answered (ids until then, or if it has none). */
interface Names {
  experiment?: string;
  run?: string;
}

function crumbs(location: MlflowLocation, names: Names): Crumb[] {
  const list: Crumb[] = [{ label: 'Experiments', to: EXPERIMENTS }];
  if (location.kind === 'experiments') return list;
  const { experimentId } = location;
  const tab = location.kind === 'experiment' ? location.tab : location.kind === 'trace' ? location.from : location.kind === 'prompt' ? 'prompts' : 'runs';
  list.push({ label: displayName(names.experiment ?? experimentId), to: { kind: 'experiment', experimentId, tab } });
  if (location.kind === 'run') list.push({ label: displayName(names.run || location.runId), to: null });
  if (location.kind === 'compare') list.push({ label: `Compare ${location.runIds.length} runs`, to: null });
  if (location.kind === 'trace') list.push({ label: location.traceId, to: null });
  if (location.kind === 'prompt') list.push({ label: promptLabel(location.promptKey), to: null });
  return list;
}

interface Props {
  workspaceId: string;
  location: MlflowLocation;
  onNavigate: (to: MlflowLocation) => void;
}

/** Where the MLflow section is, each level above the current one a link back. */
export function MlflowBreadcrumb({ workspaceId, location, onNavigate }: Props) {
  // Deleted experiments too: a link may name one.
  const experiments = useQuery({ ...experimentsQuery(workspaceId, 'all'), enabled: location.kind !== 'experiments' });
  const runId = location.kind === 'run' ? location.runId : '';
  const run = useQuery({ ...mlflowRunQuery(workspaceId, runId), enabled: runId !== '' });
  const experimentId = location.kind === 'experiments' ? undefined : location.experimentId;
  const names: Names = {
    experiment: experiments.data?.experiments.find((e) => e.experimentId === experimentId)?.name,
    run: run.data?.run.name,
  };
  const list = crumbs(location, names);
  return (
    <nav className="breadcrumb" aria-label="MLflow location">
      <ol>
        {list.map((c, i) => {
          const last = i === list.length - 1;
          return (
            <li key={i}>
              {last || c.to === null ? (
                <span className="breadcrumb__current" aria-current={last ? 'page' : undefined}>
                  {c.label}
                </span>
              ) : (
                <button type="button" className="breadcrumb__link" onClick={() => onNavigate(c.to as MlflowLocation)}>
                  {c.label}
                </button>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
