import type { RunDetail, RunSummary } from '../../../shared/contract.js';
import { StratusError } from '../../../shared/errors.js';
import type { ServiceRuns } from './service-runs.js';

// A run view with a metadata service: steps, tasks, attempts, DAG and parameters as the datastore holds them
// (where artifacts and logs are read), the run's user, tags, status and heartbeat as the service has them.

export function withServiceSummary(detail: RunDetail, summary: RunSummary): RunDetail {
  return { ...detail, summary };
}

/** The workspace's service, or why tags cannot be edited without one. */
export function serviceOf(workspaces: { get(id: string): { service?: { service: ServiceRuns } } }, id: string): ServiceRuns {
  const service = workspaces.get(id).service;
  if (!service) {
    throw new StratusError({
      code: 'INVALID_ARGUMENT',
      message: 'Tags are kept by a Metaflow metadata service, and this workspace names none.',
      hint: 'Edit the workspace and set its metadata service URL (METAFLOW_SERVICE_URL).',
    });
  }
  return service.service;
}
