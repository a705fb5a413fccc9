import type { BlobContainerLocation } from '../core/blob-location.js';
import type { ClientAuth } from './blob-client.js';

/** An Azure workspace's way to its account: the authenticated service client (one token cache behind it) and the sysroot's container. */
export interface AzureAccess extends BlobContainerLocation {
  auth: ClientAuth;
}
