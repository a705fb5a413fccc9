import type { ContainerClient } from '@azure/storage-blob';
import type { DeleteOutcome, DeleteRequest, ObjectDeleter } from './object-deleter.js';

// Deletes blobs with Blob Batch (up to 256 sub-requests in one call; kept small because Azurite
// handles batches slowly), each sub-request conditional on the etag the plan saw (If-Match):
// 412 → changed since the plan, 404 → already gone (a rerun after a crash).

export class AzureObjectDeleter implements ObjectDeleter {
  constructor(
    private readonly container: ContainerClient,
    readonly batchSize = 32,
  ) {}

  async deleteMany(requests: readonly DeleteRequest[]): Promise<DeleteOutcome[]> {
    if (requests.length === 0) return [];
    const batchClient = this.container.getBlobBatchClient();
    const batch = batchClient.createBatch();
    const urls = new Map<string, number>();
    for (const [index, { name, etag }] of requests.entries()) {
      const blob = this.container.getBlobClient(name);
      urls.set(blob.url, index);
      await batch.deleteBlob(blob, { conditions: { ifMatch: etag } });
    }
    let response;
    try {
      response = await batchClient.submitBatch(batch);
    } catch (err) {
      const message = (err as Error).message;
      return requests.map(() => ({ status: 'failed', message }));
    }
    const outcomes: DeleteOutcome[] = requests.map(() => ({ status: 'failed', message: 'The batch response had no answer for this blob.' }));
    for (const sub of response.subResponses) {
      const index = urls.get(sub._request.url);
      if (index === undefined) continue;
      outcomes[index] = outcomeOf(sub.status, sub.errorCode ?? sub.statusMessage);
    }
    // A conditional delete of a blob that no longer exists may answer 412 rather than 404 (Azurite
    // does): only a blob that is still there was changed; an absent one is already done.
    await Promise.all(
      outcomes.map(async (outcome, i) => {
        if (outcome.status !== 'changed') return;
        const exists = await this.container.getBlobClient(requests[i].name).exists().catch(() => true);
        if (!exists) outcomes[i] = { status: 'gone' };
      }),
    );
    return outcomes;
  }
}

function outcomeOf(status: number, reason: string): DeleteOutcome {
  if (status >= 200 && status < 300) return { status: 'deleted' };
  if (status === 404) return { status: 'gone' };
  if (status === 412) return { status: 'changed' };
  return { status: 'failed', message: `HTTP ${status} ${reason}` };
}
