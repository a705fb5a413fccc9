import type { ArtifactEntry, AttemptSummary, LogResult, RunDetail, RunFailure, RunSummary, TaskSummary } from '../../shared/contract.js';
import type { Json } from '../../shared/json.js';
import { StratusError } from '../../shared/errors.js';
import type { ListedObject, ObjectStore } from '../storage/object-store.js';
import type { ArtifactReader } from './artifacts.js';
import { AttemptReads } from './attempt-reads.js';
import type { FlowGraph } from './graph.js';
import { ArtifactActions, graphFrom, parametersFrom } from './run-extras.js';
import { stepSummaries } from './step-summaries.js';
import { CAS_FOLDER, compareIds, lastSegment, METADATA_FOLDER, PARAMETERS_STEP } from './layout.js';
import { flowKind } from './sysroot-check.js';
import { mapLimited } from '../core/limit.js';
import type { LocalMetadata, RunMetadata } from './local-metadata.js';
import { logFileNames, mergeLogs, type LogStream } from './mflog.js';
import { joinReasons, maxOf, minOf, type AttemptClock, type AttemptTimes } from './attempt-times.js';
import { attemptOutcome, END_STEP, runOutcome, taskOutcome } from './run-status.js';
import { buildRunTree, isCloned, latestAttempt, type AttemptFiles, type RunTree, type TaskTree } from './run-tree.js';
import { originRunId } from './resume-origin.js';
import { groupRuns } from './runs-together.js';

// Runs, run views, tasks, logs and artifact previews, read from the datastore alone (plus local
// metadata for users and tags where the workspace has it).

/** Requests in flight while reading many runs or tasks: enough to hide latency, few enough for one account. */
export const CONCURRENCY = 16;

export interface RunHead {
  graph: FlowGraph | undefined;
  parameters: { name: string; value: Json }[];
  resumed: RunDetail['resumed'];
  /** What of these could not be read. */
  problems: string[];
}

export interface TaskRef {
  flow: string;
  run: string;
  step: string;
  task: string;
  attempt?: number;
}

export class MetaflowRuns {
  /** Preview, tier, rehydration and file of an artifact found in its task's data.json. */
  readonly actions: ArtifactActions;

  constructor(
    private readonly store: ObjectStore,
    /** The sysroot's blob prefix: '' or ending in '/'. */
    private readonly root: string,
    private readonly artifacts: ArtifactReader,
    private readonly metadata: LocalMetadata,
  ) {
    this.actions = new ArtifactActions(artifacts, (ref, name) => this.artifactEntry(ref, name));
  }

  /** Run ids of a flow, newest first: one hierarchical listing. */
  async runIds(flow: string): Promise<{ ids: string[]; hasMetadata: boolean }> {
    const listing = await this.store.listHierarchy(`${this.root}${flow}/`);
    const names = listing.prefixes.map(lastSegment);
    if (names.length === 0) throw new StratusError({ code: 'NOT_FOUND', message: `The flow ${flow} does not exist in this datastore.` });
    // Runs are never listed for a folder that is not a flow (e.g. a datastore under a sysroot one level too high).
    if (!names.includes(CAS_FOLDER) && (await flowKind(this.store, `${this.root}${flow}/`)) === 'other') {
      throw new StratusError({
        code: 'NOT_FOUND',
        message: `${flow} is not a Metaflow flow: it holds no content store (data/) and no started run (a folder with _parameters/). It holds ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}.`,
        hint: 'The sysroot may be one level too high: open the workspace with the sysroot suggested on the workspace page.',
      });
    }
    const ids = names.filter((n) => n !== CAS_FOLDER && n !== METADATA_FOLDER).sort((a, b) => compareIds(b, a));
    return { ids, hasMetadata: names.includes(METADATA_FOLDER) };
  }

  async summaries(flow: string, ids: string[], hasMetadata: boolean): Promise<RunSummary[]> {
    const found = await mapLimited(ids, CONCURRENCY, (id) => this.summaryOf(flow, id, hasMetadata));
    return found.filter((s): s is RunSummary => s !== undefined);
  }

  /** One listed run's summary; undefined when it was removed since the listing (it is simply gone). `tree`: its folder, listed already. */
  async summaryOf(flow: string, id: string, hasMetadata: boolean, tree?: Promise<RunTree>): Promise<RunSummary | undefined> {
    try {
      return await this.summary(flow, id, await (tree ?? this.tree(flow, id)), hasMetadata);
    } catch (err) {
      if (err instanceof StratusError && err.code === 'NOT_FOUND') return undefined;
      throw err;
    }
  }

