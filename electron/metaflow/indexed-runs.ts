import { isDeepStrictEqual } from 'node:util';
import type { FlowSummary, RunDetail, RunList } from '../../shared/contract.js';
import { StratusError } from '../../shared/errors.js';
import type { MetaflowIndex } from '../index/metaflow-index.js';
import type { LocalMetadata } from './local-metadata.js';
import { isFinished } from './run-status.js';
import type { MetaflowRuns } from './runs.js';

// The run list and run views through the local index: a flow seen before paints from the index at
// once and is refreshed behind it (finished runs never change, so only new and unfinished runs are
// read again); with the datastore out of reach, what the index holds is still shown.
//
// One refresh per flow at a time, none again within MIN_REFRESH_INTERVAL_MS of the last, and
// `onRefreshed` only when the refresh changed a row: the renderer re-reads the list when told, and
// that re-read must not start the refresh that tells it again.

/** How long a finished refresh stands for the datastore: lists within it are answered from the index alone. */
export const MIN_REFRESH_INTERVAL_MS = 10_000;

export interface IndexedRunsOptions {
  minRefreshIntervalMs?: number;
  now?: () => number;
}

type Refreshed = Omit<RunList, 'fromIndex'> & { changed: boolean };

interface FlowRefresh {
  running?: Promise<Refreshed>;
  /** When the last refresh ended, by `now`. */
  finishedAt?: number;
}

export class IndexedRuns {
  private readonly flows = new Map<string, FlowRefresh>();
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
  async list(flow: string): Promise<RunList> {
    const index = await this.index;
    const cached = index ? (await index.getRuns(flow)).runs : [];
    if (cached.length === 0) {
      const { runs, metadata } = await this.refresh(flow, index);
      return { runs, metadata, fromIndex: false };
    }
    const metadata = cached.some((r) => r.tags !== null) ? 'local' : 'none';
    const state = this.flows.get(flow);
    if (!state?.running && state?.finishedAt !== undefined && this.now() - state.finishedAt < this.minInterval) {
      return { runs: cached, metadata, fromIndex: false };
    }
    this.refresh(flow, index).then(
      ({ changed }) => {
        if (changed) this.onRefreshed(flow);
      },
      () => undefined, // Offline or failing: the index's rows stay on screen.
    );
    return { runs: cached, metadata, fromIndex: true };
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

  /** Resolves when no refresh is running (for closing the workspace, tests and benchmarks). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.flows.values()].map((s) => s.running));
  }

  async detail(flow: string, run: string): Promise<RunDetail> {
    const index = await this.index;
    const cached = await index?.getRunDetail(flow, run);
    if (cached && isFinished(cached.summary.status)) return cached;
    try {
      const detail = await this.runs.detail(flow, run, await this.metadata.has(flow));
      await index?.putRunDetail(flow, run, detail, isFinished(detail.summary.status));
      return detail;
    } catch (err) {
      if (cached && err instanceof StratusError && err.code === 'UNREACHABLE') return cached;
      throw err;
    }
  }

  /** The flow's refresh: the one running, or a new one. */
  private refresh(flow: string, index: MetaflowIndex | undefined): Promise<Refreshed> {
    const state = this.flows.get(flow) ?? {};
    this.flows.set(flow, state);
    if (state.running) return state.running;
    const running = this.read(flow, index).then(
      (result) => {
        state.running = undefined;
        state.finishedAt = this.now();
        return result;
      },
      (err: unknown) => {
        // A failed refresh (offline) is not retried within the interval either: each would fail the same way.
        state.running = undefined;
        state.finishedAt = this.now();
        throw err;
      },
    );
    state.running = running;
    return running;
  }

  private async read(flow: string, index: MetaflowIndex | undefined): Promise<Refreshed> {
    const { ids, hasMetadata } = await this.runs.runIds(flow);
    const metadata = hasMetadata ? 'local' : 'none';
    if (!index) return { runs: await this.runs.summaries(flow, ids, hasMetadata), metadata, changed: true };
    const before = new Map((await index.getRuns(flow)).runs.map((r) => [r.id, r]));
    const unfinished = new Set(await index.unfinishedRuns(flow));
    const stale = ids.filter((id) => !before.has(id) || unfinished.has(id));
    const listedAt = Date.now();
    const read = await this.runs.summaries(flow, stale, hasMetadata);
    const changed = read.filter((r) => !isDeepStrictEqual(r, before.get(r.id)));
    if (changed.length > 0) await index.putRuns(flow, changed, listedAt);
    return { runs: changed.length > 0 ? (await index.getRuns(flow)).runs : [...before.values()], metadata, changed: changed.length > 0 };
  }
}
