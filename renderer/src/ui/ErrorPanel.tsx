import { StratusError } from '../../../shared/errors.js';

interface Props {
  error: unknown;
  onRetry?: () => void;
  retrying?: boolean;
}

/** A failure shown in place: what went wrong, what to try, and a way to try again. */
export function ErrorPanel({ error, onRetry, retrying = false }: Props) {
  const known = error instanceof StratusError ? error : undefined;
  const message = known?.message ?? (error instanceof Error ? error.message : String(error));
  return (
    <div className="error-panel" role="alert" data-testid="error">
      <div className="error-panel__title">
        {known && <span className="error-panel__code">{known.code}</span>}
        <span data-testid="error-message">{message}</span>
      </div>
      {known?.hint && <p className="error-panel__hint" data-testid="error-hint">{known.hint}</p>}
      {known?.detail && (
        <details className="error-panel__detail">
          <summary>Details</summary>
          <pre>{known.detail}</pre>
        </details>
      )}
      {onRetry && (
        <button type="button" className="button" onClick={onRetry} disabled={retrying}>
          {retrying ? 'Retrying…' : 'Retry'}
        </button>
      )}
    </div>
  );
}
