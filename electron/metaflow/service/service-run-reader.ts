import type { ArtifactEntry, AttemptSummary, LogResult, RunDetail, RunFailure, TaskStatus, TaskSummary } from '../../../shared/contract.js';
import { StratusError } from '../../../shared/errors.js';
import { Limiter, mapLimited } from '../../core/limit.js';
import type { ObjectStore } from '../../storage/object-store.js';
import type { ArtifactReader } from '../artifacts.js';
import type { FlowGraph } from '../graph.js';
import { compareIds, PARAMETERS_STEP } from '../layout.js';
import { logFileNames, mergeLogs, type LogStream } from '../mflog.js';
import { ArtifactActions, graphFrom, parametersFrom } from '../run-extras.js';
import type { TaskRef } from '../runs.js';
import { stepSummaries } from '../step-summaries.js';
import { CAUGHT_ARTIFACT, EXCEPTION_ARTIFACT, exceptionIn } from '../task-exceptions.js';
import { taskRecords, type ServiceAttempt, type ServiceTaskRecord } from './service-attempts.js';
import type { MetadataServiceClient } from './service-client.js';
import { artifactEntry, checkDsRoot, type DatastoreIdentity } from './service-locations.js';
import { DEFAULT_HEARTBEAT_CUTOFF_S } from './service-status.js';
import type { ServiceRuns } from './service-runs.js';
import type { WireArtifact, WireTask } from './service-wire.js';

// Run views and task views of a workspace with a metadata service. Steps, tasks, attempts, outcomes, times and
// heartbeats come from the service; artifact values, logs and cards from the datastore, at the places the
// service's records give (checked to be this workspace's datastore), never by listing it.
//
// Opening a run costs O(steps) requests: the run's metadata and artifact records come in one list each (every
// task's), tasks one list per step. Blobs are read only for what the view shows: the DAG, the parameters, failed
// attempts' exceptions, and `_task_ok` for an attempt that ended without `attempt_ok`. Every service request goes
// through one limiter per workspace, so several open views together stay within SERVICE_CONCURRENCY.

/** Service requests in flight for one workspace. */
export const SERVICE_CONCURRENCY = 8;
/** Blob reads in flight for one view. */
const BLOB_CONCURRENCY = 8;

/** The reader the task-level views use, with or without a service. */
export interface TaskReader {
  task(ref: TaskRef): Promise<{ task: TaskSummary; attempt: number; artifacts: ArtifactEntry[]; artifactProblem: string | null }>;
  logs(ref: TaskRef, stream: LogStream): Promise<LogResult>;
  readonly actions: ArtifactActions;
}

/** The metadata service did not answer (down, timed out, 5xx): a run view then falls back to the datastore alone. */
export class ServiceDown extends StratusError {}

/** One task's records: the service's task, its attempts, and the checked artifact entries of its latest attempt. */
interface TaskRecords {
  wire: WireTask;
  record: ServiceTaskRecord | undefined;
  entries: ArtifactEntry[];
  /** Records refused (outside the datastore), told on the task's row. */
  problems: string[];
}

const key = (step: string, task: string) => `${step}/${task}`;

export class ServiceRunReader implements TaskReader {
  private readonly limiter: Limiter;
  /** Preview, tier, rehydration and file of an artifact found by its service record. */
  readonly actions: ArtifactActions;
  private readonly cutoffMs: number;
  private readonly now: () => number;

  constructor(
    private readonly runs: ServiceRuns,
    private readonly artifacts: ArtifactReader,
    private readonly store: ObjectStore,
    /** The sysroot's blob prefix: '' or ending in '/'. */
    private readonly root: string,
    private readonly identity: DatastoreIdentity,
    options: { heartbeatCutoffSeconds?: number; now?: () => number; concurrency?: number } = {},
  ) {
    this.limiter = new Limiter(options.concurrency ?? SERVICE_CONCURRENCY);
    this.cutoffMs = (options.heartbeatCutoffSeconds ?? DEFAULT_HEARTBEAT_CUTOFF_S) * 1000;
    this.now = options.now ?? Date.now;
    this.actions = new ArtifactActions(artifacts, (ref, name) => this.artifactEntry(ref, name));
  }

  private get client(): MetadataServiceClient {
    return this.runs.client;
  }

