import type { RunStatus, RunSummary } from '../../../shared/contract.js';
import { mapLimited } from '../../core/limit.js';
import { ServiceRefusal, type MetadataServiceClient, type RunFilters } from './service-client.js';
import { DEFAULT_HEARTBEAT_CUTOFF_S, runOutcome, serviceRunSummary, type RunOutcome } from './service-status.js';
import type { WireRun } from './service-wire.js';

// Runs of a flow from the metadata service, a page at a time: the filters (namespace, user, tag, status, start time)
// run on the service, so a flow with 100,000 runs opens with its first page. Each run's outcome comes from its metadata
// (one request per run on the page, finished outcomes kept: they never change). Whether an unfinished run is
// still running is the service's own call (`status:eq=running`, which applies its RUN_INACTIVE_CUTOFF_TIME);
// a service too old for that filter is judged by the heartbeat against the default cutoff.

const CONCURRENCY = 16;
export const DEFAULT_PAGE = 50;

export interface RunQuery {
  /** A tag every run must carry (`user:alice`, as Metaflow's namespace); null for all namespaces. */
  namespace: string | null;
  user?: string;
  /** Runs carrying any of these tags (user or system). */
  tags?: readonly string[];
  status?: RunStatus;
  /** Started at or after / before, epoch ms. */
  since?: number;
  until?: number;
  cursor?: string;
  limit?: number;
}

export type ServiceRunSummary = RunSummary & { lastHeartbeatAt: number | null };

export interface ServiceRunPage {
  runs: ServiceRunSummary[];
  next?: string;
}

/**
 * The service's status filter for ours: stale runs are among its `failed` ones (no end, heartbeat too old). A service
 * run is never `unknown` (it always has its task records); asking for it reads the unfinished ones and keeps none.
 */
const SERVICE_STATUS: Record<RunStatus, 'completed' | 'failed' | 'running'> = { succeeded: 'completed', failed: 'failed', stale: 'failed', running: 'running', unknown: 'running' };

export function startedWithin(run: RunSummary, since: number | undefined, until: number | undefined): boolean {
  if (since === undefined && until === undefined) return true;
  if (run.startedAt === null) return false;
  return (since === undefined || run.startedAt >= since) && (until === undefined || run.startedAt < until);
}

export class ServiceRuns {
  private readonly outcomes = new Map<string, RunOutcome>();
  private readonly tagListeners: ((flow: string, run: ServiceRunSummary) => void)[] = [];
  private readonly cutoffMs: number;
  private readonly now: () => number;

  constructor(
    readonly client: MetadataServiceClient,
    options: { heartbeatCutoffSeconds?: number; now?: () => number } = {},
  ) {
    this.cutoffMs = (options.heartbeatCutoffSeconds ?? DEFAULT_HEARTBEAT_CUTOFF_S) * 1000;
    this.now = options.now ?? Date.now;
  }

  async page(flow: string, query: RunQuery): Promise<ServiceRunPage> {
    const filters: RunFilters = {
      ...(query.user === undefined ? {} : { user: query.user }),
      ...(query.namespace === null ? {} : { tagsAll: [query.namespace] }),
      ...(query.tags === undefined || query.tags.length === 0 ? {} : { tagsAny: query.tags }),
      ...(query.status === undefined ? {} : { status: [SERVICE_STATUS[query.status]] }),
      ...(query.since === undefined ? {} : { startedFrom: query.since }),
      ...(query.until === undefined ? {} : { startedBefore: query.until }),
    };
    if (filters.tagsAll && filters.tagsAny) {
      // The service takes one of each; a namespace and one tag both must hold, so both go into `_tags:all`.
      if (filters.tagsAny.length === 1) {
        filters.tagsAll = [...filters.tagsAll, filters.tagsAny[0]];
        delete filters.tagsAny;
      }
    }
    const page = await this.client.runsPage(flow, { limit: query.limit ?? DEFAULT_PAGE, cursor: query.cursor, filters });
    const runs = await this.summaries(flow, page.items);
    // A service older than the runs filters ignores the time bounds: they hold on each page all the same.
    const kept = runs.filter((r) => (query.status === undefined || r.status === query.status) && startedWithin(r, query.since, query.until));
    return { runs: kept, next: page.next };
  }

  /** A run as the index cached it, its liveness judged at `now`: running only while its last sign of life is recent. */
  judgeCached(run: RunSummary, now: number): RunSummary {
    if (run.status !== 'running' || (run.lastActivityAt !== null && now - run.lastActivityAt <= this.cutoffMs)) return run;
    return { ...run, status: 'stale' };
  }

  async summary(flow: string, run: string): Promise<ServiceRunSummary> {
    const [found] = await this.summaries(flow, [await this.client.run(flow, run)]);
    return found;
  }

  /** Adds and removes user tags (system tags are the service's and refused by it); the run as it is after. */
  async mutateTags(flow: string, run: string, add: readonly string[], remove: readonly string[]): Promise<ServiceRunSummary> {
    await this.client.mutateTags(flow, run, add, remove);
    const after = await this.summary(flow, run);
    for (const listener of this.tagListeners) listener(flow, after);
    return after;
  }

  /** Called with the run as it is after each tag edit made here, so cached lists do not show the tags before it. */
  onTagsChanged(listener: (flow: string, run: ServiceRunSummary) => void): void {
    this.tagListeners.push(listener);
  }

  private async summaries(flow: string, runs: readonly WireRun[]): Promise<ServiceRunSummary[]> {
    const now = this.now();
    const outcomes = await mapLimited(runs, CONCURRENCY, (run) => this.outcome(flow, run.run_id ?? run.run_number));
    const summaries = runs.map((run, i) => serviceRunSummary(run, outcomes[i], this.cutoffMs, now));
    const unfinished = summaries.filter((s) => s.status === 'running' || s.status === 'stale');
    if (unfinished.length === 0) return summaries;
    const running = await this.runningOnService(flow);
    if (running === undefined) return summaries;
    return summaries.map((s) => (s.status === 'running' || s.status === 'stale' ? { ...s, status: running.has(s.id) ? 'running' : 'stale' } : s));
  }

  private async outcome(flow: string, run: string): Promise<RunOutcome> {
    const key = `${flow}/${run}`;
    const known = this.outcomes.get(key);
    if (known) return known;
    const outcome = runOutcome(await this.client.runMetadata(flow, run));
    if (outcome.outcome !== 'unfinished') this.outcomes.set(key, outcome);
    return outcome;
  }

  /** Ids the service itself calls running; undefined when it has no status filter (older than the runs filters). */
  private async runningOnService(flow: string): Promise<Set<string> | undefined> {
    try {
      const running = await this.client.runs(flow, { status: ['running'] });
      return new Set(running.map((r) => r.run_id ?? r.run_number));
    } catch (err) {
      if (err instanceof ServiceRefusal && err.status === 400) return undefined;
      throw err;
    }
  }
}
