import type { RunDetail, TaskSummary } from '../../shared/contract.js';
import { compareIds } from './layout.js';
import { listedRun } from './listed-run.js';
import type { RunTree, TaskTree } from './run-tree.js';
import { CONCURRENCY, type MetaflowRuns, type RunHead } from './runs.js';
import { StatusFill } from './status-fill.js';
import { stepSummaries } from './step-summaries.js';

// A run view that answers as soon as the run's one listing names its steps and tasks and its `_parameters` task
// gave the DAG and the parameters (a run of thousands of tasks otherwise shows nothing until every task's attempt
// files are read): tasks not read yet are `listedOnly`, the tasks on screen are read first (`prefer`), and once
// every task is read the run's summary is read as the full view reads it, so the last answer is the full view.
// The same fill as the runs list's.

const keyOf = (task: { step: string; id: string }) => `${task.step}/${task.id}`;

/** The row of a task the listing named and nothing has read yet. */
export function listedTask(task: TaskTree): TaskSummary {
  return { step: task.step, id: task.id, status: 'unknown', attempts: [], cloned: false, caught: null, problems: [], listedOnly: true };
}

export class ProgressiveRun {
  private readonly reads: StatusFill<TaskSummary>;
  /** Resolves with the full view once every task is read; rejects with the first failure. */
  readonly complete: Promise<RunDetail>;
  /** Resolves once the DAG and parameters are read (or what of them could not be, told); never rejects. */
  readonly headRead: Promise<void>;
  private head?: RunHead;
  private settled?: { detail: RunDetail } | { failure: string };

  constructor(
    runs: MetaflowRuns,
    private readonly flow: string,
    private readonly run: string,
    private readonly tree: RunTree,
    private readonly hasMetadata: boolean,
  ) {
    // The rows, the head and the summary share their reads: a failed run's summary probes the tasks its rows did.
    const files = runs.reads(flow);
    // Read before the tasks: its few sequential reads would otherwise wait behind theirs at the service.
    const head = runs.head(flow, run, tree, files);
    this.headRead = head.then(
      (read) => void (this.head = read),
      () => undefined, // The full view fails the same way: told as the view's stalled reading.
    );
    const byKey = new Map(tree.tasks.map((t) => [keyOf(t), t]));
    this.reads = new StatusFill<TaskSummary>({
      listed: tree.tasks.map(keyOf),
      toRead: [...tree.tasks].sort((a, b) => compareIds(a.id, b.id)).map(keyOf),
      concurrency: CONCURRENCY,
      readOne: (key) => {
        const task = byKey.get(key);
        return task ? runs.taskRow(task, files) : Promise.resolve(undefined);
      },
      // The run view is kept in the index whole, once complete.
      write: () => Promise.resolve(),
      after: this.headRead,
    });
    this.complete = this.reads.done.then(() =>
      runs.detailOf(flow, run, tree, hasMetadata, Promise.resolve(tree.tasks.flatMap((t) => this.reads.read.get(keyOf(t)) ?? [])), files, head),
    );
    // A view is kept a while after it ends (IndexedRuns' runViews): what was read is not.
    this.complete.finally(() => files.forget()).catch(() => undefined);
    this.complete.then(
      (detail) => (this.settled = { detail }),
      (err: unknown) => (this.settled = { failure: `Reading tasks stopped: ${(err as Error).message} They are read again when the run is next opened.` }),
    );
  }

  get finished(): boolean {
    return this.settled !== undefined;
  }

  /** Reads these tasks next (the rows the user sees). */
  prefer(tasks: readonly { step: string; task: string }[]): void {
    this.reads.prefer(tasks.map((t) => keyOf({ step: t.step, id: t.task })));
  }

  /** The view so far: the full one once complete, else the listing's steps and tasks with the rows read so far, the DAG and parameters once read. */
  view(): RunDetail {
    if (this.settled && 'detail' in this.settled) return this.settled.detail;
    const tasks = this.tree.tasks.map((t) => this.reads.read.get(keyOf(t)) ?? listedTask(t)).sort((a, b) => compareIds(a.id, b.id));
    const known = tasks.filter((t) => t.listedOnly !== true).length;
    const stalled = this.settled?.failure;
    return {
      summary: listedRun(this.flow, this.run, this.hasMetadata),
      steps: stepSummaries(tasks, this.head?.graph),
      tasks,
      parameters: this.head?.parameters ?? [],
      resumed: this.head?.resumed ?? null,
      problems: this.head?.problems ?? [],
      taskStatuses: { known, total: tasks.length, ...(stalled === undefined ? {} : { stalled }) },
    };
  }
}
