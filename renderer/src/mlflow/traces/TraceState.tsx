import type { TraceState } from '../../../../shared/schemas/mlflow.js';

/** A trace's or span's state as a pill with its word. */
export function TraceStateBadge({ state, testId = 'trace-state' }: { state: TraceState | 'UNSET'; testId?: string }) {
  return (
    <span className={`ml-status ml-status--${state.toLowerCase()}`} data-testid={testId} data-state={state}>
      {state === 'STATE_UNSPECIFIED' ? 'unspecified' : state.toLowerCase().replace('_', ' ')}
    </span>
  );
}
