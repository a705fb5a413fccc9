import { displayName } from '../../../shared/display-name.js';

interface Props {
  container: string;
  prefix: string;
  onNavigate: (prefix: string) => void;
}

/** container › a › b: each crumb but the last opens that level. */
export function PrefixBreadcrumb({ container, prefix, onNavigate }: Props) {
  const segments = prefix === '' ? [] : prefix.slice(0, -1).split('/');
  const trail = [
    { label: container, prefix: '' },
    ...segments.map((segment, i) => ({ label: segment, prefix: `${segments.slice(0, i + 1).join('/')}/` })),
  ];
  return (
    <nav className="breadcrumb" aria-label="Breadcrumb">
      <ol>
        {trail.map((crumb, i) =>
          i === trail.length - 1 ? (
            <li key={crumb.prefix}>
              <span className="breadcrumb__current" aria-current="page">
                {displayName(crumb.label)}
              </span>
            </li>
          ) : (
            <li key={crumb.prefix}>
              <button type="button" className="breadcrumb__link" onClick={() => onNavigate(crumb.prefix)}>
                {displayName(crumb.label)}
              </button>
            </li>
          ),
        )}
      </ol>
    </nav>
  );
}
