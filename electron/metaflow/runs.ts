import type { ArtifactEntry, ArtifactFile, AttemptSummary, LogResult, RunDetail, RunSummary, StepSummary, TaskSummary } from '../../shared/contract.js';
import type { Json } from '../../shared/schemas/metaflow.js';
import { StratusError } from '../../shared/errors.js';
import type { ListedObject, ObjectStore } from '../storage/object-store.js';
import type { ArtifactReader } from './artifacts.js';
import { parseDataJson } from './data-json.js';
import { parseGraphInfo, type FlowGraph } from './graph.js';
import { CAS_FOLDER, compareIds, lastSegment, METADATA_FOLDER, PARAMETERS_STEP } from './layout.js';
import { mapLimited } from './limit.js';
import type { LocalMetadata, RunMetadata } from './local-metadata.js';
import { lastLogTime, logFileNames, mergeLogs, type LogStream } from './mflog.js';
import { attemptOutcome, runOutcome, runTimes, taskOutcome, type SuccessProbe } from './run-status.js';
import { buildRunTree, isCloned, latestAttempt, type AttemptFiles, type RunTree, type TaskTree } from './run-tree.js';

// Runs, run views, tasks, logs and artifact previews, read from the datastore alone (plus local
// metadata for users and tags where the workspace has it).

/** Requests in flight while reading many runs or tasks: enough to hide latency, few enough for one account. */
const CONCURRENCY = 16;
/**
 * An attempt's logs are read for its end time only when they are this small in all: a run view
 * already reads each attempt's attempt.json, and a few KiB more per attempt costs about as little.
 */
const END_FROM_LOGS_MAX_BYTES = 64 * 1024;

export interface TaskRef {
  flow: string;
  run: string;
  step: string;
  task: string;
  attempt?: number;
}

export class MetaflowRuns {
  constructor(
    private readonly store: ObjectStore,
    /** The sysroot's blob prefix: '' or ending in '/'. */
    private readonly root: string,
    private readonly artifacts: ArtifactReader,
    private readonly metadata: LocalMetadata,
  ) {}

  /** Run ids of a flow, newest first: one hierarchical listing. */
  async runIds(flow: string): Promise<{ ids: string[]; hasMetadata: boolean }> {
    const listing = await this.store.listHierarchy(`${this.root}${flow}/`);
    const names = listing.prefixes.map(lastSegment);
    if (names.length === 0) throw new StratusError({ code: 'NOT_FOUND', message: `The flow ${flow} does not exist in this datastore.` });
    const ids = names.filter((n) => n !== CAS_FOLDER && n !== METADATA_FOLDER).sort((a, b) => compareIds(b, a));
    return { ids, hasMetadata: names.includes(METADATA_FOLDER) };
  }

  async summaries(flow: string, ids: string[], hasMetadata: boolean): Promise<RunSummary[]> {
    const found = await mapLimited(ids, CONCURRENCY, async (id) => {
      try {
        return await this.summary(flow, id, await this.tree(flow, id), hasMetadata);
      } catch (err) {
        // A run removed between the listing and now is simply gone.
        if (err instanceof StratusError && err.code === 'NOT_FOUND') return undefined;
        throw err;
      }
    });
    return found.filter((s): s is RunSummary => s !== undefined);
  }

  async detail(flow: string, run: string, hasMetadata: boolean): Promise<RunDetail> {
    const tree = await this.tree(flow, run);
    const probe = this.probe(flow);
    const problems: string[] = [];
    const [summary, tasks, graph] = await Promise.all([
      this.summary(flow, run, tree, hasMetadata),
      mapLimited(tree.tasks, CONCURRENCY, (t) => this.taskSummary(t, probe)),
      this.graph(flow, tree).catch((err: unknown) => {
        problems.push(`The DAG could not be read: ${(err as Error).message}`);
        return undefined;
      }),
    ]);
    const parameters = await this.parameters(flow, tree, graph).catch((err: unknown) => {
      problems.push(`The parameters could not be read: ${(err as Error).message}`);
      return [];
    });
    tasks.sort((a, b) => compareIds(a.id, b.id));
    return {
      summary,
      steps: stepSummaries(tasks, graph),
      tasks,
      parameters,
      resumed: tree.parameters?.extras.has('_resume_done') ? { originRunId: null } : null,
      problems,
    };
  }

