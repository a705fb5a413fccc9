import { z } from 'zod';
import { Id } from './common.js';
import { ArtifactPath, MlflowRunId } from './mlflow.js';
import { BlobPrefix, ContainerName, RelativeName } from './transfer.js';

// Browser mode's upload route: a tab has no file paths, so it PUTs each dropped file's bytes to the
// host under the launch prefix, naming where the file goes in the query.

/** The route's path under the launch prefix. */
export const UPLOAD_PATH = '/upload';

/** Into a container under a prefix (the blob browser), or into an MLflow run's artifacts under a folder. */
export const UploadQuery = z.union([
  z.object({ workspaceId: Id, container: ContainerName, prefix: BlobPrefix, name: RelativeName, token: z.string().optional() }).strict(),
  z.object({ workspaceId: Id, runId: MlflowRunId, path: ArtifactPath.optional(), name: RelativeName, token: z.string().optional() }).strict(),
]);
export type UploadQuery = z.infer<typeof UploadQuery>;
