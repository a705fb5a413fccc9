import { isDeepStrictEqual } from 'node:util';
import type { FlowSummary, RunDetail, RunList, RunSummary } from '../../shared/contract.js';
import { StratusError } from '../../shared/errors.js';
import type { MetaflowIndex } from '../index/metaflow-index.js';
import type { LocalMetadata } from './local-metadata.js';
import { listedRun } from './listed-run.js';
import { ProgressiveRun } from './progressive-run.js';
import { isFinished } from './run-status.js';
import { CONCURRENCY, type MetaflowRuns } from './runs.js';
import { StatusFill } from './status-fill.js';
import type { RunTree } from './run-tree.js';
import { MAX_PREFERRED } from '../core/prioritized.js';

// The run list and run views through the local index: a flow seen before paints from the index at
// once and is refreshed behind it (finished runs never change, so only new and unfinished runs are
// read again); with the datastore out of reach, what the index holds is still shown.
//
// One refresh per flow at a time, none again within MIN_REFRESH_INTERVAL_MS of the last, and
// `onRefreshed` only when the refresh changed a row: the renderer re-reads the list when told, and
// that re-read must not start the refresh that tells it again.
//
// A progressive list (the window's) answers as soon as the refresh's one listing names the runs: rows not read
// yet are `listedOnly`, and `statuses` says how many are known; the runs on screen are read first (`prefer`).

/** How long a finished refresh stands for the datastore: lists within it are answered from the index alone. */
export const MIN_REFRESH_INTERVAL_MS = 10_000;

export interface IndexedRunsOptions {
  minRefreshIntervalMs?: number;
  now?: () => number;
}

type Refreshed = Omit<RunList, 'fromIndex'> & { changed: boolean };

interface Listing {
  ids: string[];
  hasMetadata: boolean;
}

interface FlowRefresh {
  running?: Promise<Refreshed>;
  /** When the last refresh ended, by `now`. */
  finishedAt?: number;
  /** Resolves when the running refresh has listed the flow and started reading statuses. */
  started?: Promise<void>;
  /** The running refresh's reads; kept after a failure, so the runs it did not read still show as unread. */
  fill?: { listing: Listing; reads: StatusFill; failure?: string; trees: Map<string, Promise<RunTree>> };
  /** The index held none of the flow's runs when the refresh started. */
  cold?: boolean;
  /** Without an index: the last refresh's runs, for a progressive list to show after it. */
  lastRuns?: RunSummary[];
}

interface RunView {
  view: ProgressiveRun;
  /** When its reading ended, by `now`. */
  settledAt?: number;
}

export class IndexedRuns {
  private readonly flows = new Map<string, FlowRefresh>();
  /** Progressive run views being read, by `flow/run`; the complete one is answered once, then forgotten. */
  private readonly runViews = new Map<string, RunView>();
  private readonly minInterval: number;
  private readonly now: () => number;

  constructor(
    private readonly runs: MetaflowRuns,
    private readonly metadata: LocalMetadata,
    /** Undefined when the index could not be opened: everything is then read from the datastore. */
    private readonly index: Promise<MetaflowIndex | undefined>,
    /** A background refresh changed the flow's runs in the index. */
    private readonly onRefreshed: (flow: string) => void,
    options: IndexedRunsOptions = {},
  ) {
    this.minInterval = options.minRefreshIntervalMs ?? MIN_REFRESH_INTERVAL_MS;
    this.now = options.now ?? Date.now;
  }

  /**
   * The flow's runs. `fromIndex`: painted from the index while a refresh runs behind it; false when
   * read from the datastore now or refreshed within the last interval.
   */
  async list(flow: string, progressive = false): Promise<RunList> {
    const index = await this.index;
    const cached = index ? (await index.getRuns(flow)).runs : [];
    if (progressive) return this.progressive(flow, index, cached);
    if (cached.length === 0) {
      const { runs, metadata } = await this.refresh(flow, index);
      return { runs, metadata, fromIndex: false };
    }
    const metadata = cached.some((r) => r.tags !== null) ? 'local' : 'none';
    if (this.fresh(flow)) return { runs: cached, metadata, fromIndex: false };
    this.refreshBehind(flow, index);
    return { runs: cached, metadata, fromIndex: true };
  }

  /** The runs on screen now: a refresh reading statuses reads theirs next, their folders listed together. */
  prefer(flow: string, ids: readonly string[]): void {
    const fill = this.flows.get(flow)?.fill;
    if (!fill) return;
    // A window tells its rows again while they wait: those listed already are not listed again.
    const unread = fill.reads.unread(ids.slice(0, MAX_PREFERRED)).filter((id) => !fill.trees.has(id));
    for (const [id, tree] of this.runs.treesTogether(flow, unread, fill.listing.ids)) fill.trees.set(id, tree);
    fill.reads.prefer(ids);
  }