  private request<T>(call: (client: MetadataServiceClient) => Promise<T>): Promise<T> {
    return this.guarded(() => call(this.client));
  }

  /** One slot of the limiter; a service that does not answer becomes ServiceDown. */
  private async guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await this.limiter.run(work);
    } catch (err) {
      if (err instanceof StratusError && !(err instanceof ServiceDown) && err.code === 'UNREACHABLE') throw new ServiceDown(err.toShape());
      throw err;
    }
  }

  async detail(flow: string, run: string): Promise<RunDetail> {
    const [summary, steps, metadata, records] = await Promise.all([
      this.guarded(() => this.runs.summary(flow, run)),
      this.request((c) => c.steps(flow, run)),
      this.request((c) => c.runMetadata(flow, run)),
      this.request((c) => c.runArtifacts(flow, run)),
    ]);
    const stepNames = steps.map((s) => s.step_name);
    const wireTasks = (await Promise.all(stepNames.map((step) => this.request((c) => c.tasks(flow, run, step))))).flat();
    const attempts = taskRecords(metadata);
    const byTask = this.latestEntries(records);
    const recordsOf = (wire: WireTask): TaskRecords => ({
      wire,
      record: attempts.get(key(wire.step_name, wire.task_id)),
      ...(byTask.get(key(wire.step_name, wire.task_id)) ?? { entries: [], problems: [] }),
    });
    const parametersTask = wireTasks.find((t) => t.step_name === PARAMETERS_STEP);
    const taskList = wireTasks.filter((t) => t.step_name !== PARAMETERS_STEP).map(recordsOf);
    const problems: string[] = [];
    const [tasks, graph] = await Promise.all([
      mapLimited(taskList, BLOB_CONCURRENCY, (t) => this.taskSummary(flow, run, t)),
      graphFrom(this.artifacts, flow, [...taskList, ...(parametersTask ? [recordsOf(parametersTask)] : [])].map((t) => async () => t.entries)).catch(
        (err: unknown) => {
          problems.push(`The DAG could not be read: ${(err as Error).message}`);
          return undefined;
        },
      ),
    ]);
    const parameters = await this.parameters(flow, parametersTask && recordsOf(parametersTask), graph, problems);
    tasks.sort((a, b) => compareIds(a.id, b.id));
    const origin = [...attempts.values()].find((r) => r.originRunId !== null)?.originRunId ?? null;
    return {
      summary: { ...summary, failure: summary.status === 'failed' ? failureOf(tasks) : summary.failure },
      steps: stepSummaries(tasks, graph),
      tasks,
      parameters,
      resumed: origin === null ? null : { originRunId: origin },
      problems,
    };
  }

  async task(ref: TaskRef): Promise<{ task: TaskSummary; attempt: number; artifacts: ArtifactEntry[]; artifactProblem: string | null }> {
    const { records, attempt, entries } = await this.taskAt(ref);
    const task = await this.taskSummary(ref.flow, ref.run, records);
    const refused = entries.problems.length > 0 ? entries.problems.join(' ') : null;
    if (entries.entries.length > 0 || refused !== null) return { task, attempt: attempt.attempt, artifacts: entries.entries, artifactProblem: refused };
    const why = attempt.done
      ? 'recorded no artifacts in the metadata service'
      : this.isStale(records.wire)
        ? 'never ended: its heartbeat stopped (its worker is gone), so it recorded no artifacts'
        : 'is still running: its artifacts are recorded when it ends';
    return { task, attempt: attempt.attempt, artifacts: [], artifactProblem: `Attempt ${attempt.attempt} ${why}.` };
  }

  /** The attempt's logs at the names Metaflow writes them under the task's folder (one read each; absent ones skipped). */
  async logs(ref: TaskRef, stream: LogStream): Promise<LogResult> {
    const [wire, metadata] = await Promise.all([
      this.request((c) => c.task(ref.flow, ref.run, ref.step, ref.task)),
      this.request((c) => c.taskMetadata(ref.flow, ref.run, ref.step, ref.task)),
    ]);
    const record = taskRecords(metadata).get(key(ref.step, ref.task));
    checkDsRoot(record?.dsRoot ?? null, this.identity, `the logs of task ${ref.step}/${ref.task}`);
    const attempt = pickAttempt(ref, record);
    const folder = `${this.root}${ref.flow}/${ref.run}/${ref.step}/${ref.task}/`;
    const read = await Promise.all(
      logFileNames(attempt.attempt, stream).map(async (f) => {
        try {
          return { source: f.source, bytes: await this.store.read(`${folder}${f.name}`) };
        } catch (err) {
          if (err instanceof StratusError && err.code === 'NOT_FOUND') return undefined;
          throw err;
        }
      }),
    );
    const files = read.filter((f): f is { source: string; bytes: Buffer } => f !== undefined);
    const live = !attempt.done && !this.isStale(wire);
    return {
      lines: mergeLogs(files.map((f) => ({ source: f.source, text: f.bytes.toString('utf8') }))),
      bytes: files.reduce((sum, f) => sum + f.bytes.length, 0),
      live,
    };
  }

  /** The task's records and the chosen attempt's checked artifact entries (3 requests; 4 for an earlier attempt). */
  private async taskAt(ref: TaskRef): Promise<{ records: TaskRecords; attempt: ServiceAttempt; entries: { entries: ArtifactEntry[]; problems: string[] } }> {
    const [wire, metadata, latest] = await Promise.all([
      this.request((c) => c.task(ref.flow, ref.run, ref.step, ref.task)),
      this.request((c) => c.taskMetadata(ref.flow, ref.run, ref.step, ref.task)),
      this.request((c) => c.taskArtifacts(ref.flow, ref.run, ref.step, ref.task)),
    ]);
    const record = taskRecords(metadata).get(key(ref.step, ref.task));
    const latestEntries = this.latestEntries(latest).get(key(ref.step, ref.task)) ?? { entries: [], problems: [] };
    const records: TaskRecords = { wire, record, ...latestEntries };
    const attempt = pickAttempt(ref, record);
    const newest = record?.attempts.at(-1)?.attempt ?? 0;
    if (attempt.attempt === newest) return { records, attempt, entries: latestEntries };
    const older = await this.request((c) => c.taskArtifacts(ref.flow, ref.run, ref.step, ref.task, attempt.attempt));
    return { records, attempt, entries: this.checked(older.filter((a) => a.attempt_id === attempt.attempt)) };
  }

  /** The named artifact's record of the attempt asked for (else the latest), checked: one request. */
  private async artifactEntry(ref: TaskRef, name: string): Promise<ArtifactEntry> {
    const records = await this.request((c) => c.taskArtifacts(ref.flow, ref.run, ref.step, ref.task, ref.attempt));
    const record = records.find((a) => a.name === name && (ref.attempt === undefined || a.attempt_id === ref.attempt));
    if (!record) throw new StratusError({ code: 'NOT_FOUND', message: `Task ${ref.step}/${ref.task} has no artifact "${name}" in the metadata service.` });
    return artifactEntry(record, this.identity);
  }

  /** Per task, the checked entries of its latest attempt among the records (a run's list holds only those anyway). */
  private latestEntries(records: readonly WireArtifact[]): Map<string, { entries: ArtifactEntry[]; problems: string[] }> {
    const newest = new Map<string, number>();
    for (const r of records) newest.set(key(r.step_name, r.task_id), Math.max(newest.get(key(r.step_name, r.task_id)) ?? 0, r.attempt_id));
    const grouped = new Map<string, WireArtifact[]>();
    for (const r of records) {
      const k = key(r.step_name, r.task_id);
      if (r.attempt_id !== newest.get(k)) continue;
      grouped.set(k, [...(grouped.get(k) ?? []), r]);
    }
    return new Map([...grouped].map(([k, list]) => [k, this.checked(list)]));
  }

  /** Entries whose location is this datastore, sorted by name; the others named as problems, never read. */
  private checked(records: readonly WireArtifact[]): { entries: ArtifactEntry[]; problems: string[] } {
    const entries: ArtifactEntry[] = [];
    const problems: string[] = [];
    for (const r of records) {
      try {
        entries.push(artifactEntry(r, this.identity));
      } catch (err) {
        if (!(err instanceof StratusError) || err.code !== 'FORBIDDEN') throw err;
        problems.push(err.message);
      }
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { entries, problems: [...new Set(problems)].slice(0, 5) };
  }

  private isStale(wire: WireTask): boolean {
    return wire.last_heartbeat_ts === null || this.now() - wire.last_heartbeat_ts > this.cutoffMs;
  }

  private async taskSummary(flow: string, run: string, t: TaskRecords): Promise<TaskSummary> {
    const attempts = t.record?.attempts ?? [];
    const latest = attempts.at(-1);
    const summaries = await Promise.all(attempts.map((a) => this.attemptSummary(flow, run, t, a, a === latest)));
    const status: TaskStatus = summaries.at(-1)?.status ?? 'unknown';
    const caught = status === 'succeeded' ? await exceptionIn(this.artifacts, flow, t.entries, CAUGHT_ARTIFACT) : null;
    const stale = latest !== undefined && !latest.done && this.isStale(t.wire);
    return {
      step: t.wire.step_name,
      id: t.wire.task_id,
      status,
      attempts: summaries,
      cloned: t.record?.originTaskId !== null && t.record?.originTaskId !== undefined,
      caught,
      problems: t.problems,
      lastHeartbeatAt: t.wire.last_heartbeat_ts,
      stale,
    };
  }

  private async attemptSummary(flow: string, run: string, t: TaskRecords, a: ServiceAttempt, isLatest: boolean): Promise<AttemptSummary> {
    // An earlier attempt's artifacts are not in the run's list: they are asked for only when a failure needs them.
    const entries = async () =>
      isLatest
        ? t.entries
        : this.checked((await this.request((c) => c.taskArtifacts(flow, run, t.wire.step_name, t.wire.task_id, a.attempt))).filter((r) => r.attempt_id === a.attempt)).entries;
    let status: TaskStatus;
    if (a.ok !== undefined) status = a.ok ? 'succeeded' : 'failed';
    else if (a.done) status = await this.taskOk(flow, await entries());
    else status = isLatest ? 'running' : 'unknown';
    const exception = status === 'failed' ? await exceptionIn(this.artifacts, flow, await entries(), EXCEPTION_ARTIFACT) : null;
    return { attempt: a.attempt, status, startedAt: a.startedAt, finishedAt: a.finishedAt, approximate: null, exception };
  }

  /** An ended attempt without `attempt_ok`: its `_task_ok` artifact says (a small pickled bool). */
  private async taskOk(flow: string, entries: ArtifactEntry[]): Promise<TaskStatus> {
    const ok = entries.find((e) => e.name === '_task_ok');
    if (!ok) return 'unknown';
    try {
      const value = await this.artifacts.json(flow, ok.sha, '_task_ok');
      return value === true ? 'succeeded' : value === false ? 'failed' : 'unknown';
    } catch (err) {
      if (err instanceof StratusError && (err.code === 'CORRUPT_DATA' || err.code === 'NOT_FOUND')) return 'unknown';
      throw err;
    }
  }

  private async parameters(flow: string, t: TaskRecords | undefined, graph: FlowGraph | undefined, problems: string[]) {
    if (t && t.problems.length > 0) problems.push(...t.problems);
    try {
      return await parametersFrom(this.artifacts, flow, t?.entries ?? [], graph, problems);
    } catch (err) {
      problems.push(`The parameters could not be read: ${(err as Error).message}`);
      return [];
    }
  }
}

/** The attempt asked for, else the latest; a task with no attempt record yet is at attempt 0, not started. */
function pickAttempt(ref: TaskRef, record: ServiceTaskRecord | undefined): ServiceAttempt {
  const attempts = record?.attempts ?? [];
  if (ref.attempt === undefined) return attempts.at(-1) ?? { attempt: 0, startedAt: null, finishedAt: null, ok: undefined, done: false };
  const found = attempts.find((a) => a.attempt === ref.attempt);
  if (!found) throw new StratusError({ code: 'NOT_FOUND', message: `Task ${ref.step}/${ref.task} has no attempt ${ref.attempt} in the metadata service.` });
  return found;
}

/** Where a failed run stopped: the first task (by id) whose current attempt failed, with its exception. */
function failureOf(tasks: readonly TaskSummary[]): RunFailure | null {
  const failed = tasks.find((t) => t.status === 'failed');
  if (!failed) return null;
  return { step: failed.step, task: failed.id, exception: failed.attempts.at(-1)?.exception ?? null };
}
