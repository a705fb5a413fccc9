import { StratusError } from '../../../shared/errors.js';
import { checkSysroot } from '../../../shared/sysroot.js';
import { MAX_RUN_TIER_FAILURES, type UsageSetRunTierArgs, type UsageSetRunTierResult } from '../../../shared/schemas/usage-tier.js';
import { setBlobTier } from '../../blobs/blob-tier.js';
import type { MetaflowIndex } from '../../index/metaflow-index.js';
import { CAS_FOLDER } from '../../metaflow/layout.js';
import type { OpenWorkspace } from '../../workspace/workspace-registry.js';

// A run's unique CAS blobs, as the built usage knows them, moved to a cheaper tier. Only blobs no
// other scanned run of the flow names are touched: another run still reads a shared one, and Archive
// would take it offline under that run. A running run may still write (and share) blobs, so only a
// finished one is accepted.

/** Blobs one Set Blob Tier batch names: the names of a 100,000-blob run are not all held in one request. */
const BATCH = 1000;

export async function setRunTier(ws: OpenWorkspace, index: MetaflowIndex, args: UsageSetRunTierArgs): Promise<UsageSetRunTierResult> {
  const { flow, run, newTier, confirm } = args;
  const sysroot = checkSysroot(ws.info.sysroot);
  if (!ws.azure || !sysroot.ok) {
    throw new StratusError({ code: 'INVALID_ARGUMENT', message: `Access tiers belong to Azure blobs; ${ws.info.sysroot} is not an Azure datastore.` });
  }
  const container = sysroot.value.container;
  if (confirm !== container) {
    throw new StratusError({ code: 'INVALID_ARGUMENT', message: `Type the container's name "${container}" to confirm the tier change; no tier was changed.` });
  }
  if ((await index.usageBuiltAt()) === null) {
    throw new StratusError({ code: 'INVALID_ARGUMENT', message: 'Build the usage first: which blobs are unique to a run comes from it. No tier was changed.' });
  }
  const unique = await index.usageRunUnique(flow, run);
  if (unique.state === 'missing') {
    throw new StratusError({ code: 'NOT_FOUND', message: `${flow}/${run} is not in the built usage; build the usage again to include it. No tier was changed.` });
  }
  if (unique.state === 'running') {
    throw new StratusError({
      code: 'INVALID_ARGUMENT',
      message: `${flow}/${run} is not finished (or some of its indexes could not be read): its blobs may still become shared. No tier was changed.`,
    });
  }
  const result: UsageSetRunTierResult = { changed: 0, bytes: 0, failed: [], failedCount: 0 };
  const sizes = new Map(unique.blobs.map((b) => [casName(ws.datastore.root, flow, b.sha), b.size]));
  const names = [...sizes.keys()];
  for (let i = 0; i < names.length; i += BATCH) {
    const done = await setBlobTier(ws.azure, { workspaceId: args.workspaceId, container, blobs: names.slice(i, i + BATCH), newTier, typedContainer: confirm });
    for (const name of done.changed) {
      result.changed++;
      result.bytes += sizes.get(name) ?? 0;
    }
    result.failedCount += done.failed.length;
    result.failed.push(...done.failed.slice(0, MAX_RUN_TIER_FAILURES - result.failed.length));
  }
  return result;
}

/** `<sysroot>/<Flow>/data/<sha[:2]>/<sha>` inside the container. */
function casName(root: string, flow: string, sha: string): string {
  return `${root}${flow}/${CAS_FOLDER}/${sha.slice(0, 2)}/${sha}`;
}
