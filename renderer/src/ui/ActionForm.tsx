import type { ReactNode } from 'react';

interface Props {
  label: string;
  className: string;
  testId?: string;
  submitLabel: ReactNode;
  submitDisabled: boolean;
  submitTestId?: string;
  /** A destructive action's button is drawn as one. */
  danger?: boolean;
  onSubmit: () => void;
  onCancel: () => void;
  children: ReactNode;
}

/** A small form that does one thing: its fields, then the action's button and Cancel (Enter submits). */
export function ActionForm({ label, className, testId, submitLabel, submitDisabled, submitTestId, danger = false, onSubmit, onCancel, children }: Props) {
  return (
    <form
      className={className}
      aria-label={label}
      data-testid={testId}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
      <div className="blobs-download__actions">
        <button type="submit" className={`button ${danger ? 'button--danger' : 'button--primary'}`} disabled={submitDisabled} data-testid={submitTestId}>
          {submitLabel}
        </button>
        <button type="button" className="button button--quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
