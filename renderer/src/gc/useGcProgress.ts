import { useEffect, useState } from 'react';
import type { GcProgress } from '../../../shared/schemas/gc.js';
import { getApi } from '../api/client.js';

/** The latest gc.progress event of one plan while it executes. */
export function useGcProgress(planId: string | undefined): GcProgress | undefined {
  const [progress, setProgress] = useState<GcProgress>();
  useEffect(() => {
    if (planId === undefined) return undefined;
    return getApi().on('gc.progress', (payload) => {
      if (payload.planId === planId) setProgress(payload);
    });
  }, [planId]);
  return progress?.planId === planId ? progress : undefined;
}
