import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SERVICE_FIXTURE_DIR } from './metaflow-service.js';

// The fixture's recorded REST exchanges (rest/, see its README): what the real service answered, read as the
// expectations of tests, independently of Stratus's own client.

export interface RecordedRun {
  flow_id: string;
  run_number: number | string;
  user: string | null;
  ts_epoch: number;
  tags: string[];
  system_tags: string[];
  last_heartbeat_ts: number | null;
}

interface Exchange {
  path: string;
  status: number;
  body: unknown;
  recorded_at_epoch_ms: number;
}

/** rest/'s file name for a GET path: `/` → `__`, other odd characters → `_`. */
function fileFor(urlPath: string): string {
  return `${urlPath.replace(/^\//, '').replace(/\//g, '__').replace(/[^A-Za-z0-9_.-]/g, '_')}.json`;
}

export async function recorded(urlPath: string): Promise<Exchange> {
  const exchange = JSON.parse(await readFile(path.join(SERVICE_FIXTURE_DIR, 'rest', fileFor(urlPath)), 'utf8')) as Exchange;
  if (exchange.path !== urlPath) throw new Error(`rest/${fileFor(urlPath)} records ${exchange.path}, not ${urlPath}`);
  return exchange;
}

/** Every run the service held when rest/ was recorded (after the tag edits), by flow. */
export async function recordedRuns(): Promise<Map<string, RecordedRun[]>> {
  const flows = (await recorded('/flows')).body as { flow_id: string }[];
  const byFlow = new Map<string, RecordedRun[]>();
  for (const { flow_id: flow } of flows) byFlow.set(flow, (await recorded(`/flows/${flow}/runs`)).body as RecordedRun[]);
  return byFlow;
}
