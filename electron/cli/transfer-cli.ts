import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConflictChoice, type TransferJob } from '../../shared/schemas/transfer.js';
import type { Services } from '../services.js';
import { withCliServices } from './cli-services.js';
import { call } from './call.js';
import { resolveEndpoint } from './endpoint.js';
import { CliFailure, printTable, usageError } from './output.js';

// `stratus upload …` and `stratus download …`: the transfer engine from a terminal. Credentials
// come from the environment as in the metaflow commands; the command returns when every transfer
// has finished, failed or met a conflict.

const COMMON = `options: --endpoint URL  --json
Credentials come from the environment: AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_ACCESS_KEY,
or an Azure identity (DefaultAzureCredential). The endpoint defaults to
METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT, else the connection string's.`;

export const UPLOAD_USAGE = `usage: stratus upload <local file or folder>… <container>[/<prefix>] [options]
  Uploads files (folders with everything below them) under the prefix; existing blobs are left alone
  unless --on-conflict says otherwise.
  --on-conflict fail|skip|overwrite|keepBoth   (default fail: report the conflict, change nothing)
${COMMON}`;

export const DOWNLOAD_USAGE = `usage: stratus download <container>/<blob or prefix> <folder> [options]
  Downloads one blob, or every blob under a prefix (ending in "/", or not a blob itself), into the
  folder; existing files are kept and the download lands beside them as "name (1).ext".
${COMMON}`;

function splitRemote(remote: string): { container: string; rest: string } {
  const slash = remote.indexOf('/');
  return slash < 0 ? { container: remote, rest: '' } : { container: remote.slice(0, slash), rest: remote.slice(slash + 1) };
}

async function openContainer(services: Services, container: string, endpoint: string | undefined): Promise<string> {
  const workspace = await call(services, 'workspace.open', { sysroot: container, endpoint: resolveEndpoint(endpoint, process.env), credential: { kind: 'environment' } });
  return workspace.id;
}

function summary(job: TransferJob) {
  return {
    state: job.state,
    kind: job.kind,
    source: job.source,
    target: job.target,
    bytes: job.bytes,
    retries: job.retries,
    error: job.error?.message ?? (job.state === 'conflict' ? `${job.target} already exists` : null),
    restartReason: job.restartReason,
  };
}

/** Waits for the engine, prints every job, and fails the command when any did not finish. */
async function finish(services: Services, jobIds: string[], json: boolean): Promise<void> {
  await services.transfers.idle();
  const wanted = new Set(jobIds);
  const { jobs, totals } = services.transfers.list();
  const mine = jobs.filter((j) => wanted.has(j.id)).map(summary);
  if (json) process.stdout.write(`${JSON.stringify({ jobs: mine, totals: { ...totals, rate: undefined, etaSeconds: undefined } }, null, 2)}\n`);
  else printTable(mine, ['state', 'bytes', 'source', 'target', 'error']);
  const bad = mine.filter((j) => j.state !== 'done');
  if (bad.length > 0) {
    throw new CliFailure({ code: bad.some((j) => j.state === 'conflict') ? 'ALREADY_EXISTS' : 'INTERNAL', message: `${bad.length} of ${mine.length} transfers did not complete.` }, 1);
  }
}

export async function uploadCli(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      endpoint: { type: 'string' },
      'on-conflict': { type: 'string', default: 'fail' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${UPLOAD_USAGE}\n`);
    return;
  }
  if (positionals.length < 2) throw usageError(UPLOAD_USAGE);
  const onConflict = values['on-conflict'];
  const policy = ConflictChoice.safeParse(onConflict);
  if (onConflict !== 'fail' && !policy.success) throw usageError('--on-conflict is fail, skip, overwrite or keepBoth.');
  const remote = splitRemote(positionals[positionals.length - 1]);
  const locals = positionals.slice(0, -1).map((p) => path.resolve(p));
  await withCliServices(async (services) => {
    await services.settings.apply();
    const workspaceId = await openContainer(services, remote.container, values.endpoint);
    if (policy.success) services.transfers.setConflictPolicy(policy.data);
    const { jobIds } = await call(services, 'transfer.upload', {
      workspaceId,
      container: remote.container,
      prefix: remote.rest,
      files: locals.map((p) => ({ path: p, name: path.basename(p) })),
    });
    await finish(services, jobIds, values.json);
  });
}

export async function downloadCli(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      endpoint: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${DOWNLOAD_USAGE}\n`);
    return;
  }
  if (positionals.length !== 2) throw usageError(DOWNLOAD_USAGE);
  const remote = splitRemote(positionals[0]);
  const folder = path.resolve(positionals[1]);
  await withCliServices(async (services) => {
    await services.settings.apply();
    const workspaceId = await openContainer(services, remote.container, values.endpoint);
    const isBlob =
      remote.rest !== '' &&
      !remote.rest.endsWith('/') &&
      (await services.workspaces.get(workspaceId).azure?.service.getContainerClient(remote.container).getBlobClient(remote.rest).exists());
    const { jobIds } = await call(services, 'transfer.download', {
      workspaceId,
      container: remote.container,
      ...(isBlob ? { blobs: [remote.rest] } : { prefix: remote.rest === '' || remote.rest.endsWith('/') ? remote.rest : `${remote.rest}/` }),
      targetFolder: folder,
    });
    await finish(services, jobIds, values.json);
  });
}