  async task(ref: TaskRef): Promise<{ task: TaskSummary; attempt: number; artifacts: ArtifactEntry[]; artifactProblem: string | null }> {
    const { tree, attempt } = await this.taskAttempt(ref);
    const task = await this.taskSummary(tree, this.probe(ref.flow));
    const data = attempt.files.get('data.json');
    if (!data) {
      const why = attempt.files.has('DONE.lock') ? 'wrote no artifact index' : 'is still running: its artifacts are written when it ends';
      return { task, attempt: attempt.attempt, artifacts: [], artifactProblem: `Attempt ${attempt.attempt} ${why}.` };
    }
    try {
      return { task, attempt: attempt.attempt, artifacts: parseDataJson(await this.store.read(data.name), data.name), artifactProblem: null };
    } catch (err) {
      if (err instanceof StratusError && err.code === 'CORRUPT_DATA') return { task, attempt: attempt.attempt, artifacts: [], artifactProblem: err.message };
      throw err;
    }
  }

  async artifact(ref: TaskRef, name: string, full: boolean) {
    return this.artifacts.preview(ref.flow, await this.artifactEntry(ref, name), full);
  }

  /** The artifact as a file to save: its pickle, or its value as JSON. */
  async artifactFile(ref: TaskRef, name: string, format: 'pickle' | 'json'): Promise<ArtifactFile> {
    const entry = await this.artifactEntry(ref, name);
    const what = `The artifact "${name}"`;
    const base = `${ref.flow}-${ref.run}-${ref.step}-${ref.task}-${name}`;
    if (format === 'pickle') {
      const bytes = await this.artifacts.pickle(ref.flow, entry.sha, what);
      return { fileName: `${base}.pkl`, mimeType: 'application/octet-stream', base64: bytes.toString('base64') };
    }
    const json = JSON.stringify(await this.artifacts.json(ref.flow, entry.sha, what), null, 2);
    return { fileName: `${base}.json`, mimeType: 'application/json', base64: Buffer.from(json).toString('base64') };
  }

  private async artifactEntry(ref: TaskRef, name: string): Promise<ArtifactEntry> {
    const { task, artifacts, artifactProblem } = await this.task(ref);
    if (artifactProblem) throw new StratusError({ code: 'CORRUPT_DATA', message: artifactProblem });
    const entry = artifacts.find((a) => a.name === name);
    if (!entry) throw new StratusError({ code: 'NOT_FOUND', message: `Task ${task.step}/${task.id} has no artifact "${name}".` });
    return entry;
  }

  async logs(ref: TaskRef, stream: LogStream): Promise<LogResult> {
    const { attempt } = await this.taskAttempt(ref);
    const present = logFileNames(attempt.attempt, stream).flatMap((f) => {
      const object = attempt.files.get(f.kind);
      return object ? [{ source: f.source, name: object.name }] : [];
    });
    const files = await Promise.all(present.map(async (f) => ({ source: f.source, bytes: await this.store.read(f.name) })));
    return {
      lines: mergeLogs(files.map((f) => ({ source: f.source, text: f.bytes.toString('utf8') }))),
      bytes: files.reduce((sum, f) => sum + f.bytes.length, 0),
      live: !attempt.files.has('DONE.lock'),
    };
  }

  private async tree(flow: string, run: string): Promise<RunTree> {
    const prefix = `${this.root}${flow}/${run}/`;
    const objects = await this.store.listAll(prefix);
    if (objects.length === 0) throw new StratusError({ code: 'NOT_FOUND', message: `The run ${flow}/${run} does not exist in this datastore.` });
    return buildRunTree(prefix, objects);
  }

