import type { RunList, RunListQuery, RunSummary } from '../../../shared/contract.js';
import type { MetaflowIndex } from '../../index/metaflow-index.js';
import { MIN_REFRESH_INTERVAL_MS } from '../indexed-runs.js';
import { DEFAULT_PAGE, type RunQuery, type ServiceRunPage, type ServiceRuns } from './service-runs.js';

// The runs list of a workspace with a metadata service: a page from the service, in the user's namespace unless
// asked otherwise, and cached in the local index like datastore runs. A list the index can paint is answered from
// it at once, marked with when the service last answered that flow (kept in the index, so it holds across
// restarts), while the service is asked behind it; `onRefreshed` then tells the renderer to read again, and that
// read gets the service's page. When the service does not answer, the cached rows stay, with its reason.
//
// A refresh's page (or failure) stands for MIN_REFRESH_INTERVAL_MS: reads within it are answered from it without
// asking again, so the read `onRefreshed` causes does not start the refresh that would tell it again.

interface ListState {
  running?: Promise<ServiceRunPage>;
  fresh?: { page: ServiceRunPage; at: number };
  failure?: { reason: string; at: number };
}

export class ServiceRunList {
  /** Per flow, per query (without the cursor): its last refresh. */
  private readonly lists = new Map<string, Map<string, ListState>>();

  constructor(
    readonly service: ServiceRuns,
    private readonly index: Promise<MetaflowIndex | undefined>,
    /** The user whose namespace lists open in; undefined lists every namespace, as Metaflow does without a user. */
    private readonly user: string | undefined,
    /** A refresh behind a cached list ended (with the service's page or its failure): the list should be read again. */
    private readonly onRefreshed: (flow: string) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {
    service.onTagsChanged((flow, run) => void this.tagsChanged(flow, run));
  }

  /** `user:<name>` for the workspace's user, else null (all). */
  get defaultNamespace(): string | null {
    return this.user === undefined ? null : `user:${this.user}`;
  }

  async list(flow: string, query: RunListQuery = {}): Promise<RunList> {
    const namespace = query.allNamespaces === true ? null : (query.namespace ?? this.defaultNamespace);
    const runQuery: RunQuery = {
      namespace,
      user: query.user,
      tags: query.tags,
      status: query.status,
      since: query.since,
      until: query.until,
      cursor: query.cursor,
      limit: query.limit,
    };
    const fromService = (page: ServiceRunPage): RunList => ({ runs: page.runs, metadata: 'service', fromIndex: false, namespace, ...(page.next === undefined ? {} : { next: page.next }) });
    const index = await this.index.catch(() => undefined);
    // A later page follows the cursor of a page just read: it comes from the service or not at all.
    if (query.cursor !== undefined) return fromService(await this.read(flow, runQuery, index));

    const state = this.state(flow, runQuery);
    const now = this.now();
    if (state.fresh && now - state.fresh.at < MIN_REFRESH_INTERVAL_MS) return fromService(state.fresh.page);
    const cached = index ? await this.cached(index, flow, runQuery, now) : [];
    if (cached.length === 0) return fromService(await this.refresh(flow, state, runQuery, index));

    // What was known when asked: a refresh failing while this answer is put together is told by `onRefreshed`.
    const failure = state.failure;
    const failedLately = failure !== undefined && now - failure.at < MIN_REFRESH_INTERVAL_MS;
    if (!state.running && !failedLately) {
      this.refresh(flow, state, runQuery, index).then(
        () => this.onRefreshed(flow),
        () => this.onRefreshed(flow),
      );
    }
    const cachedAt = index ? await index.getServiceRefresh(this.service.client.base, flow).catch(() => null) : null;
    return {
      runs: cached,
      metadata: 'service',
      fromIndex: true,
      namespace,
      ...(cachedAt === null ? {} : { cachedAt }),
      ...(failure === undefined ? {} : { unreachable: failure.reason.slice(0, 1000) }),
    };
  }

  /** A tag edit: the flow's pages read before it are dropped, and its row in the index is the run after it. */
  private async tagsChanged(flow: string, run: RunSummary): Promise<void> {
    for (const state of this.lists.get(flow)?.values() ?? []) state.fresh = undefined;
    const index = await this.index.catch(() => undefined);
    await index?.putRuns(flow, [forIndex(run)], this.now()).catch(() => undefined);
  }

  private state(flow: string, query: RunQuery): ListState {
    const key = JSON.stringify([query.namespace, query.user, query.tags, query.status, query.since, query.until, query.limit]);
    const lists = this.lists.get(flow) ?? new Map<string, ListState>();
    this.lists.set(flow, lists);
    const state = lists.get(key) ?? {};
    lists.set(key, state);
    return state;
  }

  /** The list's one refresh: the running one, or a new one that records its page or its failure. */
  private refresh(flow: string, state: ListState, query: RunQuery, index: MetaflowIndex | undefined): Promise<ServiceRunPage> {
    state.running ??= this.read(flow, query, index).then(
      (page) => {
        state.running = undefined;
        state.fresh = { page, at: this.now() };
        state.failure = undefined;
        return page;
      },
      (err: unknown) => {
        state.running = undefined;
        state.failure = { reason: err instanceof Error ? err.message : String(err), at: this.now() };
        throw err;
      },
    );
    return state.running;
  }

  /** A page from the service, written into the index with the time the service answered. */
  private async read(flow: string, query: RunQuery, index: MetaflowIndex | undefined): Promise<ServiceRunPage> {
    const page = await this.service.page(flow, query);
    const listedAt = this.now();
    if (index) {
      // The index is a cache: failing to write it loses nothing the service does not still hold.
      await Promise.all([
        page.runs.length > 0 ? index.putRuns(flow, page.runs.map(forIndex), listedAt) : undefined,
        query.cursor === undefined ? index.putServiceRefresh(this.service.client.base, flow, listedAt) : undefined,
      ]).catch(() => undefined);
    }
    return page;
  }

  private async cached(index: MetaflowIndex, flow: string, query: RunQuery, now: number): Promise<RunSummary[]> {
    const limit = query.limit ?? DEFAULT_PAGE;
    // Running and stale are judged again below, so either is read as both; tags beyond the namespace are checked
    // here, so only then is more than a page read.
    const live = query.status === 'running' || query.status === 'stale';
    const anyTags = query.tags !== undefined && query.tags.length > 0;
    const { runs } = await index
      .getRuns(flow, {
        ...(query.namespace === null ? {} : { tag: query.namespace }),
        user: query.user,
        status: query.status === undefined ? undefined : live ? ['running', 'stale'] : [query.status],
        from: query.since,
        // The index's bound is inclusive, the query's exclusive.
        to: query.until === undefined ? undefined : query.until - 1,
        ...(live || anyTags ? {} : { limit }),
      })
      .catch(() => ({ runs: [] as RunSummary[] }));
    const carries = (run: RunSummary, tag: string) => (run.tags ?? []).includes(tag) || (run.systemTags ?? []).includes(tag);
    // Liveness is judged again now: a run running when it was cached may have stopped beating since.
    return runs
      .map((r) => this.service.judgeCached(r, now))
      .filter((r) => query.status === undefined || r.status === query.status)
      .filter((r) => !anyTags || (query.tags ?? []).some((t) => carries(r, t)))
      .slice(0, limit);
  }
}

/** What the index keeps of a service run: the row without the heartbeat (not one of its columns). */
function forIndex({ lastHeartbeatAt: _heartbeat, ...run }: RunSummary): RunSummary {
  return run;
}
