import { inject } from 'vitest';
import { contract } from '../../shared/contract.js';
import type { Services } from '../../electron/services.js';

/** Opens a workspace on the test Azurite (the global setup's) with this MLflow tracking URI; resolves with its id. */
export async function openMlflowWorkspace(services: Services, mlflowTrackingUri: string): Promise<string> {
  const opened = await services.router.dispatch('workspace.open', {
    sysroot: inject('sysroot'),
    endpoint: inject('endpoint'),
    credential: { kind: 'connectionString', connectionString: inject('connectionString') },
    mlflowTrackingUri,
  });
  if (!opened.ok) throw new Error(opened.error.message);
  return contract['workspace.open'].result.parse(opened.value).id;
}
