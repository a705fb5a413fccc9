// The object-store view the Metaflow and MLflow readers need. Azure Blob Storage implements it
// now; a local datastore folder implements the same interface, so readers never know which.

export interface ListedObject {
  name: string;
  size: number;
  lastModified?: Date;
  etag?: string;
}

export interface HierarchyListing {
  /** Child "folders", each ending in '/'. */
  prefixes: string[];
  objects: ListedObject[];
}

export interface ObjectStore {
  /** One level below `prefix` (which is '' or ends in '/'), every page. */
  listHierarchy(prefix: string): Promise<HierarchyListing>;
  /** Every object whose name starts with `prefix`, at any depth (a flat listing). Never used on a flow's `data/`. */
  listAll(prefix: string): Promise<ListedObject[]>;
  read(name: string): Promise<Buffer>;
  /** A short description for messages, e.g. 'container "x" at https://…'. */
  readonly description: string;
}