  async detail(flow: string, run: string, hasMetadata: boolean): Promise<RunDetail> {
    const tree = await this.tree(flow, run);
    const reads = this.reads(flow);
    return this.detailOf(flow, run, tree, hasMetadata, mapLimited(tree.tasks, CONCURRENCY, (t) => this.taskRow(t, reads)), reads);
  }

  /**
   * One answer's reads of a flow's task files (a run view, a run's summary, a task), each blob read once for it.
   * A new one for each answer: a running task's files are read afresh.
   */
  reads(flow: string): AttemptReads {
    return new AttemptReads(this.store, this.artifacts, flow);
  }

  /** A run's view from its listing and its tasks' rows, however they were read (all at once, or visible first); `reads`: the rows' and the head's. */
  async detailOf(
    flow: string,
    run: string,
    tree: RunTree,
    hasMetadata: boolean,
    rows: Promise<TaskSummary[]>,
    reads = this.reads(flow),
    head = this.head(flow, run, tree, reads),
  ): Promise<RunDetail> {
    const [summary, tasks, { graph, parameters, resumed, problems: told }] = await Promise.all([this.summary(flow, run, tree, hasMetadata, reads), rows, head]);
    const problems = [...told];
    const damaged = tasks.filter((t) => t.problems.length > 0).length;
    if (damaged > 0) problems.push(`${damaged} task${damaged === 1 ? ' has' : 's have'} damaged records; each says which on its own row.`);
    tasks.sort((a, b) => compareIds(a.id, b.id));
    return { summary, steps: stepSummaries(tasks, graph), tasks, parameters, resumed, problems };
  }

  /**
   * What a run view shows before any task is read: the DAG and the parameters, both from the `_parameters` task's
   * one index (then, for the DAG, from the tasks'), and where a resumed run came from.
   */
  async head(flow: string, run: string, tree: RunTree, reads = this.reads(flow)): Promise<RunHead> {
    const problems: string[] = [];
    const own = this.indexOf(tree.parameters, reads);
    const graph = await graphFrom(this.artifacts, flow, [() => own, ...this.graphSources(tree, reads)]).catch((err: unknown) => {
      problems.push(`The DAG could not be read: ${(err as Error).message}`);
      return undefined;
    });
    const [parameters, resumed] = await Promise.all([
      own.then((entries) => parametersFrom(this.artifacts, flow, entries ?? [], graph, problems)).catch((err: unknown) => {
        problems.push(`The parameters could not be read: ${(err as Error).message}`);
        return [];
      }),
      tree.parameters?.extras.has('_resume_done') ? originRunId(this.store, this.root, flow, run, tree).then((originRunId) => ({ originRunId })) : null,
    ]);
    return { graph, parameters, resumed, problems };
  }

  async task(ref: TaskRef): Promise<{ task: TaskSummary; attempt: number; artifacts: ArtifactEntry[]; artifactProblem: string | null }> {
    const { tree, attempt } = await this.taskAttempt(ref);
    const reads = this.reads(ref.flow);
    // The index is read beside the task's status and times, not after them: the summary finds it read.
    const [task, found] = await Promise.all([this.taskSummary(tree, reads, false), this.attemptArtifacts(attempt, reads)]);
    return { task, attempt: attempt.attempt, ...found };
  }

  /** An attempt's artifacts, or why it has none to show. */
  private async attemptArtifacts(attempt: AttemptFiles, reads: AttemptReads): Promise<{ artifacts: ArtifactEntry[]; artifactProblem: string | null }> {
    const index = reads.parsedIndex(attempt);
    if (!index) {
      const why = attempt.files.has('DONE.lock') ? 'wrote no artifact index' : 'is still running: its artifacts are written when it ends';
      return { artifacts: [], artifactProblem: `Attempt ${attempt.attempt} ${why}.` };
    }
    try {
      return { artifacts: await index, artifactProblem: null };
    } catch (err) {
      if (err instanceof StratusError && err.code === 'CORRUPT_DATA') return { artifacts: [], artifactProblem: err.message };
      throw err;
    }
  }

