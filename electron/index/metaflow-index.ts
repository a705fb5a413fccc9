import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { RunDetail, RunSummary, TaskDetail } from '../../shared/schemas/metaflow.js';
import { SchemaVersionError } from '../core/migrate.js';
import { startWorker } from '../core/workers/worker-entry.js';
import { WorkerRpc } from '../core/workers/worker-rpc.js';
import type { IndexStore } from './index-store.js';
import type { IndexRunPage, IndexRunQuery, ObjectVersion, RecordedObject, TaskKey } from './index-types.js';
import { LOCAL_INDEX } from './migrations.js';
import type { UsageCasRecord, UsageRowPage, UsageRowQuery, UsageRunRecord, UsageRunUnique } from './usage-types.js';
import type { ErrorShape, IndexOp, IndexRequest, OpRequest } from './protocol.js';

// The local index of one workspace, as the main process uses it: every call is a message to the
// index worker, which owns the sqlite connection, so a query over 10,000 runs never blocks the
// event loop that serves IPC. What comes back is validated here against the contract's schemas
// (cheap next to the query; zod is loaded here already): a row that fails (hand-edited, written by
// a buggy version) is reported missing and forgotten, so the next refresh reads it again from the
// datastore rather than the app failing on it.
//
// Starting the worker (electron/core/workers/worker-entry.ts): built, `dist/electron/index/index-worker.js`
// sits beside this module and starts as is. Under vitest there is only `index-worker.ts`: vitest
// transforms modules in its own runner, not through a loader a worker thread inherits, so
// `new Worker(new URL('./index-worker.js', import.meta.url))` finds no file, a `.ts` URL fails with
// "Unknown file extension", and so does a `.ts` URL with `execArgv: ['--import', 'tsx']` on Node 20
// (tried). The helper then boots the worker through tsx's `tsImport` (tsx is a devDependency),
// which also maps the worker's own `.js` imports to their `.ts` sources. It chooses by whether the
// `.js` exists, not by the URL's extension or the host's flags, so the built app never needs tsx.

/** The object's blob version as listed: `lastModified` as a Date (ListedObject) or epoch ms. */
export interface ObjectRead {
  name: string;
  etag?: string;
  lastModified?: Date | number;
}

function rebuildError(shape: ErrorShape): Error {
  if (shape.version) return new SchemaVersionError(LOCAL_INDEX, shape.version.file, shape.version.found, shape.version.supported);
  const err = new Error(shape.message);
  err.name = shape.name;
  return err;
}

export class MetaflowIndex {
  private readonly rpc: WorkerRpc<ErrorShape>;

  private constructor(
    worker: Worker,
    readonly file: string,
  ) {
    this.rpc = new WorkerRpc(worker, {
      rebuild: rebuildError,
      died: (cause) =>
        new Error('error' in cause ? `The local index ${file} failed: ${cause.error.message}` : `The local index thread for ${file} stopped (exit code ${cause.exitCode}).`),
    });
  }

  /** Starts the worker, then opens and migrates `file`, creating its folder. */
  static async open(file: string): Promise<MetaflowIndex> {
    await mkdir(path.dirname(file), { recursive: true });
    const index = new MetaflowIndex(startWorker(import.meta.url, 'index-worker'), file);
    try {
      await index.rpc.request((id) => ({ id, op: 'open', file }) satisfies IndexRequest);
    } catch (err) {
      await index.rpc.stop(err as Error);
      throw err;
    }
    return index;
  }

  putFlows(names: string[], listedAt = Date.now()): Promise<void> {
    return this.call('putFlows', [names, listedAt]);
  }

  getFlows(): Promise<string[]> {
    return this.call('getFlows', []);
  }

  /** Upserts listed runs; a finished run already indexed from a newer listing is kept as it is. */
  putRuns(flow: string, runs: RunSummary[], listedAt: number): Promise<void> {
    return this.call('putRuns', [flow, runs, listedAt]);
  }

  /** A page of a flow's runs, newest first unless `query.sort`/`order` say otherwise. */
  async getRuns(flow: string, query: IndexRunQuery = {}): Promise<IndexRunPage> {
    const page = await this.call('getRuns', [flow, query]);
    const runs: RunSummary[] = [];
    const corrupt: string[] = [];
    for (const stored of page.runs) {
      const parsed = RunSummary.safeParse(stored.value);
      if (parsed.success) runs.push(parsed.data);
      else corrupt.push(stored.key);
    }
    if (corrupt.length > 0) await this.forget('forgetRuns', [flow, corrupt]);
    return { runs, total: page.total - corrupt.length };
  }

  unfinishedRuns(flow: string): Promise<string[]> {
    return this.call('unfinishedRuns', [flow]);
  }

  /** `finished`: the view will not change (the run ended), so a stale read never replaces it. */
  putRunDetail(flow: string, run: string, detail: RunDetail, finished: boolean, readAt = Date.now()): Promise<void> {
    return this.call('putRunDetail', [flow, run, detail, finished, readAt]);
  }

