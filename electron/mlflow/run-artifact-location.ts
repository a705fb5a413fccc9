import type { BlobLocation } from '../core/blob-location.js';
import type { MlflowSource } from './source.js';

/** Where a run keeps its artifacts (uploads and downloads), as a container and the prefix of `folder` in it (the root when absent). */
export async function runArtifactLocation(source: MlflowSource, runId: string, folder: string | undefined): Promise<BlobLocation> {
  const target = await source.artifactBlobLocation(runId);
  return { ...target, prefix: folder === undefined ? target.prefix : `${target.prefix}${folder}/` };
}
