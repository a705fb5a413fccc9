import type { BlobServiceClient } from '@azure/storage-blob';
import type { Env } from '../../azure/blob-client.js';
import { RestSource } from '../../mlflow/sources/rest.js';
import { executeDeletions, type DeletionProgress } from '../execute-deletions.js';
import { SETTLED, type GcJournal, type JournalEntry } from '../journal.js';
import { resolveArtifactUri } from './artifact-location.js';
import { hardDelete, openMlflowDb, stillDeleted, traceIds, type HardDeleted } from './database.js';
import type { MlflowPlanData } from './plan.js';

// Executing an MLflow plan: artifacts first (journalled, etag-checked), then in one transaction
// the rows of every run whose artifacts are all gone, then the deleted experiments left empty.
// A run restored since the plan keeps everything; a run with an artifact that could not be
// deleted keeps its rows, so a later run can finish it.

export interface MlflowExecuteResult {
  metadata: HardDeleted;
  /** Planned runs still in the database after this execution (their artifacts are not all gone). */
  kept: number;
}

export async function executeMlflowPlan(
  journal: GcJournal,
  planId: string,
  data: MlflowPlanData,
  azure: BlobServiceClient | undefined,
  env: Env,
  onProgress: (progress: DeletionProgress) => void,
): Promise<MlflowExecuteResult> {
  const db = data.tracking.kind === 'sqlite' ? openMlflowDb(data.tracking.dbPath, false) : undefined;
  try {
    const entries = journal.entries(planId);
    const deleted = db ? stillDeleted(db, data.runs.map((r) => r.runId)) : await stillDeletedOnServer(data, env);
    const traces = db ? traceIds(db) : new Set<string>();
    const removedExperiments = new Set(data.experiments.map((e) => e.name));
    const restored = data.runs.filter((r) => !deleted.has(r.runId) && r.artifactUri);
    const spared: { name: string; state: 'reachable'; detail: string }[] = [];
    for (const entry of entries) {
      if (SETTLED.includes(entry.state)) continue;
      if (restored.some((r) => entry.name.startsWith(`${r.artifactUri?.replace(/\/+$/, '')}/`))) {
        spared.push({ name: entry.name, state: 'reachable', detail: 'its run was restored since the plan: kept' });
      } else if (/\/traces\/[^/]+\//.test(entry.name) && !removedExperiments.has(entry.group)) {
        const traceId = /\/traces\/([^/]+)\//.exec(entry.name)?.[1] ?? '';
        if (traces.has(traceId)) spared.push({ name: entry.name, state: 'reachable', detail: 'its trace row exists again: kept' });
      }
    }
    journal.markOutcomes(planId, spared, Date.now());
    const pending = journal.entries(planId).filter((e) => !SETTLED.includes(e.state));
    const total = pending.length;
    let done = 0;
    let deletedBytes = 0;
    // Longest root first, so a run's artifacts never match an enclosing location.
    const roots = [...data.locations].sort((a, b) => b.length - a.length);
    const byRoot = new Map<string, JournalEntry[]>();
    for (const entry of pending) {
      const root = roots.find((r) => entry.name.startsWith(`${r}/`));
      if (root === undefined) continue;
      const group = byRoot.get(root);
      if (group) group.push(entry);
      else byRoot.set(root, [entry]);
    }
    for (const [root, group] of byRoot) {
      const location = resolveArtifactUri(root, azure);
      let batchDone = 0;
      let batchBytes = 0;
      const progress = (p: DeletionProgress) => {
        batchDone = p.done;
        batchBytes = p.deletedBytes;
        onProgress({ done: done + batchDone, total, deletedBytes: deletedBytes + batchBytes });
      };
      await executeDeletions(journal, planId, group, location.deleter, progress, (name) => name.slice(root.length + 1));
      done += batchDone;
      deletedBytes += batchBytes;
    }
    const after = journal.entries(planId);
    const open = after.filter((e) => e.state !== 'deleted' && e.state !== 'gone');
    const finished = (root: string) => !open.some((e) => e.name.startsWith(`${root}/`));
    const runs = data.runs.filter((r) => deleted.has(r.runId) && !data.blockedRuns.includes(r.runId) && (!r.artifactUri || finished(r.artifactUri.replace(/\/+$/, ''))));
    if (!db) return { metadata: { runs: [], experiments: [], rows: {} }, kept: 0 };
    const metadata = hardDelete(db, runs.map((r) => r.runId), data.experiments.map((e) => e.experimentId));
    return { metadata, kept: stillDeleted(db, data.runs.map((r) => r.runId)).size };
  } finally {
    db?.close();
  }
}

/** Over REST: the planned runs still in the deleted stage (runs/get answers for deleted runs too). */
async function stillDeletedOnServer(data: MlflowPlanData, env: Env): Promise<Set<string>> {
  if (data.tracking.kind !== 'server') return new Set();
  const source = new RestSource(data.tracking.uri, env);
  try {
    const deleted = new Set<string>();
    for (const run of data.runs) if ((await source.run(run.runId)).run.lifecycleStage === 'deleted') deleted.add(run.runId);
    return deleted;
  } finally {
    await source.close();
  }
}
