import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { AzureObjectStore } from '../../electron/azure/azure-object-store.js';
import { PIPELINE_OPTIONS } from '../../electron/azure/blob-client.js';
import { MetaflowIndex } from '../../electron/index/metaflow-index.js';
import { ArtifactReader } from '../../electron/metaflow/artifacts.js';
import { IndexedRuns } from '../../electron/metaflow/indexed-runs.js';
import { LocalMetadata } from '../../electron/metaflow/local-metadata.js';
import { MetaflowRuns } from '../../electron/metaflow/runs.js';
import type { ObjectStore } from '../../electron/storage/object-store.js';
import { startLinkProcess } from '../../test/harness/link-sim/process.js';
import type { Report } from '../report.js';

// Cold browsing over the office link (issue 17): a flow never opened, its index empty, opened as the window does
// (progressive: rows from the flow's one listing, statuses read behind them, the rows on screen first) against the
// way before (every run's status read before the first row). Measured: time to the first rows, and time until the
// first screen's rows (the newest, as the list opens sorted by start) all have their status.

/** Rows a first screen of the runs table shows (30 px rows in a window about 900 px high). */
const SCREEN_ROWS = 25;
const REPEATS = 2;
/** How often the bench reads the rows so far, as the window polls (its own poll is slower: 500 ms). */
const POLL_MS = 10;

export interface ColdFlow {
  endpoint: string;
  accountName: string;
  accountKey: string;
  container: string;
  flow: string;
  runs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const pause = () => new Promise((resolve) => setTimeout(resolve, POLL_MS));

function runsOver(store: ObjectStore, index: MetaflowIndex): IndexedRuns {
  const metadata = new LocalMetadata(store, '');
  return new IndexedRuns(new MetaflowRuns(store, '', new ArtifactReader(store, ''), metadata), metadata, Promise.resolve(index), () => undefined);
}

async function progressive(store: ObjectStore, index: MetaflowIndex, cold: ColdFlow): Promise<{ firstRows: number; screen: number }> {
  const view = runsOver(store, index);
  const started = performance.now();
  const first = await view.list(cold.flow, true);
  const firstRows = performance.now() - started;
  if (first.runs.length !== cold.runs || first.statuses === undefined) throw new Error(`The progressive open listed ${first.runs.length} runs, statuses ${JSON.stringify(first.statuses)}.`);
  const screen = first.runs.slice(0, SCREEN_ROWS).map((r) => r.id);
  view.prefer(cold.flow, screen);
  for (let list = first; list.runs.some((r) => r.listedOnly && screen.includes(r.id)); list = await view.list(cold.flow, true)) await pause();
  const screenMs = performance.now() - started;
  await view.settled();
  return { firstRows, screen: screenMs };
}

async function allFirst(store: ObjectStore, index: MetaflowIndex, cold: ColdFlow): Promise<number> {
  const started = performance.now();
  const list = await runsOver(store, index).list(cold.flow);
  if (list.runs.length !== cold.runs || list.runs.some((r) => r.listedOnly)) throw new Error('The cold open did not read every run.');
  return performance.now() - started;
}

export async function coldBrowsingOverOffice(report: Report, cold: ColdFlow): Promise<void> {
  const url = new URL(cold.endpoint);
  const link = await startLinkProcess({ host: url.hostname, port: Number(url.port) }, 'office');
  const dir = await mkdtemp(path.join(tmpdir(), 'stratus-bench-cold-'));
  try {
    const through = link.through(cold.endpoint);
    const client = new BlobServiceClient(through, new StorageSharedKeyCredential(cold.accountName, cold.accountKey), PIPELINE_OPTIONS);
    const store = new AzureObjectStore(client.getContainerClient(cold.container), through, { method: 'shared key', kind: 'sharedKey' });
    const firstRows: number[] = [];
    const screens: number[] = [];
    const all: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      for (const side of i % 2 === 0 ? (['progressive', 'all'] as const) : (['all', 'progressive'] as const)) {
        // A cold index each time, as a flow opened for the first time.
        const index = await MetaflowIndex.open(path.join(dir, `${side}-${i}.sqlite`));
        try {
          if (side === 'all') all.push(await allFirst(store, index, cold));
          else {
            const measured = await progressive(store, index, cold);
            firstRows.push(measured.firstRows);
            screens.push(measured.screen);
          }
        } finally {
          await index.close();
        }
      }
    }
    const label = `office cold ${cold.runs.toLocaleString('en-US')}-run flow`;
    const baseline = { name: 'all statuses first', value: Math.round(median(all)) };
    report({ name: `${label}, first rows`, value: Math.round(median(firstRows)), unit: 'ms', baseline });
    report({ name: `${label}, first screen statuses`, value: Math.round(median(screens)), unit: 'ms', baseline });
  } finally {
    await rm(dir, { recursive: true, force: true });
    await link.stop();
  }
}
