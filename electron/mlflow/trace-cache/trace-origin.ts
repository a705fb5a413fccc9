import type { MlflowSource } from '../source.js';
import { FileStoreSource } from '../sources/file-store.js';
import { RestSource } from '../sources/rest.js';
import type { TraceOrigin } from './trace-caches.js';

/** The trace cache's view of a workspace's MLflow store: a tracking server or a file store; null for sqlite (read directly). */
export function traceOrigin(source: MlflowSource, scope: string): TraceOrigin | null {
  if (source instanceof RestSource) return { scope, uri: source.info.uri, client: source.client };
  if (source instanceof FileStoreSource) return { scope, uri: source.info.uri, files: source };
  return null;
}
