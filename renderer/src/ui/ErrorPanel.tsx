import { StratusError } from '../../../shared/errors.js';

interface Props {
  error: unknown;
  onRetry?: () => void;
  retrying?: boolean;
  /** Offered when the failure is the workspace's credential or permissions, which only an edit can fix. */
  onEditWorkspace?: () => void;
  /** For failures beside something that still works (a failed switch over a listing that is fine). */
  onDismiss?: () => void;
}

function isCredentialProblem(error: StratusError | undefined): boolean {
  return error?.code === 'AUTH_FAILED' || error?.code === 'FORBIDDEN';
}

/** A failure shown in place: what went wrong, what to try, and a way to try again. */
export function ErrorPanel({ error, onRetry, retrying = false, onEditWorkspace, onDismiss }: Props) {
  const known = error instanceof StratusError ? error : undefined;
  const message = known?.message ?? (error instanceof Error ? error.message : String(error));
  const canEdit = onEditWorkspace !== undefined && isCredentialProblem(known);
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
      {(onRetry || canEdit || onDismiss) && (
        <div className="error-panel__actions">
          {onRetry && (
            <button type="button" className="button" onClick={onRetry} disabled={retrying}>
              {retrying ? 'Retrying…' : 'Retry'}
            </button>
          )}
          {canEdit && (
            <button type="button" className="button" onClick={onEditWorkspace}>
              Edit workspace
            </button>
          )}
          {onDismiss && (
            <button type="button" className="button button--quiet" onClick={onDismiss}>
              Dismiss
            </button>
          )}
        </div>
      )}
    </div>
  );
}
