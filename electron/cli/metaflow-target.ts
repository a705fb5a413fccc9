import type { WorkspaceInfo } from '../../shared/contract.js';
import { checkSysroot } from '../../shared/sysroot.js';
import { openContainerStore } from '../azure/azure-object-store.js';
import type { Env } from '../azure/blob-client.js';
import type { FlowPath } from '../metaflow/layout.js';
import { locateMetaflowPath } from '../metaflow/locate.js';
import type { Services } from '../services.js';
import { call } from './call.js';
import { resolveEndpoint } from './endpoint.js';
import { CliFailure, usageError } from './output.js';

// Turns a CLI target into an open workspace and a flow path: `<container>/<prefix>[/<Flow>…]` on
// Azure, or `[<Flow>[/<run>…]]` inside a local datastore folder given with --local.

export interface TargetOptions {
  target: string;
  endpoint?: string;
  sysroot?: string;
  local?: string;
  /** Hours without activity after which an unfinished run is stale (default: the app's setting, else 2). */
  staleAfterHours?: number;
  /** The Metaflow metadata service runs, users and tags come from (--service). */
  service?: string;
}

/** --service, else METAFLOW_SERVICE_URL when Metaflow is set to use it (METAFLOW_DEFAULT_METADATA=service). */
function serviceOption(options: TargetOptions, env: Env): { metadataService?: { url: string } } {
  const url = options.service ?? (env.METAFLOW_DEFAULT_METADATA === 'service' ? env.METAFLOW_SERVICE_URL || undefined : undefined);
  return url === undefined ? {} : { metadataService: { url } };
}

function flowPath(segments: string[], target: string): FlowPath {
  const [flow, run, step, task, ...extra] = segments.filter((s) => s !== '');
  if (extra.length > 0) throw usageError(`${target} goes deeper than a task.`);
  return { flow, run, step, task };
}

/** Splits `<container>/<prefix>/<Flow>/<run>/<step>/<task>` into a sysroot and a flow path. */
async function splitTarget(services: Services, options: TargetOptions, endpoint: string, env: Env) {
  const check = checkSysroot(options.target);
  if (!check.ok) throw usageError(`${options.target}: ${check.errors.join(' ')}`);
  const known = options.sysroot ?? env.METAFLOW_DATASTORE_SYSROOT_AZURE;
  if (known && (options.target === known || options.target.startsWith(`${known}/`))) {
    return { sysroot: known, path: flowPath(options.target.slice(known.length + 1).split('/'), options.target) };
  }
  if (options.sysroot) throw usageError(`${options.target} is not under the sysroot ${options.sysroot}.`);
  const segments = check.value.prefix === '' ? [] : check.value.prefix.split('/');
  const store = openContainerStore(endpoint, { kind: 'environment' }, env, services.identity, check.value.container);
  const located = await locateMetaflowPath(store, segments);
  return { sysroot: [check.value.container, ...located.prefix].join('/'), path: located.path };
}

/** A sysroot whose children are not flows stops the command, naming where the flows are, as the form does in the app. */
function requireFlows(workspace: WorkspaceInfo, option: '--sysroot' | '--local'): void {
  const check = workspace.sysrootCheck;
  if (!check?.message || check.verdict === 'flows' || check.verdict === 'metadata-only') return;
  if (check.verdict === 'empty' && check.suggestions.length === 0) return;
  const guess = check.suggestions.length > 0 ? ` Did you mean ${check.suggestions.map((s) => `${option} ${s}`).join(' or ')}?` : '';
  throw new CliFailure({ code: 'NOT_FOUND', message: `${check.message}${guess}` }, 1);
}

export async function openTarget(services: Services, options: TargetOptions, env: Env): Promise<{ workspaceId: string; path: FlowPath }> {
  if (options.local !== undefined) {
    const workspace = await call(services, 'workspace.open', { kind: 'local', path: options.local, staleAfterHours: options.staleAfterHours, ...serviceOption(options, env) });
    requireFlows(workspace, '--local');
    return { workspaceId: workspace.id, path: flowPath(options.target.split('/'), options.target) };
  }
  const endpoint = resolveEndpoint(options.endpoint, env);
  const { sysroot, path } = await splitTarget(services, options, endpoint, env);
  const workspace = await call(services, 'workspace.open', { sysroot, endpoint, credential: { kind: 'environment' }, staleAfterHours: options.staleAfterHours, ...serviceOption(options, env) });
  requireFlows(workspace, '--sysroot');
  return { workspaceId: workspace.id, path };
}
