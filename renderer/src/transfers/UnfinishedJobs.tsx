import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { WorkspaceInfo } from '../../../shared/contract.js';
import type { UnfinishedJob } from '../../../shared/schemas/transfer.js';
import { call } from '../api/client.js';
import { formatBytes, plural } from '../format.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';

/** Read once: the journal's leftovers change only through this panel's own Resume and Discard. */
export const unfinishedQuery = queryOptions({ queryKey: ['transfer.unfinished'], queryFn: () => call('transfer.unfinished', {}), staleTime: Infinity });

interface Props {
  workspace: WorkspaceInfo;
}

function whatHappens(job: UnfinishedJob): string {
  if (job.restartReason) return `Restarts from zero: ${job.restartReason}`;
  return job.bytesStaged > 0 ? `Continues from ${formatBytes(job.bytesStaged)} of ${formatBytes(job.bytes)}.` : `Starts (${formatBytes(job.bytes)}).`;
}

/**
 * Transfers an earlier session left unfinished (a crash, a quit). They resume through a workspace on
 * the same storage account, since credentials are never kept in the journal.
 */
export function UnfinishedJobs({ workspace }: Props) {
  const queryClient = useQueryClient();
  const unfinished = useQuery(unfinishedQuery);
  const settle = useMutation({
    mutationFn: async ({ action, jobIds }: { action: 'resume' | 'discard'; jobIds: string[] }) => {
      if (action === 'resume') await call('transfer.resumeUnfinished', { workspaceId: workspace.id, jobIds });
      else await call('transfer.discardUnfinished', { jobIds });
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: unfinishedQuery.queryKey }),
  });
  const jobs = unfinished.data?.jobs ?? [];
  if (jobs.length === 0 && !settle.isError) return null;
  const here = jobs.filter((j) => j.endpoint === workspace.endpoint);
  const elsewhere = jobs.length - here.length;

  return (
    <div className="transfer-unfinished" data-testid="unfinished-transfers">
      <p>
        <strong>{plural(jobs.length, 'transfer')} did not finish last time.</strong>{' '}
        {elsewhere > 0 && <span className="muted">{elsewhere} belong to another storage account: open a workspace on it to resume them.</span>}
      </p>
      <ul className="transfer-unfinished__list">
        {jobs.slice(0, 50).map((job) => (
          <li key={job.id}>
            <span className="mono">{job.kind === 'upload' ? `${job.localPath} → ${job.container}/${job.blobName}` : `${job.container}/${job.blobName} → ${job.localPath}`}</span>
            <span className={job.restartReason ? 'transfer-unfinished__restart' : 'muted'}> {whatHappens(job)}</span>
          </li>
        ))}
      </ul>
      {jobs.length > 50 && <p className="muted">…and {jobs.length - 50} more.</p>}
      {settle.isError && <ErrorPanel error={settle.error} onDismiss={() => settle.reset()} />}
      <div className="transfer-unfinished__actions">
        <button
          type="button"
          className="button"
          disabled={here.length === 0 || settle.isPending}
          onClick={() => settle.mutate({ action: 'resume', jobIds: here.map((j) => j.id) })}
        >
          Resume {here.length === jobs.length ? 'all' : plural(here.length, 'transfer')}
        </button>
        <button type="button" className="button button--quiet" disabled={settle.isPending} onClick={() => settle.mutate({ action: 'discard', jobIds: jobs.map((j) => j.id) })}>
          Discard all
        </button>
      </div>
    </div>
  );
}
