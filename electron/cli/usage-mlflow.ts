import { parseArgs } from 'node:util';
import type { MlflowUsage } from '../../shared/schemas/mlflow-usage.js';
import { parseWasbs } from '../../shared/wasbs.js';
import { createIdentityProvider } from '../azure/identity.js';
import type { Env } from '../azure/blob-client.js';
import { ArtifactRoots } from '../mlflow/artifact-roots.js';
import { openMlflowSource } from '../mlflow/open-source.js';
import type { Services } from '../services.js';
import { call } from './call.js';
import { withCliServices } from './cli-services.js';
import { resolveEndpoint } from './endpoint.js';
import { printTable, usageError } from './output.js';
import { envForTrackingUri } from './tracking-env.js';

// The MLflow side of `stratus usage`: bytes per experiment (artifacts, deleted runs, traces), by
// tier, and what gc would free, from the same mlflow.usage handler the app's view calls.
// `runMlflowUsage` is for the `usage` command; `stratus mlflow usage` runs it on its own.

export const MLFLOW_USAGE_COMMAND = `usage: stratus mlflow usage [--tracking-uri URI] [--container NAME] [--endpoint URL] [--rescan] [--json]

  Bytes per experiment and run (artifacts, traces), deleted runs apart, by access tier, and what
  gc would free. The artifacts' container defaults to the first experiment's wasbs:// location;
  the endpoint to METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT, the connection string's, or the account's.`;

export interface MlflowUsageOptions {
  trackingUri: string;
  /** The container holding the artifacts (the workspace's sysroot). */
  container?: string;
  endpoint?: string;
  rescan?: boolean;
  json: boolean;
  env?: Env;
}

/** The container and blob endpoint of the first wasbs:// artifact location the store names. */
async function artifactsAccount(trackingUri: string, env: Env): Promise<{ container: string; endpoint: string } | undefined> {
  const source = await openMlflowSource(trackingUri, env, new ArtifactRoots(env, createIdentityProvider(), undefined));
  try {
    for (const e of await source.experiments('all')) {
      const parsed = e.artifactLocation === null ? undefined : parseWasbs(e.artifactLocation);
      if (parsed?.ok) return { container: parsed.value.container, endpoint: parsed.value.endpoint };
    }
    return undefined;
  } finally {
    await source.close();
  }
}

export async function runMlflowUsage(services: Services, options: MlflowUsageOptions): Promise<MlflowUsage> {
  const env = envForTrackingUri(options.trackingUri, options.env ?? process.env);
  const found = options.container === undefined ? await artifactsAccount(options.trackingUri, env) : undefined;
  const container = options.container ?? found?.container;
  if (container === undefined) throw usageError('No experiment keeps its artifacts in Azure (wasbs://): name the container with --container.');
  const endpoint = options.endpoint ?? (hasEndpoint(env) ? resolveEndpoint(undefined, env) : found?.endpoint);
  if (endpoint === undefined) throw usageError('No blob endpoint: pass --endpoint URL.');
  const workspace = await call(services, 'workspace.open', { sysroot: container, endpoint, credential: { kind: 'environment' }, mlflowTrackingUri: options.trackingUri });
  const stop = options.json
    ? undefined
    : services.events.subscribe((event, payload) => {
        if (event !== 'mlflow.usage.progress') return;
        const p = payload as { phase: string; done: number; total: number };
        process.stderr.write(`\r${p.phase} ${p.done}/${p.total}${p.phase === 'done' ? '\n' : ''}`);
      });
  try {
    const usage = await call(services, 'mlflow.usage', { workspaceId: workspace.id, rescan: options.rescan });
    printUsage(usage, options.json);
    return usage;
  } finally {
    stop?.();
  }
}

function hasEndpoint(env: Env): boolean {
  return Boolean(env.METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT || env.AZURE_STORAGE_CONNECTION_STRING);
}

function printUsage(usage: MlflowUsage, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(usage, null, 2)}\n`);
    return;
  }
  printTable(
    usage.experiments.map((e) => ({
      ...e,
      name: e.deleted ? `${e.name} (deleted)` : e.name,
      archiveBytes: e.tiers.find((t) => t.tier === 'Archive')?.bytes ?? 0,
      gcBytes: e.gcBytes ?? 'unknown',
    })),
    ['experimentId', 'name', 'runs', 'deletedRuns', 'artifactBytes', 'deletedBytes', 'traceBytes', 'archiveBytes', 'gcBytes'],
  );
  process.stdout.write(`${usage.listedRuns} runs listed, ${usage.cachedRuns} from the cache\n`);
  for (const note of usage.notes) process.stdout.write(`note: ${note}\n`);
}

export async function mlflowUsageCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'tracking-uri': { type: 'string' },
      container: { type: 'string' },
      endpoint: { type: 'string' },
      rescan: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${MLFLOW_USAGE_COMMAND}\n`);
    return;
  }
  // The tracking URI may also come as the one positional, as in `stratus mlflow usage <uri>`.
  if (positionals.length > 1 || (positionals.length === 1 && values['tracking-uri'] !== undefined)) throw usageError(MLFLOW_USAGE_COMMAND);
  const trackingUri = values['tracking-uri'] ?? positionals[0] ?? process.env.MLFLOW_TRACKING_URI;
  if (!trackingUri) throw usageError('No tracking store: pass --tracking-uri URI or set MLFLOW_TRACKING_URI.');
  await withCliServices((services) =>
    runMlflowUsage(services, { trackingUri, container: values.container, endpoint: values.endpoint, rescan: values.rescan, json: values.json }),
  );
}
