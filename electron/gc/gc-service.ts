import { randomUUID } from 'node:crypto';
import type { GcCandidate, GcHistory, GcPlan, GcPlanArgs, GcProgress, GcReport } from '../../shared/schemas/gc.js';
import { StratusError } from '../../shared/errors.js';
import type { Env } from '../azure/blob-client.js';
import { DEFAULT_GRACE_HOURS } from './grace.js';
import type { GcWorkspace } from './gc-workspace.js';
import type { GcJournal, PlanRecord, PlannedDeletion } from './journal.js';
import { executeMetaflowPlan } from './metaflow/execute.js';
import { planMetaflow, type FlowPlan } from './metaflow/plan.js';
import { executeMlflowPlan } from './mlflow/execute.js';
import { planMlflow, type MlflowPlanData } from './mlflow/plan.js';
import { parseOlderThan, sqlitePath } from './options.js';

// Plans, executions and history, for every front end (IPC handlers, CLI). A plan lives in the
// journal, so executing it needs only its id (and the workspace's name typed to confirm).

const SAMPLE = 200;
const HISTORY = 100;
const PROBLEMS = 50;

type StoredPlan = { kind: 'metaflow'; graceHours: number; now: number; flows: FlowPlan[]; requests: number } | { kind: 'mlflow'; data: MlflowPlanData };

interface StoredReport {
  runsRemoved: number;
  experimentsRemoved: number;
  rowsRemoved: Record<string, number>;
  notes: string[];
}

export interface PlanOptions {
  /** The clock the grace period is measured against; tests move it forward instead of ageing blobs. */
  now?: number;
}

export class GcService {
  private readonly running = new Set<string>();

  constructor(
    private readonly journal: GcJournal,
    /** The open workspace a plan was made for. */
    private readonly workspaceFor: (workspaceId: string) => GcWorkspace,
    private readonly emit: (progress: GcProgress) => void = () => undefined,
    /** For a tracking server's credentials. */
    private readonly env: Env = {},
  ) {}

  async plan(args: GcPlanArgs, options: PlanOptions = {}): Promise<GcPlan> {
    const ws = this.workspaceFor(args.workspaceId);
    const createdAt = Date.now();
    const id = randomUUID();
    let stored: StoredPlan;
    let candidates: PlannedDeletion[];
    let indexes = new Map<string, string>();
    let notes: string[] = [];
    if (args.target === 'metaflow') {
      const graceHours = args.graceHours ?? DEFAULT_GRACE_HOURS;
      const now = options.now ?? createdAt;
      const plan = await planMetaflow(ws.store, ws.root, { flows: args.flows, graceHours, now });
      stored = { kind: 'metaflow', graceHours, now, flows: plan.flows, requests: plan.requests };
      candidates = plan.candidates;
      indexes = plan.indexes;
      notes = plan.flows.filter((f) => f.blocked).map((f) => `${f.flow}: nothing planned, ${f.blocked}`);
    } else {
      if (!args.trackingUri) {
        throw new StratusError({ code: 'INVALID_ARGUMENT', message: 'MLflow gc needs a tracking URI: the database (sqlite:///…) or a server (artifacts only).' });
      }
      const { data, candidates: found } = await planMlflow({
        tracking: /^https?:\/\//i.test(args.trackingUri) ? { kind: 'server', uri: args.trackingUri } : { kind: 'sqlite', dbPath: sqlitePath(args.trackingUri) },
        env: this.env,
        olderThanMs: args.olderThan === undefined ? undefined : parseOlderThan(args.olderThan),
        includeTraces: args.includeTraces === true,
        azure: ws.azure,
        now: options.now,
      });
      stored = { kind: 'mlflow', data };
      candidates = found;
      notes = data.notes;
    }
    this.journal.savePlan(
      { id, workspaceId: ws.id, workspaceName: ws.name, target: args.target, createdAt, planJson: JSON.stringify({ ...stored, notes }) },
      candidates,
      indexes,
    );
    return { ...this.describePlan(this.journal.plan(id), candidates), softDelete: await ws.softDelete() };
  }

