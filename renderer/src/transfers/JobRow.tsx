import type { TransferJob } from '../../../shared/schemas/transfer.js';
import { formatBytes } from '../format.js';
import { formatEta, formatRate, jobTitle, percent, retriesTitle, retryNote, STATE_LABEL } from './transfer-format.js';

export type JobAction = 'pause' | 'resume' | 'cancel' | 'retry' | 'remove';

interface Props {
  job: TransferJob;
  onAction: (action: JobAction, jobId: string) => void;
}

function actionsFor(job: TransferJob): JobAction[] {
  switch (job.state) {
    case 'queued':
    case 'running':
      return ['pause', 'cancel'];
    case 'paused':
      return ['resume', 'cancel'];
    case 'failed':
      return ['retry', 'remove'];
    case 'cancelled':
      return ['retry', 'remove'];
    case 'conflict':
      return ['cancel'];
    case 'done':
      return ['remove'];
  }
}

const ACTION_LABEL: Record<JobAction, string> = { pause: 'Pause', resume: 'Resume', cancel: 'Cancel', retry: 'Retry', remove: 'Remove' };

/** One transfer: what, where, how far, how fast, and what can be done with it now. */
export function JobRow({ job, onAction }: Props) {
  const done = job.state === 'done';
  const pct = percent(job.bytesDone, job.bytes, done);
  const title = jobTitle(job);
  const skipped = done && job.resolution === 'skip';
  const retrying = retryNote(job);
  return (
    <div className={`transfer-job transfer-job--${job.state}`} data-testid="transfer-job" data-state={job.state} data-job-id={job.id}>
      <div className="transfer-job__line">
        <span className="transfer-job__kind" title={job.kind}>
          {job.kind === 'upload' ? '↑' : '↓'}
        </span>
        <span className="transfer-job__title mono" title={`${job.source} → ${job.target}`}>
          {title}
        </span>
        <span className={`transfer-state transfer-state--${job.state}`} data-testid="transfer-state">
          {skipped ? 'skipped' : STATE_LABEL[job.state]}
        </span>
        <span className="transfer-job__actions">
          {actionsFor(job).map((action) => (
            <button key={action} type="button" className="button button--quiet button--small" onClick={() => onAction(action, job.id)} aria-label={`${ACTION_LABEL[action]} ${title}`}>
              {ACTION_LABEL[action]}
            </button>
          ))}
        </span>
      </div>
      <div
        className="transfer-bar"
        role="progressbar"
        aria-label={`Progress of ${title}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
      >
        <span className="transfer-bar__fill" style={{ width: `${pct}%` }} />
      </div>
      <div className="transfer-job__stats muted">
        <span data-testid="transfer-bytes">
          {formatBytes(job.bytesDone)} of {formatBytes(job.bytes)}
        </span>
        {job.state === 'running' && <span>{formatRate(job.rate)}</span>}
        {job.state === 'running' && <span>{formatEta(job.etaSeconds)}</span>}
        {job.retries > 0 && <span title={retriesTitle(job)}>{job.retries} retried</span>}
        {job.resolution === 'keepBoth' && <span>kept both</span>}
        {job.resolution === 'overwrite' && done && <span>overwritten</span>}
      </div>
      {retrying && (
        <p className="transfer-job__note" data-testid="transfer-retry-reason">
          {retrying}
        </p>
      )}
      {job.restartReason && <p className="transfer-job__note">Started again from zero: {job.restartReason}</p>}
      {job.error && (
        <p className="transfer-job__error" role="alert">
          <span className="error-panel__code">{job.error.code}</span> {job.error.message}
        </p>
      )}
    </div>
  );
}
