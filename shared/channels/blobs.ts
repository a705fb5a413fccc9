import { BlobContainers, BlobContainersRequest, BlobListing, BlobListRequest } from '../schemas/blobs.js';

/** Browsing the containers and blobs of an Azure workspace's storage account. */
export const blobsChannels = {
  'blobs.containers': { args: BlobContainersRequest, result: BlobContainers },
  /** One page of one level below a prefix: child prefixes and blobs, in name order. */
  'blobs.list': { args: BlobListRequest, result: BlobListing },
} as const;

export const blobsEvents = {} as const;

export type BlobsChannel = keyof typeof blobsChannels;
