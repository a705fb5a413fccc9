import { BlobContainers, BlobContainersRequest, BlobListing, BlobListRequest } from '../schemas/blobs.js';
import {
  BlobPreview,
  BlobProperties,
  BlobRequest,
  BlobSearchPage,
  BlobSearchRequest,
  DeleteBlobsRequest,
  DeleteBlobsResult,
  DeletePolicy,
  DeletePolicyRequest,
} from '../schemas/blob-details.js';
import { SetBlobTierRequest, SetBlobTierResult } from '../schemas/blob-tier.js';

/** Browsing the containers and blobs of an Azure workspace's storage account. */
export const blobsChannels = {
  'blobs.containers': { args: BlobContainersRequest, result: BlobContainers },
  /** One page of one level below a prefix: child prefixes and blobs, in name order. */
  'blobs.list': { args: BlobListRequest, result: BlobListing },
  /** A blob's properties and metadata, as Azure reports them. */
  'blobs.properties': { args: BlobRequest, result: BlobProperties },
  /** The start of a blob's content, shown as what it is (text, JSON, CSV, image, parquet, pickle). */
  'blobs.preview': { args: BlobRequest, result: BlobPreview },
  /** Whether deleted blobs can be undeleted in this account (its soft-delete policy). */
  'blobs.deletePolicy': { args: DeletePolicyRequest, result: DeletePolicy },
  'blobs.delete': { args: DeleteBlobsRequest, result: DeleteBlobsResult },
  /** Set Blob Tier on each selected blob, once the container's name is typed; failures reported per blob. */
  'blobs.setTier': { args: SetBlobTierRequest, result: SetBlobTierResult },
  /** Blobs at any depth below a prefix whose name contains the query, a page of the listing at a time. */
  'blobs.search': { args: BlobSearchRequest, result: BlobSearchPage },
} as const;

export const blobsEvents = {} as const;

export type BlobsChannel = keyof typeof blobsChannels;
