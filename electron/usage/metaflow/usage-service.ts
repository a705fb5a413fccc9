import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StratusError } from '../../../shared/errors.js';
import type { UsageSetRunTierArgs, UsageSetRunTierResult } from '../../../shared/schemas/usage-tier.js';
import { MAX_USAGE_ROWS, type UsageArgs, type UsageBuildResult, type UsageGcFree, type UsageProgress, type UsageTable } from '../../../shared/schemas/usage.js';
import { DEFAULT_GRACE_HOURS } from '../../gc/grace.js';
import { planMetaflow } from '../../gc/metaflow/plan.js';
import { MetaflowIndex } from '../../index/metaflow-index.js';
import type { OpenWorkspace } from '../../workspace/workspace-registry.js';
import { buildMetaflowUsage } from './build-usage.js';
import { setRunTier } from './run-tier.js';

// Usage of the open workspaces' Metaflow datastores, for every front end (IPC, CLI). The sums live
// in the workspace's local index; where the app keeps none (the CLI, most tests) a temporary index
// serves the session and is deleted when it closes. One build per workspace runs at a time: asking
// again while it runs joins it.

interface Temporary {
  index: Promise<MetaflowIndex>;
  folder: Promise<string>;
}

export class UsageService {
  private readonly builds = new Map<string, Promise<UsageBuildResult>>();
  private readonly temporary = new Map<string, Temporary>();

  constructor(
    private readonly workspaceFor: (workspaceId: string) => OpenWorkspace,
    private readonly emit: (progress: UsageProgress) => void = () => undefined,
  ) {}

  build(workspaceId: string, options: { now?: number } = {}): Promise<UsageBuildResult> {
    let running = this.builds.get(workspaceId);
    if (!running) {
      running = this.runBuild(workspaceId, options.now).finally(() => this.builds.delete(workspaceId));
      this.builds.set(workspaceId, running);
    }
    return running;
  }

  async table(args: UsageArgs): Promise<UsageTable> {
    const index = await this.indexFor(args.workspaceId);
    const query = { sort: args.sort, limit: MAX_USAGE_ROWS };
    const [page, builtAt] = await Promise.all([
      args.flow === undefined ? index.usageFlows(query) : args.run === undefined ? index.usageRuns(args.flow, query) : index.usageSteps(args.flow, args.run, query),
      index.usageBuiltAt(),
    ]);
    return { level: args.flow === undefined ? 'flows' : args.run === undefined ? 'runs' : 'steps', rows: page.rows, total: page.total, builtAt };
  }

  /** gc's planner, not executed and not journalled: what a plan made now would delete, per flow. */
  async gcFree(workspaceId: string, options: { now?: number; graceHours?: number } = {}): Promise<UsageGcFree> {
    const { datastore } = this.workspaceFor(workspaceId);
    const graceHours = options.graceHours ?? DEFAULT_GRACE_HOURS;
    const plan = await planMetaflow(datastore.store, datastore.root, { graceHours, now: options.now });
    return {
      graceHours,
      flows: plan.flows.map((f) => ({ flow: f.flow, candidates: f.candidates, candidateBytes: f.candidateBytes, recentBytes: f.recentBytes, blocked: f.blocked })),
    };
  }

  /** Moves a finished run's unique CAS blobs to a tier; runs written since the last build are read first, so a blob they share stays. */
  async setRunTier(args: UsageSetRunTierArgs, options: { now?: number } = {}): Promise<UsageSetRunTierResult> {
    const ws = this.workspaceFor(args.workspaceId);
    const index = await this.indexFor(args.workspaceId);
    if ((await index.usageBuiltAt()) !== null) await this.build(args.workspaceId, options);
    return setRunTier(ws, index, args);
  }

  /** Ends the temporary indexes and deletes their files. */
  async close(): Promise<void> {
    const all = [...this.temporary.values()];
    this.temporary.clear();
    await Promise.all(
      all.map(async (t) => {
        await (await t.index.catch(() => undefined))?.close();
        await rm(await t.folder, { recursive: true, force: true });
      }),
    );
  }

  private async runBuild(workspaceId: string, now: number | undefined): Promise<UsageBuildResult> {
    const ws = this.workspaceFor(workspaceId);
    const index = await this.indexFor(workspaceId);
    return buildMetaflowUsage({
      store: ws.datastore.store,
      root: ws.datastore.root,
      cards: ws.cards,
      index,
      now,
      onProgress: (p) => this.emit({ ...p, workspaceId }),
    });
  }

  private async indexFor(workspaceId: string): Promise<MetaflowIndex> {
    const ws = this.workspaceFor(workspaceId);
    const own = await ws.index;
    if (own) return own;
    let temporary = this.temporary.get(workspaceId);
    if (!temporary) {
      const folder = mkdtemp(path.join(tmpdir(), 'stratus-usage-'));
      temporary = { folder, index: folder.then((dir) => MetaflowIndex.open(path.join(dir, 'usage.db'))) };
      this.temporary.set(workspaceId, temporary);
    }
    try {
      return await temporary.index;
    } catch (err) {
      throw new StratusError({ code: 'INTERNAL', message: `Could not open an index to sum the usage in: ${(err as Error).message}` });
    }
  }
}
