import { parseArgs } from 'node:util';
import { describeTier, REHYDRATE_TRADEOFF, type AccessTier, type RehydratePriority } from '../../shared/access-tier.js';
import { MAX_SET_TIER, TIER_EFFECT, type SetBlobTierResult } from '../../shared/schemas/blob-tier.js';
import { parseWasbs } from '../../shared/wasbs.js';
import type { Env } from '../azure/blob-client.js';
import { toAzureError } from '../azure/errors.js';
import type { Services } from '../services.js';
import { call } from './call.js';
import { withCliServices } from './cli-services.js';
import { resolveEndpoint } from './endpoint.js';
import { CliFailure, usageError } from './output.js';

// `stratus blobs tier|rehydrate`: Set Blob Tier on one blob or every blob below a folder, through
// the same blobs.setTier handler as the blob browser (the typed container name included).

export const BLOBS_USAGE = `usage: stratus blobs <command> <target> [options]

commands:
  tier <target> --to cool|cold|archive --yes-i-mean <container>
                 move blobs to a cooler tier; Archive takes them offline until rehydrated
  rehydrate <target> --to hot|cool [--priority standard|high]
                 bring archived blobs back online (${REHYDRATE_TRADEOFF.Standard} ${REHYDRATE_TRADEOFF.High})

<target>: wasbs://<container>@<account>.blob.core.windows.net/<blob>, or <container>/<blob>;
          ending in "/", every blob below that folder.
options:
  --endpoint URL  the blob endpoint (default METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT, the connection string's,
                  or a wasbs target's account)
  --json`;

const COOLER: Record<string, AccessTier> = { cool: 'Cool', cold: 'Cold', archive: 'Archive' };
const ONLINE: Record<string, AccessTier> = { hot: 'Hot', cool: 'Cool' };
const PRIORITIES: Record<string, RehydratePriority> = { standard: 'Standard', high: 'High' };

interface Target {
  container: string;
  /** A blob name, or a folder prefix ending in '/'. */
  name: string;
  endpoint?: string;
}

function parseTarget(text: string): Target {
  const folder = text.endsWith('/');
  if (/^wasbs?:\/\//i.test(text)) {
    const parsed = parseWasbs(text);
    if (!parsed.ok) throw usageError(`${text}: ${parsed.errors.join(' ')}`);
    const { container, prefix, endpoint } = parsed.value;
    return { container, name: prefix === '' ? '' : `${prefix}${folder ? '/' : ''}`, endpoint };
  }
  const slash = text.indexOf('/');
  if (slash <= 0) throw usageError(`${text}: name a blob as <container>/<blob> (or a folder ending in "/").`);
  return { container: text.slice(0, slash), name: text.slice(slash + 1) };
}

function hasEnvEndpoint(env: Env): boolean {
  return Boolean(env.METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT || env.AZURE_STORAGE_CONNECTION_STRING);
}

/** The blob itself, or every blob below the folder. */
async function blobsOf(services: Services, workspaceId: string, target: Target): Promise<string[]> {
  if (target.name !== '' && !target.name.endsWith('/')) return [target.name];
  const azure = services.workspaces.azure(workspaceId);
  const names: string[] = [];
  try {
    for await (const blob of azure.service.getContainerClient(target.container).listBlobsFlat({ prefix: target.name })) names.push(blob.name);
  } catch (err) {
    throw toAzureError(err, { action: `listing ${target.name || 'the root'} of container "${target.container}"`, endpoint: azure.endpoint, container: target.container, auth: azure.auth });
  }
  if (names.length === 0) throw new CliFailure({ code: 'NOT_FOUND', message: `No blob below ${target.container}/${target.name}.` }, 1);
  return names;
}

async function setTiers(services: Services, target: Target, newTier: AccessTier, typedContainer: string, priority: RehydratePriority | undefined, endpointOption: string | undefined) {
  const env = process.env;
  const endpoint = endpointOption ?? (hasEnvEndpoint(env) || !target.endpoint ? resolveEndpoint(undefined, env) : target.endpoint);
  const workspace = await call(services, 'workspace.open', { sysroot: target.container, endpoint, credential: { kind: 'environment' } });
  const blobs = await blobsOf(services, workspace.id, target);
  const result: SetBlobTierResult = { changed: [], failed: [] };
  for (let i = 0; i < blobs.length; i += MAX_SET_TIER) {
    const chunk = blobs.slice(i, i + MAX_SET_TIER);
    const done = await call(services, 'blobs.setTier', { workspaceId: workspace.id, container: target.container, blobs: chunk, newTier, typedContainer, priority });
    result.changed.push(...done.changed);
    result.failed.push(...done.failed);
  }
  // Where each changed blob is now: Azure may answer "rehydrating" for hours.
  const states = await Promise.all(
    result.changed.slice(0, MAX_SET_TIER).map(async (name) => {
      const p = await call(services, 'blobs.properties', { workspaceId: workspace.id, container: target.container, blob: name });
      return { name, accessTier: p.accessTier, archiveStatus: p.archiveStatus };
    }),
  );
  return { ...result, states };
}

type Outcome = Awaited<ReturnType<typeof setTiers>>;

function print(outcome: Outcome, json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
  else {
    for (const s of outcome.states) process.stdout.write(`${s.name}: ${describeTier(s)}\n`);
    for (const f of outcome.failed) process.stderr.write(`${f.name}: not changed: ${f.reason}\n`);
  }
  if (outcome.failed.length > 0) {
    throw new CliFailure({ code: 'INTERNAL', message: `${outcome.failed.length} of ${outcome.failed.length + outcome.changed.length} blobs kept their tier.` }, 1);
  }
}

export async function blobsCli(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      to: { type: 'string' },
      'yes-i-mean': { type: 'string' },
      priority: { type: 'string' },
      endpoint: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${BLOBS_USAGE}\n`);
    return;
  }
  const [command, text, ...rest] = positionals;
  if ((command !== 'tier' && command !== 'rehydrate') || text === undefined || rest.length > 0) throw usageError(BLOBS_USAGE);
  const target = parseTarget(text);
  const to = (values.to ?? '').toLowerCase();
  if (command === 'tier') {
    const tier = Object.hasOwn(COOLER, to) ? COOLER[to] : undefined;
    if (!tier) throw usageError('tier needs --to cool, cold or archive (use `stratus blobs rehydrate` to bring blobs back to Hot).');
    if (values.priority !== undefined) throw usageError('--priority is for rehydrate.');
    const typed = values['yes-i-mean'];
    if (typed === undefined) throw usageError(`Changing tiers needs --yes-i-mean ${target.container}. ${TIER_EFFECT[tier]}`);
    await withCliServices(async (services) => print(await setTiers(services, target, tier, typed, undefined, values.endpoint), values.json));
    return;
  }
  const tier = Object.hasOwn(ONLINE, to) ? ONLINE[to] : undefined;
  if (!tier) throw usageError('rehydrate needs --to hot or cool.');
  const given = (values.priority ?? 'standard').toLowerCase();
  const priority = Object.hasOwn(PRIORITIES, given) ? PRIORITIES[given] : undefined;
  if (!priority) throw usageError(`--priority is standard or high. ${REHYDRATE_TRADEOFF.Standard} ${REHYDRATE_TRADEOFF.High}`);
  // Rehydrating takes nothing offline, so it asks for no typed confirmation.
  await withCliServices(async (services) => print(await setTiers(services, target, tier, target.container, priority, values.endpoint), values.json));
}