  private async taskAttempt(ref: TaskRef): Promise<{ tree: TaskTree; attempt: AttemptFiles }> {
    const runPrefix = `${this.root}${ref.flow}/${ref.run}/`;
    const objects = await this.store.listAll(`${runPrefix}${ref.step}/${ref.task}/`);
    const tree = buildRunTree(runPrefix, objects);
    const task = ref.step === PARAMETERS_STEP ? tree.parameters : tree.tasks[0];
    if (!task) throw new StratusError({ code: 'NOT_FOUND', message: `The task ${ref.flow}/${ref.run}/${ref.step}/${ref.task} does not exist.` });
    const attempt = ref.attempt === undefined ? latestAttempt(task) : task.attempts.find((a) => a.attempt === ref.attempt);
    if (!attempt) throw new StratusError({ code: 'NOT_FOUND', message: `Task ${ref.step}/${ref.task} has no attempt ${ref.attempt ?? ''}.` });
    return { tree: task, attempt };
  }

  private async summary(flow: string, run: string, tree: RunTree, hasMetadata: boolean): Promise<RunSummary> {
    const started = tree.parameters?.attempts[0]?.files.get('attempt.json');
    const [status, meta, recordedStart] = await Promise.all([
      runOutcome(tree, this.probe(flow)),
      hasMetadata ? this.metadata.run(flow, run) : Promise.resolve<RunMetadata | undefined>(undefined),
      started ? this.attemptStart(started.name) : Promise.resolve(undefined),
    ]);
    // The start Metaflow recorded beats a Last-Modified, which a copy of the blobs resets.
    const times = runTimes(tree);
    const startedAt = recordedStart ?? times.startedAt;
    const end = status === 'running' || times.finishedAt === null ? null : Math.max(times.finishedAt, startedAt ?? 0);
    return {
      flow,
      id: run,
      status,
      startedAt,
      finishedAt: end,
      durationMs: startedAt !== null && end !== null ? end - startedAt : null,
      user: meta?.user ?? null,
      tags: hasMetadata ? (meta?.tags ?? []) : null,
      systemTags: hasMetadata ? (meta?.systemTags ?? []) : null,
    };
  }

  private async taskSummary(task: TaskTree, probe: SuccessProbe): Promise<TaskSummary> {
    const attempts = await Promise.all(task.attempts.map((a) => this.attemptSummary(task, a, probe)));
    return { step: task.step, id: task.id, status: await taskOutcome(task, probe), attempts, cloned: isCloned(task) };
  }

  private async attemptSummary(task: TaskTree, attempt: AttemptFiles, probe: SuccessProbe): Promise<AttemptSummary> {
    const started = attempt.files.get('attempt.json');
    const done = attempt.files.get('DONE.lock');
    return {
      attempt: attempt.attempt,
      status: await attemptOutcome(task, attempt, probe),
      startedAt: started ? ((await this.attemptStart(started.name)) ?? started.lastModified?.getTime() ?? null) : null,
      finishedAt: done ? await this.attemptEnd(attempt, done) : null,
    };
  }

  /**
   * A finished attempt's end: its last mflog line where its logs are small enough to read, since
   * DONE.lock's Last-Modified is reset by any copy of the blobs; else that Last-Modified.
   */
  private async attemptEnd(attempt: AttemptFiles, done: ListedObject): Promise<number | null> {
    const listed = done.lastModified?.getTime() ?? null;
    const logs = (['stdout', 'stderr'] as const)
      .flatMap((stream) => logFileNames(attempt.attempt, stream))
      .flatMap((f) => attempt.files.get(f.kind) ?? []);
    const bytes = logs.reduce((sum, o) => sum + o.size, 0);
    if (bytes === 0 || bytes > END_FROM_LOGS_MAX_BYTES) return listed;
    try {
      const texts = await Promise.all(logs.map(async (o) => (await this.store.read(o.name)).toString('utf8')));
      return lastLogTime(texts) ?? listed;
    } catch {
      return listed; // An unreadable log is the log view's to report; the end falls back to the listing.
    }
  }

