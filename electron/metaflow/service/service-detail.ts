import { StratusError } from '../../../shared/errors.js';
import type { ServiceRuns } from './service-runs.js';

// Tag edits need the workspace's metadata service; a workspace without one is told how to name it.

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