  /** Within the interval after a refresh: the index stands for the datastore. */
  private fresh(flow: string): boolean {
    const state = this.flows.get(flow);
    return !state?.running && state?.finishedAt !== undefined && this.now() - state.finishedAt < this.minInterval;
  }

  private refreshBehind(flow: string, index: MetaflowIndex | undefined): void {
    this.refresh(flow, index).then(
      ({ changed }) => {
        if (changed) this.onRefreshed(flow);
      },
      () => undefined, // Offline or failing: the index's rows stay on screen (a progressive list says what is unread).
    );
  }

  private async progressive(flow: string, index: MetaflowIndex | undefined, cached: RunSummary[]): Promise<RunList> {
    if (!this.fresh(flow)) this.refreshBehind(flow, index);
    const state = this.flows.get(flow);
    // Cold: nothing to paint before the listing; a listing that fails (no such flow, offline) fails the list.
    if (cached.length === 0 && state?.running && state.started) {
      const finished = await Promise.race([state.started.then(() => undefined), state.running]);
      if (finished) return { runs: finished.runs, metadata: finished.metadata, fromIndex: false };
    }
    const fill = state?.fill;
    if (!index) cached = state?.lastRuns ?? [];
    const metadata = fill ? (fill.listing.hasMetadata ? 'local' : 'none') : cached.some((r) => r.tags !== null) ? 'local' : 'none';
    const fromIndex = state?.running !== undefined && state.cold !== true && cached.length > 0;
    if (!fill) return { runs: cached, metadata, fromIndex };
    const byId = new Map(cached.map((r) => [r.id, r]));
    for (const [id, row] of fill.reads.read) byId.set(id, row);
    const runs: RunSummary[] = [];
    let known = 0;
    for (const id of fill.listing.ids) {
      if (fill.reads.gone.has(id)) continue;
      const row = byId.get(id);
      byId.delete(id);
      if (row) known++;
      runs.push(row ?? listedRun(flow, id, fill.listing.hasMetadata));
    }
    const statuses = { known, total: runs.length, ...(fill.failure ? { stalled: fill.failure } : {}) };
    // Runs the index holds that this listing did not name (removed since) stay as the index has them.
    runs.push(...byId.values());
    return { runs, metadata, fromIndex, ...(known < statuses.total ? { statuses } : {}) };
  }

  /**
   * A flow's run count and newest run, for the flows list: one listing, and the newest run from the index when it
   * has finished there, else read (and kept) alone. The flow's other runs are not read.
   */
  async flowSummary(flow: string): Promise<FlowSummary> {
    const { ids, hasMetadata } = await this.runs.runIds(flow);
    const newest = ids[0];
    if (newest === undefined) return { flow, runCount: 0, latest: null };
    const index = await this.index;
    const cached = (await index?.getRuns(flow, { sort: 'id', order: 'desc', limit: 1 }))?.runs.find((r) => r.id === newest);
    if (cached && isFinished(cached.status)) return { flow, runCount: ids.length, latest: cached };
    const [latest] = await this.runs.summaries(flow, [newest], hasMetadata);
    if (latest) await index?.putRuns(flow, [latest], Date.now());
    return { flow, runCount: ids.length, latest: latest ?? cached ?? null };
  }

  /** Resolves when no refresh and no run view's reading is running (for closing the workspace, tests and benchmarks). */
  async settled(): Promise<void> {
    await Promise.allSettled([...[...this.flows.values()].map((s) => s.running), ...[...this.runViews.values()].map((v) => v.view.complete)]);
  }

  /** `progressive`: answers from the run's listing while its tasks are read, visible first (`preferTasks`). */
  async detail(flow: string, run: string, progressive = false): Promise<RunDetail> {
    const index = await this.index;
    const cached = await index?.getRunDetail(flow, run);
    if (cached && isFinished(cached.summary.status)) return cached;
    try {
      if (progressive) return await this.progressiveDetail(flow, run, index);
      const detail = await this.runs.detail(flow, run, await this.metadata.has(flow));
      await index?.putRunDetail(flow, run, detail, isFinished(detail.summary.status));
      return detail;
    } catch (err) {
      if (cached && err instanceof StratusError && err.code === 'UNREACHABLE') return cached;
      throw err;
    }
  }

  /** The tasks a progressive run view shows now: they are read next. */
  preferTasks(flow: string, run: string, tasks: readonly { step: string; task: string }[]): void {
    this.runViews.get(`${flow}/${run}`)?.view.prefer(tasks);
  }

