import type { DeletePolicy } from '../../shared/schemas/blob-details.js';
import type { AzureAccess } from './azure-access.js';
import { toAzureError } from './errors.js';

// The account's soft-delete policy, which the blob browser's Delete and gc's plan and report state
// before (and after) anything goes.

/** The account's blob soft delete; "unknown" when the credential may not read it (a SAS, a data-only role) or the service does not say. */
export async function deletePolicy(azure: AzureAccess): Promise<DeletePolicy> {
  try {
    const policy = (await azure.service.getProperties()).deleteRetentionPolicy;
    if (policy === undefined) return { state: 'unknown', days: null, detail: 'The storage service did not report a delete retention policy.' };
    return policy.enabled ? { state: 'enabled', days: policy.days ?? null, detail: null } : { state: 'disabled', days: null, detail: null };
  } catch (err) {
    const failure = toAzureError(err, { action: "reading the account's delete retention policy", endpoint: azure.endpoint, auth: azure.auth });
    return { state: 'unknown', days: null, detail: failure.message };
  }
}
