import { EXPERIMENTS, type MlflowLocation } from './location.js';
import { displayName } from '../../../shared/display-name.js';

interface Crumb {
  label: string;
  to: MlflowLocation | null;
}

function crumbs(location: MlflowLocation): Crumb[] {
  const list: Crumb[] = [{ label: 'Experiments', to: EXPERIMENTS }];
  if (location.kind === 'experiments') return list;
  const { experiment } = location;
  const tab = location.kind === 'experiment' ? location.tab : location.kind === 'trace' ? location.from : 'runs';
  list.push({ label: displayName(experiment.name), to: { kind: 'experiment', experiment, tab } });
  if (location.kind === 'run') list.push({ label: displayName(location.runName || location.runId), to: null });
  if (location.kind === 'compare') list.push({ label: `Compare ${location.runIds.length} runs`, to: null });
  if (location.kind === 'trace') list.push({ label: location.traceId, to: null });
  return list;
}

/** Where the MLflow section is, each level above the current one a link back. */
export function MlflowBreadcrumb({ location, onNavigate }: { location: MlflowLocation; onNavigate: (to: MlflowLocation) => void }) {
  const list = crumbs(location);
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
