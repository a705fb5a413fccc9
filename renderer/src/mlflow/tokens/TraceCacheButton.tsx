import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from '../../api/client.js';
import { formatCount } from '../../format.js';
import { statusQuery } from '../queries.js';

/** For a tracking server: forget the local trace cache, so the next summary reads every trace again. */
export function TraceCacheButton({ workspaceId }: { workspaceId: string }) {
  const queryClient = useQueryClient();
  const status = useQuery(statusQuery(workspaceId));
  const clear = useMutation({
    mutationFn: () => call('mlflow.tokens.cache.clear', { workspaceId }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['mlflow.tokens.summary', workspaceId] }),
  });
  if (status.data?.source?.kind !== 'rest') return null;
  return (
    <span className="ml-trace-cache">
      <button
        type="button"
        className="button button--small button--quiet"
        disabled={clear.isPending}
        title="Traces from the tracking server are kept in a local cache; only new ones are fetched."
        onClick={() => clear.mutate()}
      >
        {clear.isPending ? 'Clearing…' : 'Clear trace cache'}
      </button>
      {clear.data && <span className="muted" role="status">Forgot {formatCount(clear.data.traces)} cached traces; they are read again from the server.</span>}
      {clear.error && <span className="error" role="alert">{clear.error.message}</span>}
    </span>
  );
}
