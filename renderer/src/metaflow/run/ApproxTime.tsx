import { formatDuration, formatTime, isoTime } from '../../format.js';

// A time or duration that may be approximate: Metaflow recorded none, so it came from a blob's Last-Modified, which
// a copy or restore resets. Shown with "≈" and the reason on hover, so a user never takes it for a fact.

interface Props {
  ms: number | null;
  approximate: string | null;
  kind?: 'time' | 'duration';
  testId?: string;
}

export function ApproxTime({ ms, approximate, kind = 'time', testId }: Props) {
  const text = kind === 'time' ? formatTime(ms) : formatDuration(ms);
  if (approximate === null || ms === null) {
    return (
      <span title={kind === 'time' ? isoTime(ms) : undefined} data-testid={testId}>
        {text}
      </span>
    );
  }
  return (
    <span className="approx" title={`Approximate: ${approximate}`} data-testid={testId} data-approximate="true">
      ≈ {text}
    </span>
  );
}
