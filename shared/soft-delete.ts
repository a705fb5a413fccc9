import type { DeletePolicy } from './schemas/blob-details.js';

// What happens to deleted blobs, in the account's own terms: one sentence the blob browser's Delete,
// gc's plan and report (UI and CLI) all say alike.

export function softDeleteText(policy: DeletePolicy): string {
  if (policy.state === 'enabled') {
    const days = policy.days === null ? 'its retention period' : `${policy.days} ${policy.days === 1 ? 'day' : 'days'}`;
    return `Soft delete is on for this account: deleted blobs can be undeleted for ${days} (in the Azure portal or Storage Explorer).`;
  }
  // A disabled policy's detail names a store with no soft delete at all (a local folder).
  if (policy.state === 'disabled') return policy.detail ?? 'Soft delete is off for this account: deleted blobs cannot be recovered.';
  return `Whether deleted blobs can be recovered is unknown${policy.detail ? `: ${policy.detail.replace(/\.$/, '')}` : ''}. Assume they cannot.`;
}
