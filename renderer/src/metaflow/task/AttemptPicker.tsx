import type { AttemptSummary } from '../../../../shared/contract.js';
import { formatDuration, formatTime, isoTime } from '../../format.js';
import { StatusBadge } from '../../ui/StatusBadge.js';

interface Props {
  attempts: AttemptSummary[];
  /** The attempt shown. */
  current: number;
  onPick: (attempt: number) => void;
  /** The task's heartbeat stopped (metadata service): its unfinished latest attempt is stale, not running. */
  stale?: boolean;
}

function took(a: AttemptSummary, shown: string): string {
  if (a.status === 'running') return shown;
  if (a.startedAt === null || a.finishedAt === null || a.finishedAt < a.startedAt) return '';
  return formatDuration(a.finishedAt - a.startedAt);
}

/** Every attempt of the task (retries), each with its status and times; picking one shows its artifacts and logs. */
export function AttemptPicker({ attempts, current, onPick, stale = false }: Props) {
  const last = attempts.at(-1);
  const shownStatus = (a: AttemptSummary) => (stale && a === last && a.status === 'running' ? 'stale' : a.status);
  return (
    <div className="attempts" role="radiogroup" aria-label="Attempts">
      {attempts.map((a) => (
        <button
          key={a.attempt}
          type="button"
          role="radio"
          aria-checked={a.attempt === current}
          className={`attempt${a.attempt === current ? ' attempt--on' : ''}`}
          onClick={() => onPick(a.attempt)}
          data-testid="attempt-option"
          data-attempt={a.attempt}
          data-status={shownStatus(a)}
        >
          <span className="attempt__name">attempt {a.attempt}</span>
          <StatusBadge status={shownStatus(a)} />
          <span
            className={`attempt__time muted${a.approximate ? ' approx' : ''}`}
            title={`${isoTime(a.startedAt) ?? '?'} → ${isoTime(a.finishedAt) ?? '?'}${a.approximate ? `\nApproximate: ${a.approximate}` : ''}`}
          >
            {a.approximate && '≈ '}
            {formatTime(a.startedAt)}
            {took(a, shownStatus(a)) && ` · ${took(a, shownStatus(a))}`}
          </span>
        </button>
      ))}
    </div>
  );
}
