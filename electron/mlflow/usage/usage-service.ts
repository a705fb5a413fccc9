import { StratusError } from '../../../shared/errors.js';
import type { MlflowUsage, MlflowUsageProgress } from '../../../shared/schemas/mlflow-usage.js';
import type { Env } from '../../azure/blob-client.js';
import type { WorkspaceRegistry } from '../../workspace/workspace-registry.js';
import { redactUri } from '../sources/rest-client.js';
import { buildUsage } from './build-usage.js';
import { gcWouldFree } from './gc-would-free.js';
import type { RunUsageCache } from './run-usage-cache.js';

// The usage of an open workspace's MLflow store, for the IPC handler and the CLI alike. Two calls
// for the same workspace at once share one build (a second window, a double click).

export class MlflowUsageService {
  private readonly building = new Map<string, Promise<MlflowUsage>>();

  constructor(
    private readonly workspaces: WorkspaceRegistry,
    private readonly cache: RunUsageCache,
    private readonly env: Env,
    private readonly onProgress: (progress: MlflowUsageProgress) => void,
  ) {}

  usage(workspaceId: string, rescan = false): Promise<MlflowUsage> {
    const running = this.building.get(workspaceId);
    if (running && !rescan) return running;
    const build = this.build(workspaceId, rescan).finally(() => {
      if (this.building.get(workspaceId) === build) this.building.delete(workspaceId);
    });
    this.building.set(workspaceId, build);
    return build;
  }

  private async build(workspaceId: string, rescan: boolean): Promise<MlflowUsage> {
    const source = await this.workspaces.mlflow(workspaceId);
    const trackingUri = this.workspaces.input(workspaceId)?.mlflowTrackingUri;
    if (trackingUri === undefined) throw new StratusError({ code: 'NOT_FOUND', message: 'This workspace has no MLflow tracking URI.' });
    // The cache names the store without any credentials a server URI carries.
    const sourceKey = redactUri(trackingUri);
    if (rescan) this.cache.forget(sourceKey);
    const roots = this.workspaces.artifactRoots(workspaceId);
    const azure = this.workspaces.get(workspaceId).azure?.service;
    return buildUsage({
      source,
      sourceKey,
      cache: this.cache,
      blobLocation: (uri) => roots.blobLocation(uri),
      gc: () => gcWouldFree(trackingUri, this.env, azure),
      onProgress: (p) => this.onProgress({ workspaceId, ...p }),
    });
  }
}
