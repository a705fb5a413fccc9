import type { AccessTier, BlobTier, RehydratePriority } from '../../shared/access-tier.js';

// The object-store view the Metaflow and MLflow readers need. Azure Blob Storage implements it
// now; a local datastore folder implements the same interface, so readers never know which.

export interface ListedObject {
  name: string;
  size: number;
  lastModified?: Date;
  etag?: string;
  /** The access tier the listing reported (Azure: Hot, Cool, Cold, Archive); absent for a local folder. */
  tier?: string;
}

export interface HierarchyListing {
  /** Child "folders", each ending in '/'. */
  prefixes: string[];
  objects: ListedObject[];
}

/** Part of an object, and how large the whole object is. */
export interface ObjectRange {
  /** The bytes from the offset on: `length` of them, or fewer where the object ends. */
  data: Buffer;
  size: number;
}

export interface ObjectStore {
  /**
   * One level below `prefix` (which is '' or ends in '/'), every page; with `limit`, only the first `limit` entries
   * (folders and objects together, in name order), in one request, for probes that must stay cheap.
   */
  listHierarchy(prefix: string, limit?: number): Promise<HierarchyListing>;
  /** Every object whose name starts with `prefix`, at any depth (a flat listing). Never used on a flow's `data/`. */
  listAll(prefix: string): Promise<ListedObject[]>;
  read(name: string): Promise<Buffer>;
  /** At most `length` bytes from `offset`, so a large object is read only as far as it is needed. */
  readRange(name: string, offset: number, length: number): Promise<ObjectRange>;
  /** The object's access tier; absent where the store has none (a local folder). */
  tier?(name: string): Promise<BlobTier>;
  /** Set Blob Tier: out of Archive this starts a rehydration at `priority`. */
  setTier?(name: string, tier: AccessTier, priority: RehydratePriority): Promise<void>;
  /** A short description for messages, e.g. 'container "x" at https://…'. */
  readonly description: string;
}