  private async progressiveDetail(flow: string, run: string, index: MetaflowIndex | undefined): Promise<RunDetail> {
    const key = `${flow}/${run}`;
    let entry = this.runViews.get(key);
    // A view that ended long ago (its window closed before it was answered) no longer stands for the run.
    if (entry?.settledAt !== undefined && this.now() - entry.settledAt >= this.minInterval) {
      this.runViews.delete(key);
      entry = undefined;
    }
    if (!entry) {
      const [tree, hasMetadata] = await Promise.all([this.runs.tree(flow, run), this.metadata.has(flow)]);
      entry = this.runViews.get(key) ?? this.startView(flow, run, new ProgressiveRun(this.runs, flow, run, tree, hasMetadata), index);
    }
    // The first answer waits for the DAG and parameters: a few reads, against a view without its shape.
    await entry.view.headRead;
    // A finished (or stalled) view is answered once: the next open reads the run again.
    if (entry.view.finished) this.runViews.delete(key);
    return entry.view.view();
  }

  private startView(flow: string, run: string, view: ProgressiveRun, index: MetaflowIndex | undefined): RunView {
    const entry: RunView = { view };
    this.runViews.set(`${flow}/${run}`, entry);
    view.complete
      .then(
        (detail) => index?.putRunDetail(flow, run, detail, isFinished(detail.summary.status)),
        () => undefined, // Told in the view (`taskStatuses.stalled`).
      )
      .catch(() => undefined) // The index is a cache: a failed write only means the next open reads again.
      .finally(() => (entry.settledAt = this.now()));
    return entry;
  }

  /** The flow's refresh: the one running, or a new one. */
  private refresh(flow: string, index: MetaflowIndex | undefined): Promise<Refreshed> {
    const state = this.flows.get(flow) ?? {};
    this.flows.set(flow, state);
    if (state.running) return state.running;
    // The last failed refresh's rows still show what is unread until this one lists the flow.
    if (state.fill) state.fill.failure = undefined;
    let started = () => {};
    state.started = new Promise<void>((resolve) => (started = resolve));
    const running = this.read(flow, index, state, started).then(
      (result) => {
        state.running = undefined;
        state.fill = undefined;
        state.lastRuns = index ? undefined : result.runs;
        state.finishedAt = this.now();
        return result;
      },
      (err: unknown) => {
        // A failed refresh (offline) is not retried within the interval either: each would fail the same way.
        state.running = undefined;
        if (state.fill) state.fill.failure = `Reading statuses stopped: ${(err as Error).message} It is tried again when the list is next read.`;
        state.finishedAt = this.now();
        throw err;
      },
    );
    state.running = running;
    return running;
  }

  private async read(flow: string, index: MetaflowIndex | undefined, state: FlowRefresh, started: () => void): Promise<Refreshed> {
    const before = new Map(index ? (await index.getRuns(flow)).runs.map((r) => [r.id, r]) : []);
    state.cold = before.size === 0;
    const listing = await this.runs.runIds(flow);
    const { ids, hasMetadata } = listing;
    const metadata = hasMetadata ? 'local' : 'none';
    const unfinished = new Set(index ? await index.unfinishedRuns(flow) : []);
    const stale = index ? ids.filter((id) => !before.has(id) || unfinished.has(id)) : ids;
    const listedAt = Date.now();
    let changed = 0;
    // Run folders listed together, each used once: the first read (the newest runs, the window's first screen as it
    // opens sorted by start) and the rows on screen (`prefer`).
    const trees = this.runs.treesTogether(flow, stale.slice(0, CONCURRENCY), ids);
    const take = (id: string) => {
      const tree = trees.get(id);
      trees.delete(id);
      return tree;
    };
    const reads = new StatusFill({
      listed: ids,
      toRead: stale,
      concurrency: CONCURRENCY,
      readOne: (id) => this.runs.summaryOf(flow, id, hasMetadata, take(id)),
      write: async (rows) => {
        const fresh = rows.filter((r) => !isDeepStrictEqual(r, before.get(r.id)));
        changed += fresh.length;
        if (fresh.length > 0) await index?.putRuns(flow, fresh, listedAt);
      },
    });
    state.fill = { listing, reads, trees };
    started();
    await reads.done;
    if (!index) return { runs: ids.flatMap((id) => reads.read.get(id) ?? []), metadata, changed: true };
    return { runs: changed > 0 ? (await index.getRuns(flow)).runs : [...before.values()], metadata, changed: changed > 0 };
  }
}
