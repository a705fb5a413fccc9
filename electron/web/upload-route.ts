import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat, statfs } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EventPayload } from '../../shared/contract.js';
import { StratusError, type StratusErrorShape } from '../../shared/errors.js';
import { UploadQuery } from '../../shared/schemas/upload.js';
import { toErrorShape } from '../ipc/router.js';
import { runArtifactLocation } from '../mlflow/run-artifact-location.js';
import type { Services } from '../services.js';
import { answerJson, statusOf } from './json-reply.js';
import { uploadBlobName } from '../transfer/transfer-plan.js';

// Browser mode's way in for dropped files: a tab has no file paths, so it sends each file's bytes
// (`PUT /upload?workspaceId&container&prefix&name`, or `?workspaceId&runId&path&name` onto an MLflow
// run's artifacts). The host stages them in a file of its own under the user data folder (named by
// a random id, never by anything the request says), queues an upload of that file with the engine,
// and deletes it once the job is finished for good: done, skipped on a conflict, cancelled, or
// removed from the list. A failed job keeps its file so Retry can send it again.
// web-host.ts has already checked the token, our Host and a same-origin Origin.

export const STAGING_FOLDER = 'upload-staging';

/** Azure's largest block blob is far bigger; a file staged on the host's disk is bounded here. */
export const MAX_UPLOAD_BYTES = 1024 ** 4;
/** A staged file untouched this long, and unknown to the journal, is left over from a session that ended. */
const STALE_STAGED_MS = 24 * 3600_000;
/** Left free on the host's disk after staging a file. */
const DISK_RESERVE_BYTES = 1024 ** 3;

function refuse(res: ServerResponse, status: number, error: StratusErrorShape): void {
  // The rest of a refused body is not read: close the connection rather than drain it.
  res.setHeader('connection', 'close');
  answerJson(res, status, { error });
}

function invalid(message: string): StratusErrorShape {
  return { code: 'INVALID_ARGUMENT', message };
}

function parseQuery(url: URL): UploadQuery | StratusErrorShape {
  const entries = [...url.searchParams.keys()];
  if (new Set(entries).size !== entries.length) return invalid('Each upload parameter may be given once.');
  const parsed = UploadQuery.safeParse(Object.fromEntries(url.searchParams));
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'query'}: ${i.message}`);
  return invalid(`Invalid upload: ${issues.join('; ')}`.slice(0, 2000));
}

/** Passes bytes through, failing as soon as more arrive than the request declared. */
function limitTo(length: number): { stream: Transform; received: () => number } {
  let received = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received > length) done(new StratusError(invalid('The upload sent more bytes than its Content-Length.')));
      else done(null, chunk);
    },
  });
  return { stream, received: () => received };
}

export interface UploadRoute {
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
  close(): void;
}

/**
 * Files an earlier session staged and never finished with: deleted unless the journal still names
 * them (a resumable upload) or they are recent (another browser-mode host on the same user data
 * folder may be using them).
 */
async function sweepStaging(stagingDir: string, services: Services): Promise<void> {
  let names: string[];
  try {
    names = await readdir(stagingDir);
  } catch {
    return;
  }
  const resumable = new Set((await services.transfers.unfinished()).map((j) => j.localPath));
  for (const name of names) {
    const file = path.join(stagingDir, name);
    const modified = await stat(file).then((s) => s.mtimeMs, () => Date.now());
    if (!resumable.has(file) && Date.now() - modified > STALE_STAGED_MS) await rm(file, { force: true, recursive: true });
  }
}

/** Staged files of jobs this session queued, deleted when their job finishes for good. */
export async function createUploadRoute(services: Services): Promise<UploadRoute> {
  const stagingDir = path.join(services.userDataDir, STAGING_FOLDER);
  await sweepStaging(stagingDir, services);

  const staged = new Map<string, string>();
  const unsubscribe = services.events.subscribe((event, payload) => {
    if (event !== 'transfer.progress') return;
    const progress = payload as EventPayload<'transfer.progress'>;
    const finished = progress.jobs.filter((job) => job.state === 'done' || job.state === 'cancelled').map((job) => job.id);
    // A job removed from the list (a failed one cleared by the user) can no longer be retried.
    for (const id of [...finished, ...(progress.removed ?? [])]) {
      const file = staged.get(id);
      if (file === undefined) continue;
      staged.delete(id);
      void rm(file, { force: true });
    }
  });

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'PUT') {
      res.writeHead(405, { allow: 'PUT', connection: 'close' }).end();
      return;
    }
    const query = parseQuery(url);
    if ('code' in query) return refuse(res, 400, query);
    const declared = req.headers['content-length'];
    if (declared === undefined || !/^\d+$/.test(declared)) {
      return refuse(res, 411, invalid('An upload must declare its Content-Length.'));
    }
    const length = Number(declared);
    if (length > MAX_UPLOAD_BYTES) return refuse(res, 413, invalid(`A file sent to the host is at most ${MAX_UPLOAD_BYTES} bytes.`));

    let target;
    try {
      const destination =
        'runId' in query
          ? await runArtifactLocation(await services.workspaces.mlflow(query.workspaceId), query.runId, query.path)
          : { ...services.workspaces.azure(query.workspaceId), container: query.container, prefix: query.prefix };
      target = { ...destination, blobName: uploadBlobName(destination.prefix, query.name) };
    } catch (err) {
      const shape = toErrorShape(err);
      return refuse(res, statusOf(shape), shape);
    }
    await mkdir(stagingDir, { recursive: true, mode: 0o700 });
    const disk = await statfs(stagingDir);
    const free = disk.bavail * disk.bsize;
    if (length + DISK_RESERVE_BYTES > free) {
      return refuse(res, 507, {
        code: 'INTERNAL',
        message: `The host has ${Math.floor(free / 1024 ** 2)} MiB free in ${stagingDir}, too little to stage a ${Math.ceil(length / 1024 ** 2)} MiB file.`,
        hint: 'Free some disk space on the computer running Stratus, or run the desktop app, which uploads files in place.',
      });
    }

    const file = path.join(stagingDir, randomUUID());
    try {
      const limit = limitTo(length);
      await pipeline(req, limit.stream, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
      if (limit.received() !== length) throw new StratusError(invalid('The upload ended before its Content-Length.'));
      const jobId = await services.transfers.enqueueUpload({
        workspaceId: query.workspaceId,
        service: target.service,
        endpoint: target.endpoint,
        container: target.container,
        blobName: target.blobName,
        filePath: file,
      });
      staged.set(jobId, file);
      answerJson(res, 200, { jobIds: [jobId] });
    } catch (err) {
      await rm(file, { force: true });
      const shape = toErrorShape(err);
      if (!res.headersSent && !res.destroyed) refuse(res, statusOf(shape), shape);
    }
  }

  return { handle, close: unsubscribe };
}
