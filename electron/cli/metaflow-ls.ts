import type { ArgsOf, Channel, ResultOf } from '../../shared/contract.js';
import { checkSysroot } from '../../shared/sysroot.js';
import { openContainerStore } from '../azure/azure-object-store.js';
import { connectionStringEndpoint, parseConnectionString } from '../azure/connection-string.js';
import type { Env } from '../azure/blob-client.js';
import { locateMetaflowPath } from '../metaflow/locate.js';
import type { Services } from '../services.js';
import { CliFailure, printTable, usageError } from './output.js';

export interface LsOptions {
  target: string;
  endpoint?: string;
  sysroot?: string;
  json: boolean;
}

async function call<C extends Channel>(services: Services, channel: C, args: ArgsOf<C>): Promise<ResultOf<C>> {
  const reply = await services.router.dispatch(channel, args);
  if (!reply.ok) throw new CliFailure(reply.error, 1);
  return reply.value as ResultOf<C>;
}

function resolveEndpoint(options: LsOptions, env: Env): string {
  const endpoint =
    options.endpoint ??
    env.METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT ??
    (env.AZURE_STORAGE_CONNECTION_STRING ? connectionStringEndpoint(parseConnectionString(env.AZURE_STORAGE_CONNECTION_STRING)) : undefined);
  if (!endpoint) throw usageError('No blob endpoint: pass --endpoint URL or set METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT.');
  return endpoint;
}

/** Splits `<container>/<prefix>/<Flow>/<run>/<step>/<task>` into a sysroot and a flow path. */
async function splitTarget(services: Services, options: LsOptions, endpoint: string, env: Env) {
  const check = checkSysroot(options.target);
  if (!check.ok) throw usageError(`${options.target}: ${check.errors.join(' ')}`);
  const segments = check.value.prefix === '' ? [] : check.value.prefix.split('/');
  const known = options.sysroot ?? env.METAFLOW_DATASTORE_SYSROOT_AZURE;
  if (known && (options.target === known || options.target.startsWith(`${known}/`))) {
    const [flow, run, step, task, ...extra] = options.target.slice(known.length + 1).split('/').filter((s) => s !== '');
    if (extra.length > 0) throw usageError(`${options.target} goes deeper than a task.`);
    return { sysroot: known, path: { flow, run, step, task } };
  }
  if (options.sysroot) throw usageError(`${options.target} is not under the sysroot ${options.sysroot}.`);
  const store = openContainerStore(endpoint, { kind: 'environment' }, env, services.identity, check.value.container);
  const located = await locateMetaflowPath(store, segments);
  return { sysroot: [check.value.container, ...located.prefix].join('/'), path: located.path };
}

export async function metaflowLs(services: Services, options: LsOptions, env: Env): Promise<void> {
  const endpoint = resolveEndpoint(options, env);
  const { sysroot, path } = await splitTarget(services, options, endpoint, env);
  const workspace = await call(services, 'workspace.open', { sysroot, endpoint, credential: { kind: 'environment' } });
  const listing = await call(services, 'metaflow.list', { workspaceId: workspace.id, ...path });
  if (options.json) {
    process.stdout.write(`${JSON.stringify(listing.entries, null, 1)}\n`);
    return;
  }
  if (listing.level === 'artifacts') {
    process.stdout.write(`attempt ${listing.attempt}\n`);
    printTable(listing.entries, ['name', 'type', 'size', 'sha']);
  } else {
    printTable(listing.entries, ['name']);
  }
}
