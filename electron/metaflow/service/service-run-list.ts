import type { RunList, RunListQuery, RunSummary } from '../../../shared/contract.js';
import { StratusError } from '../../../shared/errors.js';
import type { MetaflowIndex } from '../../index/metaflow-index.js';
import type { RunQuery, ServiceRuns } from './service-runs.js';

// The runs list of a workspace with a metadata service: a page from the service, in the user's namespace unless
// asked otherwise, and cached in the local index like datastore runs. When the service does not answer, the
// index's rows are served with the same filters, marked as cached with the time of the last answer.

export class ServiceRunList {
  /** Per flow, when the service last answered its list (this session). */
  private readonly refreshedAt = new Map<string, number>();

  constructor(
    readonly service: ServiceRuns,
    private readonly index: Promise<MetaflowIndex | undefined>,
    /** The user whose namespace lists open in; undefined lists every namespace, as Metaflow does without a user. */
    private readonly user: string | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** `user:<name>` for the workspace's user, else null (all). */
  get defaultNamespace(): string | null {
    return this.user === undefined ? null : `user:${this.user}`;
  }

  async list(flow: string, query: RunListQuery = {}): Promise<RunList> {
    const namespace = query.allNamespaces === true ? null : (query.namespace ?? this.defaultNamespace);
    const runQuery: RunQuery = { namespace, user: query.user, tags: query.tags, status: query.status, since: query.since, until: query.until, cursor: query.cursor, limit: query.limit };
    const index = await this.index.catch(() => undefined);
    try {
      const page = await this.service.page(flow, runQuery);
      const listedAt = this.now();
      this.refreshedAt.set(flow, listedAt);
      // The index keeps what the clock does not change: liveness is judged again whenever a list is served.
      if (index && page.runs.length > 0) await index.putRuns(flow, page.runs.map(forIndex), listedAt).catch(() => undefined);
      return { runs: page.runs, metadata: 'service', fromIndex: false, namespace, ...(page.next === undefined ? {} : { next: page.next }) };
    } catch (err) {
      if (!(err instanceof StratusError) || err.code !== 'UNREACHABLE' || !index || query.cursor !== undefined) throw err;
      const cached = await this.cached(index, flow, runQuery);
      if (cached.length === 0) throw err;
      const cachedAt = this.refreshedAt.get(flow);
      return { runs: cached, metadata: 'service', fromIndex: true, namespace, ...(cachedAt === undefined ? {} : { cachedAt }) };
    }
  }

  private async cached(index: MetaflowIndex, flow: string, query: RunQuery): Promise<RunSummary[]> {
    const { runs } = await index.getRuns(flow, {
      user: query.user,
      status: query.status === undefined ? undefined : [query.status],
      from: query.since,
      // The index's bound is inclusive, the query's exclusive.
      to: query.until === undefined ? undefined : query.until - 1,
    });
    const carries = (run: RunSummary, tag: string) => (run.tags ?? []).includes(tag) || (run.systemTags ?? []).includes(tag);
    return runs
      .filter((r) => query.namespace === null || carries(r, query.namespace))
      .filter((r) => query.tags === undefined || query.tags.length === 0 || query.tags.some((t) => carries(r, t)))
      .slice(0, query.limit ?? 50);
  }
}

/** What the index keeps of a service run: the row without the heartbeat (not one of its columns). */
function forIndex({ lastHeartbeatAt: _heartbeat, ...run }: RunSummary): RunSummary {
  return run;
}
