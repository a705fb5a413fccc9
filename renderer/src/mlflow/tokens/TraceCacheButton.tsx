import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from '../../api/client.js';
import { formatCount } from '../../format.js';
import { statusQuery } from '../queries.js';

/** While a tracking server's or a file store's traces sync: how far it got, the spans still to read, and Cancel (the next summary resumes). */
function SyncProgress({ workspaceId }: { workspaceId: string }) {
  const cache = useQuery({
    queryKey: ['mlflow.tokens.cache.status', workspaceId],
    queryFn: () => call('mlflow.tokens.cache.status', { workspaceId }),
    refetchInterval: (q) => (q.state.data && (q.state.data.syncing || q.state.data.readingSpans) ? 1000 : 5000),
  });
  const cancel = useMutation({ mutationFn: () => call('mlflow.tokens.cache.cancel', { workspaceId }), onSettled: () => cache.refetch() });
  const s = cache.data;
  if (!s) return null;
  const busy = s.syncing || s.readingSpans;
  return (
    <span className="ml-trace-cache__progress" role="status" data-testid="trace-sync-progress">
      {s.syncing ? `Syncing traces: ${formatCount(s.listed)} fetched, ${formatCount(s.traces)} cached` : `${formatCount(s.traces)} traces cached`}
      {s.spansPending > 0 && ` · spans to read: ${formatCount(s.spansPending)}${s.readingSpans ? '' : ' (read on the next summary)'}`}
      {(s.unreadable ?? 0) > 0 && (
        <details className="ml-trace-cache__problems" data-testid="trace-sync-unreadable">
          <summary>{formatCount(s.unreadable ?? 0)} traces without readable spans (their stored totals count, on an unknown model)</summary>
          <ul>
            {(s.problems ?? []).map((p) => (
              <li key={p.traceId}>
                <code>{p.traceId}</code>: {p.problem}
              </li>
            ))}
          </ul>
        </details>
      )}
      {busy && (
        <button type="button" className="button button--small button--quiet" disabled={cancel.isPending} onClick={() => cancel.mutate()}>
          Cancel
        </button>
      )}
      {cancel.data?.cancelled && !busy && <span className="muted"> Cancelled: what was fetched is kept, the next summary resumes from there.</span>}
    </span>
  );
}

/** For a tracking server or a file store: the sync's progress, and forgetting the local trace cache so the next summary reads every trace again. */
export function TraceCacheButton({ workspaceId }: { workspaceId: string }) {
  const queryClient = useQueryClient();
  const status = useQuery(statusQuery(workspaceId));
  const clear = useMutation({
    mutationFn: () => call('mlflow.tokens.cache.clear', { workspaceId }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['mlflow.tokens.summary', workspaceId] }),
  });
  const kind = status.data?.source?.kind;
  if (kind !== 'rest' && kind !== 'file') return null;
  const origin = kind === 'rest' ? 'the server' : 'the file store';
  return (
    <span className="ml-trace-cache">
      <SyncProgress workspaceId={workspaceId} />
      <button
        type="button"
        className="button button--small button--quiet"
        disabled={clear.isPending}
        title={`Traces from ${origin} are kept in a local cache; only new ones are read.`}
        onClick={() => clear.mutate()}
      >
        {clear.isPending ? 'Clearing…' : 'Clear trace cache'}
      </button>
      {clear.data && <span className="muted" role="status">Forgot {formatCount(clear.data.traces)} cached traces; they are read again from {origin}.</span>}
      {clear.error && <span className="error" role="alert">{clear.error.message}</span>}
    </span>
  );
}
