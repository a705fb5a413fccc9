import type { MlflowRun } from '../../../../shared/schemas/mlflow.js';

/** An MLflow run status as a pill; the word is always shown, colour only adds to it. */
export function RunStatus({ status }: { status: MlflowRun['status'] }) {
  return (
    <span className={`ml-status ml-status--${status.toLowerCase()}`} data-testid="mlflow-run-status" data-status={status}>
      {status.toLowerCase()}
    </span>
  );
}