  /** An artifact's entry needs the task's listing and its index, not its status, times or logs. */
  private async artifactEntry(ref: TaskRef, name: string): Promise<ArtifactEntry> {
    const { attempt } = await this.taskAttempt(ref);
    const { artifacts, artifactProblem } = await this.attemptArtifacts(attempt, this.reads(ref.flow));
    if (artifactProblem) throw new StratusError({ code: 'CORRUPT_DATA', message: artifactProblem });
    const entry = artifacts.find((a) => a.name === name);
    if (!entry) throw new StratusError({ code: 'NOT_FOUND', message: `Task ${ref.step}/${ref.task} has no artifact "${name}".` });
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

  /** One task's row in its run's view; `reads`: the view's, shared by its rows and its summary. */
  taskRow(task: TaskTree, reads: AttemptReads): Promise<TaskSummary> {
    return this.taskSummary(task, reads, true);
  }

  /** A run's steps, tasks and their files: one flat listing of its folder. */
  async tree(flow: string, run: string): Promise<RunTree> {
    return this.treeOf(flow, run, await this.store.listAll(`${this.root}${flow}/${run}/`));
  }

  /** The run's tree from a listing that holds its folder (and maybe other runs'). */
  private treeOf(flow: string, run: string, listed: readonly ListedObject[]): RunTree {
    const prefix = `${this.root}${flow}/${run}/`;
    const own = listed.filter((o) => o.name.startsWith(prefix));
    if (own.length === 0) throw new StratusError({ code: 'NOT_FOUND', message: `The run ${flow}/${run} does not exist in this datastore.` });
    return buildRunTree(prefix, own);
  }

  /** The folders of these runs, listed together where their ids share a prefix that names few other runs (`listed`). */
  treesTogether(flow: string, ids: readonly string[], listed: readonly string[]): Map<string, Promise<RunTree>> {
    const trees = new Map<string, Promise<RunTree>>();
    for (const group of groupRuns(ids, listed)) {
      const objects = this.store.listAll(`${this.root}${flow}/${group.prefix}`);
      for (const id of group.ids) {
        const tree = objects.then((all) => this.treeOf(flow, id, all));
        tree.catch(() => undefined); // Told to whoever reads the run.
        trees.set(id, tree);
      }
    }
    return trees;
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

  private async summary(flow: string, run: string, tree: RunTree, hasMetadata: boolean, reads = this.reads(flow)): Promise<RunSummary> {
    // A run folder with no task record at all (only local metadata, say) tells neither a start nor an end.
    const recorded = tree.parameters !== undefined || tree.tasks.length > 0;
    // A run whose end task is done has almost always succeeded: its times are read with its status rather than
    // after it, one round trip less per run (a cold list over a long link waits on these).
    const endDone = tree.parameters !== undefined && tree.tasks.some((t) => t.step === END_STEP && latestAttempt(t)?.files.has('DONE.lock'));
    const ifSucceeded = endDone ? this.runTimes(tree, 'succeeded', reads.clock) : undefined;
    ifSucceeded?.catch(() => undefined); // Used only when the run did succeed; else worked out again (from the same reads) for its status.
    const [status, meta] = await Promise.all([
      recorded ? runOutcome(tree, reads.probe) : Promise.resolve('unknown' as const),
      hasMetadata ? this.metadata.run(flow, run) : Promise.resolve<RunMetadata | undefined>(undefined),
    ]);
    const [times, failure] = await Promise.all([
      status === 'succeeded' && ifSucceeded ? ifSucceeded : this.runTimes(tree, status, reads.clock),
      status === 'failed' ? this.failure(tree, reads) : null,
    ]);
    return {
      flow,
      id: run,
      status,
      ...times,
      durationMs: times.startedAt !== null && times.finishedAt !== null ? times.finishedAt - times.startedAt : null,
      user: meta?.user ?? null,
      tags: hasMetadata ? (meta?.tags ?? []) : null,
      systemTags: hasMetadata ? (meta?.systemTags ?? []) : null,
      failure,
    };
  }

  /** The task a failed run stopped at: the first (by id) whose current attempt failed, with its exception. */
  private async failure(tree: RunTree, reads: AttemptReads): Promise<RunFailure | null> {
    reads.guessFailures(tree.tasks);
    const outcomes = await mapLimited(tree.tasks, CONCURRENCY, (t) => reads.outcomeInFailedRun(t));
    const failed = tree.tasks.filter((_, i) => outcomes[i] === 'failed').sort((a, b) => compareIds(a.id, b.id))[0];
    if (!failed) return null;
    const current = latestAttempt(failed);
    const exception = current ? await reads.exception(current) : null;
    return { step: failed.step, task: failed.id, exception };
  }

  /**
   * A run's start is its `_parameters` attempt's start. Its end is its end task's (a succeeded run), or the latest
   * end of any task (a failed one). A run that has not finished reads every task's current attempt, for the newest
   * time any of them recorded: the only sign of life a datastore has.
   */
  private async runTimes(
    tree: RunTree,
    status: RunSummary['status'],
    clock: AttemptClock,
  ): Promise<Pick<RunSummary, 'startedAt' | 'finishedAt' | 'lastActivityAt' | 'approximate'>> {
    const current = (task: TaskTree | undefined) => (task ? latestAttempt(task) : undefined);
    const parameters = current(tree.parameters);
    const ends = status === 'succeeded' ? tree.tasks.filter((t) => t.step === END_STEP) : tree.tasks;
    const needAll = status !== 'succeeded' || parameters === undefined;
    const read = async (attempt: AttemptFiles | undefined, endOnly = false): Promise<AttemptTimes | undefined> =>
      attempt ? clock.times(attempt, endOnly) : undefined;
    const [start, taskTimes] = await Promise.all([
      read(parameters),
      mapLimited(needAll ? tree.tasks : ends, CONCURRENCY, (t) => read(current(t), !needAll)),
    ]);
    const used = [start, ...taskTimes].filter((t): t is AttemptTimes => t !== undefined);
    const fromTasks = start?.startedAt === null || start === undefined;
    const startedAt = fromTasks ? minOf(taskTimes.map((t) => t?.startedAt)) : start.startedAt;
    const ending = (needAll ? taskTimes.filter((_, i) => ends.includes(tree.tasks[i])) : taskTimes).filter(
      (t): t is AttemptTimes => t !== undefined && t.finishedAt !== null,
    );
    // A task whose end only a blob time gives (no log line) must not outweigh ends Metaflow recorded.
    const recorded = ending.filter((t) => t.approximateEnd === null);
    const endTimes = recorded.length > 0 ? recorded : ending;
    const finished = status === 'succeeded' || status === 'failed';
    const finishedAt = finished ? maxOf([startedAt, ...endTimes.map((t) => t.finishedAt)]) : null;
    const lastActivityAt = finished ? finishedAt : maxOf(used.map((t) => t.lastActivityAt));
    // Only the times the run's own start and end came from can make them approximate.
    const approximate = joinReasons([
      ...(fromTasks ? taskTimes.map((t) => t?.approximateStart) : [start.approximateStart]),
      ...(finished ? endTimes.map((t) => t.approximateEnd) : []),
    ]);
    return { startedAt, finishedAt, lastActivityAt, approximate };
  }

  private async taskSummary(task: TaskTree, reads: AttemptReads, checkIndex: boolean): Promise<TaskSummary> {
    const current = latestAttempt(task);
    // An attempt that a retry followed failed: its exception is read beside its status.
    for (const attempt of task.attempts) if (attempt !== current && attempt.files.has('DONE.lock')) reads.exceptionAhead(attempt);
    const [attempts, status, problems] = await Promise.all([
      Promise.all(task.attempts.map((a) => this.attemptSummary(task, a, reads))),
      taskOutcome(task, reads.probe),
      checkIndex ? reads.problems(task) : Promise.resolve([]),
    ]);
    // Only a succeeded task can have had its exception caught; a damaged index is already a problem of its own.
    const caught = status === 'succeeded' && current && problems.length === 0 ? await reads.caught(current) : null;
    return { step: task.step, id: task.id, status, attempts, cloned: isCloned(task), caught, problems };
  }

  private async attemptSummary(task: TaskTree, attempt: AttemptFiles, reads: AttemptReads): Promise<AttemptSummary> {
    const [status, times] = await Promise.all([attemptOutcome(task, attempt, reads.probe), reads.clock.times(attempt)]);
    const exception = status === 'failed' ? await reads.exception(attempt) : null;
    return { attempt: attempt.attempt, status, startedAt: times.startedAt, finishedAt: times.finishedAt, approximate: times.approximate, exception };
  }

  private async indexOf(task: TaskTree | undefined, reads: AttemptReads): Promise<ArtifactEntry[] | undefined> {
    const current = task ? latestAttempt(task) : undefined;
    return current ? reads.parsedIndex(current) : undefined;
  }

  /** The tasks' indexes the DAG can come from when `_parameters`'s cannot give it (their rows read them too). */
  private graphSources(tree: RunTree, reads: AttemptReads): (() => Promise<ArtifactEntry[] | undefined>)[] {
    return tree.tasks.filter((t) => latestAttempt(t)?.files.has('data.json')).map((t) => () => this.indexOf(t, reads));
  }
}
