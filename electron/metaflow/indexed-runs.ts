import type { RunDetail, RunList } from '../../shared/contract.js';
import { StratusError } from '../../shared/errors.js';
import type { MetaflowIndex } from '../index/metaflow-index.js';
import type { LocalMetadata } from './local-metadata.js';
import type { MetaflowRuns } from './runs.js';

// The run list and run views through the local index: a flow seen before paints from the index at
// once and is refreshed behind it (finished runs never change, so only new and unfinished runs are
// read again); with the datastore out of reach, what the index holds is still shown.

export class IndexedRuns {
  constructor(
    private readonly runs: MetaflowRuns,
    private readonly metadata: LocalMetadata,
    /** Undefined when the index could not be opened: everything is then read from the datastore. */
    private readonly index: Promise<MetaflowIndex | undefined>,
    private readonly onRefreshed: (flow: string) => void,
  ) {}

  async list(flow: string): Promise<RunList> {
    const index = await this.index;
    const cached = index ? (await index.getRuns(flow)).runs : [];
    if (cached.length === 0) return { ...(await this.refresh(flow, index)), fromIndex: false };
    this.refresh(flow, index).then(
      () => this.onRefreshed(flow),
      () => undefined, // Offline or failing: the index's rows stay on screen.
    );
    return { runs: cached, metadata: cached.some((r) => r.tags !== null) ? 'local' : 'none', fromIndex: true };
  }

  async detail(flow: string, run: string): Promise<RunDetail> {
    const index = await this.index;
    const cached = await index?.getRunDetail(flow, run);
    if (cached && cached.summary.status !== 'running') return cached;
    try {
      const detail = await this.runs.detail(flow, run, await this.metadata.has(flow));
      await index?.putRunDetail(flow, run, detail, detail.summary.status !== 'running');
      return detail;
    } catch (err) {
      if (cached && err instanceof StratusError && err.code === 'UNREACHABLE') return cached;
      throw err;
    }
  }

  private async refresh(flow: string, index: MetaflowIndex | undefined): Promise<Omit<RunList, 'fromIndex'>> {
    const { ids, hasMetadata } = await this.runs.runIds(flow);
    const metadata = hasMetadata ? 'local' : 'none';
    if (!index) return { runs: await this.runs.summaries(flow, ids, hasMetadata), metadata };
    const known = new Set((await index.getRuns(flow)).runs.map((r) => r.id));
    const unfinished = new Set(await index.unfinishedRuns(flow));
    const stale = ids.filter((id) => !known.has(id) || unfinished.has(id));
    const listedAt = Date.now();
    await index.putRuns(flow, await this.runs.summaries(flow, stale, hasMetadata), listedAt);
    return { runs: (await index.getRuns(flow)).runs, metadata };
  }
}
