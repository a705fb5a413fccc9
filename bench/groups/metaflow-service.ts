import { copyFile, appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IndexedRuns } from '../../electron/metaflow/indexed-runs.js';
import { ArtifactReader } from '../../electron/metaflow/artifacts.js';
import { LocalMetadata } from '../../electron/metaflow/local-metadata.js';
import { MetaflowRuns } from '../../electron/metaflow/runs.js';
import { MetadataServiceClient } from '../../electron/metaflow/service/service-client.js';
import { ServiceRunList } from '../../electron/metaflow/service/service-run-list.js';
import { ServiceRuns } from '../../electron/metaflow/service/service-runs.js';
import { generateDatastore } from '../../electron/sample/metaflow-datastore.js';
import { LocalObjectStore } from '../../electron/storage/local-object-store.js';
import { SERVICE_FIXTURE_DIR, serviceUnavailable, startMetaflowService } from '../../test/harness/metaflow-service.js';
import type { Report } from '../report.js';

// A flow with 10,000 runs in the real metadata service (the fixture's dump plus runs made by SQL from the shapes
// of its ForeachFlow run 1: the same tags, system tags, heartbeat and `end` metadata, two users, 100 batch tags),
// and the same number of runs in a generated folder datastore. Measured: the time to the first rows of the runs
// list (the user's namespace, one page) and to a list filtered by tag, each against listing the datastore's flow.

const RUNS = Number(process.env.METAFLOW_BENCH_SERVICE_RUNS ?? 10_000);
const FLOW = 'BenchFlow';
const REPEATS = 3;
const log = (line: string) => process.stderr.write(`metaflow service bench: ${line}\n`);
const since = (start: number) => performance.now() - start;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Runs and their `end` metadata, copied from ForeachFlow/1 with new numbers, users and tags. */
function benchSql(runs: number): string {
  return `
INSERT INTO public.flows_v3 (flow_id, user_name, ts_epoch, tags, system_tags) SELECT '${FLOW}', user_name, ts_epoch, tags, system_tags FROM public.flows_v3 WHERE flow_id = 'ForeachFlow';
INSERT INTO public.runs_v3 (flow_id, run_number, user_name, ts_epoch, tags, system_tags, run_id, last_heartbeat_ts)
  SELECT '${FLOW}', 100000 + g, u.name, r.ts_epoch + g * 1000, jsonb_build_array('bench', 'batch:' || (g % 100)),
         (SELECT jsonb_agg(CASE WHEN t LIKE 'user:%' THEN 'user:' || u.name ELSE t END) FROM jsonb_array_elements_text(r.system_tags) t),
         NULL, r.last_heartbeat_ts + g
  FROM generate_series(1, ${runs}) g CROSS JOIN public.runs_v3 r
  CROSS JOIN LATERAL (SELECT CASE WHEN g % 2 = 0 THEN 'alice' ELSE 'bob' END AS name) u
  WHERE r.flow_id = 'ForeachFlow' AND r.run_number = 1;
INSERT INTO public.metadata_v3 (flow_id, run_number, step_name, task_id, id, field_name, value, type, user_name, ts_epoch, tags, system_tags, run_id, task_name)
  SELECT '${FLOW}', 100000 + g, m.step_name, 10000000 + g, 100000000 + g * 100 + m.n, m.field_name, m.value, m.type, m.user_name,
         m.ts_epoch + g * 1000, m.tags, m.system_tags, NULL, NULL
  FROM generate_series(1, ${runs}) g
  CROSS JOIN (SELECT *, row_number() OVER () AS n FROM public.metadata_v3 WHERE flow_id = 'ForeachFlow' AND run_number = 1 AND step_name = 'end') m;
`;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: since(start), value };
}

export async function run(report: Report): Promise<void> {
  const unavailable = serviceUnavailable();
  if (unavailable !== undefined) {
    log(`skipped: ${unavailable}`);
    return;
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'stratus-bench-mfsvc-'));
  try {
    const dump = path.join(dir, 'bench.sql');
    await copyFile(path.join(SERVICE_FIXTURE_DIR, 'metadata.sql'), dump);
    await appendFile(dump, benchSql(RUNS));
    let started = performance.now();
    const service = await startMetaflowService({ dump });
    log(`setup: the service with ${RUNS} runs of ${FLOW} started in ${(since(started) / 1000).toFixed(1)} s`);
    const folder = path.join(dir, 'datastore');
    started = performance.now();
    await generateDatastore({ folder }, { flow: FLOW, runs: RUNS, stepsPerRun: 2, artifactsPerTask: 0, retryEvery: 0 });
    log(`setup: the same ${RUNS} runs written to a folder datastore in ${(since(started) / 1000).toFixed(1)} s`);
    try {
      const store = new LocalObjectStore(folder);
      const metadata = new LocalMetadata(store, '');
      const datastoreList = () => new IndexedRuns(new MetaflowRuns(store, '', new ArtifactReader(store, ''), metadata), metadata, Promise.resolve(undefined), () => undefined).list(FLOW);
      // Each repeat a fresh list, as when a workspace opens: nothing cached between them.
      const serviceList = () => new ServiceRunList(new ServiceRuns(new MetadataServiceClient(service.url)), Promise.resolve(undefined), 'alice');
      const first: number[] = [];
      const tagged: number[] = [];
      const datastore: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        const page = await timed(() => serviceList().list(FLOW));
        if (page.value.runs.length === 0 || page.value.next === undefined) throw new Error('The first page of the service list is empty or the last one.');
        first.push(page.ms);
        const byTag = await timed(() => serviceList().list(FLOW, { allNamespaces: true, tags: ['batch:7'] }));
        if (byTag.value.runs.length === 0 || byTag.value.runs.some((r) => !(r.tags ?? []).includes('batch:7'))) throw new Error('The tag filter listed other runs.');
        tagged.push(byTag.ms);
        const all = await timed(() => datastoreList());
        if (all.value.runs.length !== RUNS) throw new Error(`The datastore listed ${all.value.runs.length} runs, not ${RUNS}.`);
        datastore.push(all.ms);
      }
      const baseline = { name: `listing the same ${RUNS}-run flow from a folder datastore`, value: median(datastore) };
      report({ name: `metaflow service ${RUNS} runs: time to first rows (user namespace, 50 runs)`, value: median(first), unit: 'ms', baseline });
      report({ name: `metaflow service ${RUNS} runs: time to a list filtered by tag`, value: median(tagged), unit: 'ms', baseline });
    } finally {
      await service.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