  /** `N.attempt.json` holds the start as epoch seconds, finer than the blob's Last-Modified. */
  private async attemptStart(name: string): Promise<number | undefined> {
    try {
      const { time } = JSON.parse((await this.store.read(name)).toString('utf8')) as { time?: unknown };
      return typeof time === 'number' ? Math.round(time * 1000) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Success of a finished attempt: `N.runtime` when the local runtime wrote one, else the `_task_ok` artifact. */
  private probe(flow: string): SuccessProbe {
    return async (_task, attempt) => {
      const runtime = attempt.files.get('runtime');
      if (runtime) {
        try {
          const { success } = JSON.parse((await this.store.read(runtime.name)).toString('utf8')) as { success?: unknown };
          if (typeof success === 'boolean') return success;
        } catch {
          // Unreadable runtime file: fall back to the artifact.
        }
      }
      const data = attempt.files.get('data.json');
      if (!data) return undefined;
      try {
        const ok = parseDataJson(await this.store.read(data.name), data.name).find((a) => a.name === '_task_ok');
        if (!ok) return undefined;
        const value = await this.artifacts.json(flow, ok.sha, '_task_ok');
        return typeof value === 'boolean' ? value : undefined;
      } catch {
        return undefined;
      }
    };
  }

  private async indexOf(task: TaskTree | undefined): Promise<ArtifactEntry[] | undefined> {
    const data = task ? latestAttempt(task)?.files.get('data.json') : undefined;
    return data ? parseDataJson(await this.store.read(data.name), data.name) : undefined;
  }

  private async graph(flow: string, tree: RunTree): Promise<FlowGraph | undefined> {
    const source = tree.tasks.find((t) => latestAttempt(t)?.files.has('data.json')) ?? tree.parameters;
    const entry = (await this.indexOf(source))?.find((a) => a.name === '_graph_info');
    if (!entry) return undefined;
    const graph = parseGraphInfo(await this.artifacts.json(flow, entry.sha, 'The DAG (_graph_info)'));
    if (!graph) throw new Error('_graph_info does not describe steps');
    return graph;
  }

  private async parameters(flow: string, tree: RunTree, graph: FlowGraph | undefined): Promise<{ name: string; value: Json }[]> {
    const entries = (await this.indexOf(tree.parameters)) ?? [];
    const wanted = graph ? new Set(graph.parameters) : undefined;
    const params = entries.filter((e) => (wanted ? wanted.has(e.name) : !e.name.startsWith('_') && e.name !== 'name'));
    return mapLimited(params, CONCURRENCY, async (e) => ({
      name: e.name,
      value: (await this.artifacts.preview(flow, e, false)).value,
    }));
  }
}

function worst(statuses: TaskSummary['status'][]): TaskSummary['status'] {
  for (const s of ['failed', 'running', 'unknown'] as const) if (statuses.includes(s)) return s;
  return statuses.length > 0 ? 'succeeded' : 'unknown';
}

/** Steps in DAG order (breadth-first from start) when the graph is known, else by first task id. */
function stepSummaries(tasks: TaskSummary[], graph: FlowGraph | undefined): StepSummary[] {
  const byStep = new Map<string, TaskSummary[]>();
  for (const t of tasks) {
    const list = byStep.get(t.step);
    if (list) list.push(t);
    else byStep.set(t.step, [t]);
  }
  const order: string[] = [];
  if (graph?.start) {
    const queue = [graph.start];
    while (queue.length > 0) {
      const step = queue.shift() as string;
      if (order.includes(step)) continue;
      order.push(step);
      queue.push(...(graph.steps.get(step)?.next ?? []));
    }
  }
  for (const step of [...(graph?.steps.keys() ?? []), ...byStep.keys()]) if (!order.includes(step)) order.push(step);
  return order.map((name) => ({
    name,
    type: graph?.steps.get(name)?.type ?? null,
    next: graph?.steps.get(name)?.next ?? [],
    taskCount: byStep.get(name)?.length ?? 0,
    status: worst((byStep.get(name) ?? []).map((t) => t.status)),
  }));
}
