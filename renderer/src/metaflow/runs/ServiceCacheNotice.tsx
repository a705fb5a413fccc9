import { formatTime } from '../../format.js';

// A service's runs shown from the local index: at once on reopen (refreshed behind), or, with the service down,
// as the last answer it gave, saying why it did not answer this time.

interface Props {
  /** When the service last answered this flow's list; null if never (rows from the datastore's index only). */
  cachedAt: number | null;
  unreachable?: string;
}

export function ServiceCacheNotice({ cachedAt, unreachable }: Props) {
  const refreshed = cachedAt === null ? 'never refreshed from the service' : `refreshed ${formatTime(cachedAt)}`;
  return (
    <div className="service-cache">
      <span className="badge badge--warning" data-testid="service-cached">
        cached · {refreshed}
        {unreachable === undefined ? ' · refreshing…' : ''}
      </span>
      {unreachable !== undefined && (
        <p className="note" role="status" data-testid="service-unreachable">
          service unreachable: {unreachable}
        </p>
      )}
    </div>
  );
}