  async execute(planId: string, confirm: string): Promise<GcReport> {
    const record = this.journal.plan(planId);
    if (confirm.trim() !== record.workspaceName) {
      throw new StratusError({ code: 'INVALID_ARGUMENT', message: `Type the workspace name "${record.workspaceName}" exactly to confirm the deletion.` });
    }
    if (this.running.has(planId)) throw new StratusError({ code: 'INVALID_ARGUMENT', message: 'This plan is being executed already.' });
    const ws = this.workspaceFor(record.workspaceId);
    if (ws.name !== record.workspaceName) {
      throw new StratusError({ code: 'INVALID_ARGUMENT', message: `This plan was made for "${record.workspaceName}", not "${ws.name}".` });
    }
    this.running.add(planId);
    try {
      this.journal.startExecution(planId, Date.now());
      const stored = JSON.parse(record.planJson) as StoredPlan;
      const progress = (phase: GcProgress['phase'], done = 0, total = 0, deletedBytes = 0) => this.emit({ planId, phase, done, total, deletedBytes });
      const report: StoredReport = { runsRemoved: 0, experimentsRemoved: 0, rowsRemoved: {}, notes: [] };
      if (stored.kind === 'metaflow') {
        await executeMetaflowPlan(this.journal, planId, ws.store, ws.root, ws.deleter, {
          onPhase: (phase) => progress(phase),
          onProgress: (p) => progress('deleting', p.done, p.total, p.deletedBytes),
        });
      } else {
        const { metadata, kept } = await executeMlflowPlan(this.journal, planId, stored.data, ws.azure, this.env, (p) => progress('deleting', p.done, p.total, p.deletedBytes));
        progress('metadata');
        // A rerun adds to what an earlier, interrupted execution of the plan removed.
        const earlier = record.reportJson ? (JSON.parse(record.reportJson) as StoredReport) : undefined;
        report.runsRemoved = (earlier?.runsRemoved ?? 0) + metadata.runs.length;
        report.experimentsRemoved = (earlier?.experimentsRemoved ?? 0) + metadata.experiments.length;
        report.rowsRemoved = { ...earlier?.rowsRemoved };
        for (const [table, n] of Object.entries(metadata.rows)) report.rowsRemoved[table] = (report.rowsRemoved[table] ?? 0) + n;
        if (stored.data.tracking.kind === 'server') report.notes.push('Tracking server: artifacts only; the runs\' rows stay until `mlflow gc` runs on the server\'s database.');
        else if (kept > 0) report.notes.push(`${kept} run(s) kept their rows: an artifact could not be deleted or the run was restored.`);
      }
      this.journal.finishExecution(planId, Date.now(), JSON.stringify(report));
      progress('done');
      return { ...this.report(this.journal.plan(planId)), softDelete: await ws.softDelete() };
    } finally {
      this.running.delete(planId);
    }
  }

  history(): GcHistory {
    return {
      runs: this.journal.history(HISTORY).map((record) => {
        const entries = this.journal.entries(record.id);
        return { ...this.report(record, entries), createdAt: record.createdAt, candidateBytes: entries.reduce((sum, e) => sum + e.size, 0) };
      }),
    };
  }

  report(record: PlanRecord, entries = this.journal.entries(record.id)): GcReport {
    const counts = this.journal.countByState(record.id);
    const stored = record.reportJson ? (JSON.parse(record.reportJson) as StoredReport) : { runsRemoved: 0, experimentsRemoved: 0, rowsRemoved: {}, notes: [] };
    return {
      planId: record.id,
      target: record.target,
      workspaceName: record.workspaceName,
      state: record.state,
      startedAt: record.startedAt,
      finishedAt: record.finishedAt,
      planned: entries.length,
      deleted: counts.deleted,
      deletedBytes: entries.filter((e) => e.state === 'deleted').reduce((sum, e) => sum + e.size, 0),
      gone: counts.gone,
      changed: counts.changed,
      reachable: counts.reachable,
      failed: counts.failed + counts.deleting + (record.state === 'done' ? counts.planned : 0),
      problems: entries
        .filter((e) => e.state === 'failed' || e.state === 'changed' || e.state === 'reachable')
        .slice(0, PROBLEMS)
        .map((e) => ({ name: e.name, detail: e.detail ?? e.state })),
      runsRemoved: stored.runsRemoved,
      experimentsRemoved: stored.experimentsRemoved,
      rowsRemoved: stored.rowsRemoved,
      notes: stored.notes,
    };
  }

  private describePlan(record: PlanRecord, candidates: readonly PlannedDeletion[]): Omit<GcPlan, 'softDelete'> {
    const stored = JSON.parse(record.planJson) as StoredPlan & { notes: string[] };
    const groups =
      stored.kind === 'metaflow'
        ? stored.flows.map((f) => ({
            name: f.flow,
            objects: f.objects,
            bytes: f.bytes,
            candidates: f.candidates,
            candidateBytes: f.candidateBytes,
            recent: f.recent,
            runs: 0,
            experimentRemoved: false,
            blocked: f.blocked,
          }))
        : stored.data.summary.map((e) => ({
            name: e.experiment,
            objects: e.artifacts + e.traceFiles,
            bytes: e.artifactBytes + e.traceBytes,
            candidates: e.artifacts + e.traceFiles,
            candidateBytes: e.artifactBytes + e.traceBytes,
            recent: 0,
            runs: e.runs,
            experimentRemoved: e.removed,
          }));
    const sample: GcCandidate[] = candidates.slice(0, SAMPLE).map((c) => ({ name: c.name, group: c.group, size: c.size, etag: c.etag, lastModified: c.lastModified, reason: c.reason }));
    return {
      planId: record.id,
      target: record.target,
      workspaceName: record.workspaceName,
      createdAt: record.createdAt,
      groups,
      candidates: candidates.length,
      candidateBytes: candidates.reduce((sum, c) => sum + c.size, 0),
      sample,
      requests: stored.kind === 'metaflow' ? stored.requests : 0,
      notes: stored.notes,
    };
  }
}
