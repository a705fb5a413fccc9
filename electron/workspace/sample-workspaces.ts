import type { SavedWorkspace } from '../../shared/contract.js';
import { ensureSampleWorkspace } from '../sample/sample-workspace.js';
import type { WorkspaceStore } from './workspace-store.js';

// "Open the sample workspace": the generated sample (electron/sample/) saved as a local workspace once; opening it
// again returns that same saved workspace. Calls that overlap (a double click) share one generation.

export const SAMPLE_WORKSPACE_NAME = 'Sample workspace';

export class SampleWorkspaces {
  private pending: Promise<SavedWorkspace> | undefined;

  constructor(
    private readonly userDataDir: string,
    private readonly saved: WorkspaceStore,
  ) {}

  open(): Promise<SavedWorkspace> {
    this.pending ??= this.openNow().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async openNow(): Promise<SavedWorkspace> {
    const sample = await ensureSampleWorkspace(this.userDataDir);
    const existing = (await this.saved.list()).find((w) => w.config.kind === 'local' && w.config.path === sample.metaflowFolder);
    if (existing !== undefined) return existing;
    return this.saved.save({
      config: { kind: 'local', name: SAMPLE_WORKSPACE_NAME, path: sample.metaflowFolder, mlflowTrackingUri: sample.mlflowTrackingUri },
    });
  }
}