  async getRunDetail(flow: string, run: string): Promise<RunDetail | undefined> {
    const stored = await this.call('getRunDetail', [flow, run]);
    if (stored === undefined) return undefined;
    const parsed = RunDetail.safeParse(stored);
    if (parsed.success) return parsed.data;
    await this.forget('forgetRunDetail', [flow, run]);
    return undefined;
  }

  /** Keyed by the task and `detail.attempt`; `finished`: the attempt ended, its artifacts are final. */
  putTaskDetail(key: TaskKey, detail: TaskDetail, finished: boolean, readAt = Date.now()): Promise<void> {
    return this.call('putTaskDetail', [key, detail, finished, readAt]);
  }

  /** Without `attempt`, the highest attempt indexed. */
  async getTaskDetail(key: TaskKey & { attempt?: number }): Promise<TaskDetail | undefined> {
    const stored = await this.call('getTaskDetail', [key]);
    if (stored === undefined) return undefined;
    const parsed = TaskDetail.safeParse(stored.value);
    if (parsed.success) return parsed.data;
    await this.forget('forgetTaskDetail', [{ flow: key.flow, run: key.run, step: key.step, task: key.task, attempt: stored.key }]);
    return undefined;
  }

  /** Records the blob versions entries were read from, to tell later whether a blob changed. */
  recordObjects(objects: ObjectRead[], readAt = Date.now()): Promise<void> {
    const versions: ObjectVersion[] = objects.map((o) => ({
      name: o.name,
      etag: o.etag,
      lastModified: o.lastModified instanceof Date ? o.lastModified.getTime() : o.lastModified,
    }));
    return this.call('recordObjects', [versions, readAt]);
  }

  getObjects(names: string[]): Promise<RecordedObject[]> {
    return this.call('getObjects', [names]);
  }

  /** A metadata service (by its URL) answered the flow's runs list at `at`. */
  putServiceRefresh(service: string, flow: string, at: number): Promise<void> {
    return this.call('putServiceRefresh', [service, flow, at]);
  }

  /** When that service last answered the flow's runs list (epoch ms), null if never. */
  getServiceRefresh(service: string, flow: string): Promise<number | null> {
    return this.call('getServiceRefresh', [service, flow]);
  }

  /** Storage usage (issue 18): scanned runs replace what the index held of them. */
  putUsageRuns(flow: string, runs: UsageRunRecord[], scannedAt = Date.now()): Promise<void> {
    return this.call('putUsageRuns', [flow, runs, scannedAt]);
  }

  putUsageCas(flow: string, blobs: UsageCasRecord[]): Promise<void> {
    return this.call('putUsageCas', [flow, blobs]);
  }

  /** `runs` null: the whole flow. */
  forgetUsage(flow: string, runs: string[] | null): Promise<void> {
    return this.call('forgetUsage', [flow, runs]);
  }

  usageScanned(flow: string): Promise<{ run: string; finished: boolean }[]> {
    return this.call('usageScanned', [flow]);
  }

  usageFlowNames(): Promise<string[]> {
    return this.call('usageFlowNames', []);
  }

  usageFlows(query: UsageRowQuery): Promise<UsageRowPage> {
    return this.call('usageFlows', [query]);
  }

  usageRuns(flow: string, query: UsageRowQuery): Promise<UsageRowPage> {
    return this.call('usageRuns', [flow, query]);
  }

  usageSteps(flow: string, run: string, query: UsageRowQuery): Promise<UsageRowPage> {
    return this.call('usageSteps', [flow, run, query]);
  }

  usageRunUnique(flow: string, run: string): Promise<UsageRunUnique> {
    return this.call('usageRunUnique', [flow, run]);
  }

  usageBuiltAt(): Promise<number | null> {
    return this.call('usageBuiltAt', []);
  }

  /** Closes the database (after the requests already sent) and ends the worker. */
  async close(): Promise<void> {
    if (this.rpc.stoppedWith) return;
    await this.rpc.request((id) => ({ id, op: 'close' }) satisfies IndexRequest);
    await this.rpc.stop(new Error(`The local index ${this.file} is closed.`));
  }

  private call<K extends IndexOp>(op: K, args: Parameters<IndexStore[K]>): Promise<ReturnType<IndexStore[K]>> {
    // `op` and `args` match by this signature; TypeScript cannot narrow the union of requests by K.
    return this.rpc.request((id) => ({ id, op, args }) as OpRequest) as Promise<ReturnType<IndexStore[K]>>;
  }

  /** A failed clean-up is not the reader's problem: the row is only found corrupt again next time. */
  private async forget<K extends 'forgetRuns' | 'forgetRunDetail' | 'forgetTaskDetail'>(op: K, args: Parameters<IndexStore[K]>): Promise<void> {
    await this.call(op, args).catch(() => undefined);
  }
}
