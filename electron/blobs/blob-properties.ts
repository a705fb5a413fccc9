import type { BlobProperties } from '../../shared/schemas/blob-details.js';
import type { AzureAccess } from '../azure/azure-access.js';
import { toAzureError } from '../azure/errors.js';

// What Storage Explorer's Properties pane shows for a blob.

const time = (date: Date | undefined) => date?.getTime() ?? null;

export async function blobProperties(azure: AzureAccess, container: string, name: string): Promise<BlobProperties> {
  try {
    const p = await azure.service.getContainerClient(container).getBlobClient(name).getProperties();
    return {
      name,
      size: p.contentLength ?? 0,
      contentType: p.contentType ?? null,
      contentEncoding: p.contentEncoding ?? null,
      contentMd5: p.contentMD5 ? Buffer.from(p.contentMD5).toString('base64') : null,
      etag: p.etag ?? null,
      blobType: p.blobType ?? null,
      accessTier: p.accessTier ?? null,
      accessTierInferred: p.accessTierInferred === true,
      archiveStatus: p.archiveStatus ?? null,
      leaseState: p.leaseState ?? null,
      metadata: p.metadata ?? {},
      createdOn: time(p.createdOn),
      lastModified: time(p.lastModified),
    };
  } catch (err) {
    throw toAzureError(err, { action: `reading the properties of "${name}"`, endpoint: azure.endpoint, container, auth: azure.auth });
  }
}
