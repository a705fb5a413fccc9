import { listCas } from '../../gc/metaflow/scan.js';
import { countingStore, listFlows, SCAN_CONCURRENCY } from '../../gc/metaflow/plan.js';
import { Limiter } from '../../core/limit.js';
import { CAS_FOLDER, METADATA_FOLDER, lastSegment } from '../../metaflow/layout.js';
import type { MetaflowIndex } from '../../index/metaflow-index.js';
import type { UsageRunRecord } from '../../index/usage-types.js';
import type { ObjectStore } from '../../storage/object-store.js';
import type { UsageBuildResult, UsageProgress } from '../../../shared/schemas/usage.js';
import { readRunUsage, type CardsRoot } from './run-usage.js';

// Builds a workspace's Metaflow usage into its local index, incrementally: flows, runs and each
// flow's CAS are listed every time (sizes, tiers and gc's deletions change), but a run is read only
// when the index does not hold it as finished; finished runs never change. The sums are left to
// the index worker when a level is read.

/** Scanned runs are written in batches: one worker message and transaction each. */
const BATCH = 200;
/** Progress is reported every this many runs (and at the end). */
const PROGRESS_EVERY = 50;

export interface UsageBuildOptions {
  store: ObjectStore;
  root: string;
  cards: CardsRoot;
  index: MetaflowIndex;
  onProgress?: (progress: Omit<UsageProgress, 'workspaceId'>) => void;
  concurrency?: number;
  now?: number;
}

async function listRuns(store: ObjectStore, root: string, flow: string): Promise<string[]> {
  const top = await store.listHierarchy(`${root}${flow}/`);
  return top.prefixes.map(lastSegment).filter((name) => name !== CAS_FOLDER && name !== METADATA_FOLDER);
}

export async function buildMetaflowUsage(options: UsageBuildOptions): Promise<UsageBuildResult> {
  const now = options.now ?? Date.now();
  const data = countingStore(options.store);
  const cardStore = countingStore(options.cards.store);
  const cards: CardsRoot = { store: cardStore.store, prefix: options.cards.prefix };
  const { index, root } = options;
  const limiter = new Limiter(options.concurrency ?? SCAN_CONCURRENCY);
  const report = options.onProgress ?? (() => undefined);

  report({ phase: 'listing', flows: 0, runsScanned: 0, runsToScan: 0 });
  const flows = await listFlows(data.store, root);
  for (const gone of (await index.usageFlowNames()).filter((f) => !flows.includes(f))) await index.forgetUsage(gone, null);

  const listed = await Promise.all(
    flows.map(async (flow) => {
      const [runs, scanned] = await Promise.all([limiter.run(() => listRuns(data.store, root, flow)), index.usageScanned(flow)]);
      const present = new Set(runs);
      const gone = scanned.filter((s) => !present.has(s.run)).map((s) => s.run);
      if (gone.length > 0) await index.forgetUsage(flow, gone);
      const done = new Set(scanned.filter((s) => s.finished).map((s) => s.run));
      return { flow, runs, toScan: runs.filter((r) => !done.has(r)) };
    }),
  );
  const total = listed.reduce((sum, f) => sum + f.toScan.length, 0);
  let scanned = 0;
  report({ phase: 'scanning', flows: flows.length, runsScanned: 0, runsToScan: total });

  await Promise.all(
    listed.map(async ({ flow, toScan }) => {
      const casListing = listCas(data.store, root, flow, limiter).then(({ blobs }) =>
        index.putUsageCas(
          flow,
          blobs.map((b) => ({ sha: b.sha, size: b.size, tier: b.tier ?? null })),
        ),
      );
      let batch: UsageRunRecord[] = [];
      const writes: Promise<void>[] = [];
      const flush = () => {
        if (batch.length === 0) return;
        writes.push(index.putUsageRuns(flow, batch, now));
        batch = [];
      };
      await Promise.all(
        toScan.map(async (run) => {
          // Read first, then push: `batch.push(await …)` would take the array before the await, a batch already flushed.
          const record = await readRunUsage(data.store, root, cards, flow, run, limiter, now);
          batch.push(record);
          if (batch.length >= BATCH) flush();
          scanned++;
          if (scanned % PROGRESS_EVERY === 0) report({ phase: 'scanning', flows: flows.length, runsScanned: scanned, runsToScan: total });
        }),
      );
      flush();
      await Promise.all([casListing, ...writes]);
    }),
  );
  report({ phase: 'done', flows: flows.length, runsScanned: scanned, runsToScan: total });
  return {
    flows: flows.length,
    runs: listed.reduce((sum, f) => sum + f.runs.length, 0),
    scanned,
    requests: data.requests() + cardStore.requests(),
    builtAt: now,
  };
}
