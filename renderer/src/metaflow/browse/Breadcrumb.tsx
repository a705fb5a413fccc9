import { crumbs, type MetaflowLocation } from './location.js';
import { displayName } from '../../../../shared/display-name.js';

interface Props {
  location: MetaflowLocation;
  onNavigate: (location: MetaflowLocation) => void;
}

/** Flows › Flow › run › step › task; every crumb but the current one goes back up to it. */
export function Breadcrumb({ location, onNavigate }: Props) {
  const trail = crumbs(location);
  return (
    <nav className="breadcrumb" aria-label="Breadcrumb">
      <ol>
        {trail.map((crumb, i) => {
          const current = i === trail.length - 1;
          return (
            <li key={crumb.kind}>
              {current ? (
                <span className="breadcrumb__current" aria-current="page">
                  {displayName(crumb.label)}
                </span>
              ) : (
                <button type="button" className="breadcrumb__link" onClick={() => onNavigate(crumb.location)}>
                  {displayName(crumb.label)}
                </button>
              )}
              {crumb.kind !== 'datastore' && <span className="breadcrumb__kind">{crumb.kind}</span>}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
