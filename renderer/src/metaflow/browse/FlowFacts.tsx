import { useQuery } from '@tanstack/react-query';
import { call } from '../../api/client.js';
import { formatTime, plural } from '../../format.js';
import { StatusBadge } from '../../ui/StatusBadge.js';
import { displayName } from '../../../../shared/display-name.js';
import { failureText } from '../run/failure-text.js';

/**
 * A flow's run count and newest run, on its line of the flows list. Each flow asks for its own after the list
 * shows (one listing, and the newest run from the index or read alone), so opening the list stays one listing.
 */
export function FlowFacts({ workspaceId, flow }: { workspaceId: string; flow: string }) {
  const summary = useQuery({
    queryKey: ['metaflow.flowSummary', workspaceId, flow],
    queryFn: () => call('metaflow.flowSummary', { workspaceId, flow }),
  });
  if (summary.isPending) return <span className="flow-facts muted" aria-busy="true" />;
  if (summary.isError) {
    return (
      <span className="flow-facts muted" title={summary.error.message}>
        runs not readable
      </span>
    );
  }
  const { runCount, latest } = summary.data;
  return (
    <span className="flow-facts" data-testid="flow-facts">
      <span className="flow-facts__count muted" data-testid="flow-run-count">
        {plural(runCount, 'run')}
      </span>
      {latest && (
        <span className="flow-facts__latest" title={latest.failure ? failureText(latest.failure) : `Newest run ${displayName(latest.id)}`}>
          <span className="muted">latest</span> <span className="mono" data-testid="flow-latest-run">{displayName(latest.id)}</span>
          <StatusBadge status={latest.status} testId="flow-latest-status" />
          <span className="muted">{formatTime(latest.startedAt)}</span>
        </span>
      )}
    </span>
  );
}
