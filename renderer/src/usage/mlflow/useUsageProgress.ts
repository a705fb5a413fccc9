import { useEffect, useState } from 'react';
import type { MlflowUsageProgress } from '../../../../shared/schemas/mlflow-usage.js';
import { getApi } from '../../api/client.js';

/** The latest mlflow.usage.progress event of one workspace while its usage builds. */
export function useUsageProgress(workspaceId: string): MlflowUsageProgress | undefined {
  const [progress, setProgress] = useState<MlflowUsageProgress>();
  useEffect(
    () =>
      getApi().on('mlflow.usage.progress', (payload) => {
        if (payload.workspaceId === workspaceId) setProgress(payload);
      }),
    [workspaceId],
  );
  return progress?.workspaceId === workspaceId ? progress : undefined;
}

const PHASES: Record<MlflowUsageProgress['phase'], string> = {
  runs: 'Listing run artifacts',
  traces: 'Listing trace artifacts',
  gc: 'Planning what gc would free',
  done: 'Done',
};

/** "Listing run artifacts: 120 of 10,000". */
export function describeProgress(p: MlflowUsageProgress): string {
  return p.phase === 'gc' || p.phase === 'done' ? PHASES[p.phase] : `${PHASES[p.phase]}: ${p.done.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')}`;
}
