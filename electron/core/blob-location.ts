import type { BlobServiceClient } from '@azure/storage-blob';

// Where blobs are, for every domain that reads or writes them: a container of a storage account,
// reached through a service client, and optionally a folder in it.

export interface BlobContainerLocation {
  service: BlobServiceClient;
  /** The account's blob endpoint, as journals and messages name it. */
  endpoint: string;
  container: string;
}

export interface BlobLocation extends BlobContainerLocation {
  /** '' or ending in '/'. */
  prefix: string;
}
