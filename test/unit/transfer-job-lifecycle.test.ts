import { mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ContainerClient } from '@azure/storage-blob';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TransferProgress } from '../../shared/schemas/transfer.js';
import { ConflictDesk } from '../../electron/transfer/conflicts.js';
import { tempPathFor } from '../../electron/transfer/download-job.js';
import { downloadJob, journalRow, uploadJob, type Job, type JobPlace, type UploadJob } from '../../electron/transfer/job-state.js';
import { TransferJournal } from '../../electron/transfer/journal.js';
import { ProgressReporter } from '../../electron/transfer/progress.js';
import { discardUnfinished, resumedJobs, unfinishedJobs } from '../../electron/transfer/resume.js';

// The engine's parts on their own: a job journalled when queued comes back from the journal as the
// same job (resume), what an earlier run left is described and discarded, conflicts are settled, and
// the activity panel is told rates, ETAs and only what changed. No request is sent.

let work: string;
let n = 0;
const client = new ContainerClient('http://127.0.0.1:9/devstoreaccount1/box');
const nobody = () => false;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'stratus-job-lifecycle-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

afterEach(() => {
  vi.useRealTimers();
});

function place(localPath: string, blobName = 'runs/model.bin'): JobPlace {
  n++;
  return { id: `job-${n}-0000`, workspaceId: 'ws', endpoint: 'http://127.0.0.1:9/devstoreaccount1', container: 'box', client, blobName, localPath };
}

async function journalFile(): Promise<TransferJournal> {
  return new TransferJournal(path.join(work, `transfers-${++n}.db`));
}

async function collect(jobs: AsyncGenerator<Job>): Promise<Job[]> {
  const out: Job[] = [];
  for await (const job of jobs) out.push(job);
  return out;
}

describe('a journalled job comes back from the journal', () => {
  it('an upload resumes with its staged blocks, its block size, and a check of what the service holds', async () => {
    const file = path.join(work, 'weights.bin');
    await writeFile(file, Buffer.alloc(3000, 7));
    const { size, mtimeMs } = await stat(file);
    const journal = await journalFile();
    const queued = uploadJob(place(file), { size, mtimeMs: Math.floor(mtimeMs) });
    journal.record(journalRow(queued));
    journal.markStaged(queued.view.id, 0);

    const [resumed] = await collect(resumedJobs(journal, { workspaceId: 'ws', endpoint: queued.endpoint, clientFor: () => client }, nobody));
    expect(resumed.kind).toBe('upload');
    const upload = resumed as UploadJob;
    expect({ ...upload.state, staged: [...upload.state.staged] }).toEqual({ ...queued.state, staged: [0], checkService: true });
    expect({ ...upload.view, createdAt: '' }).toEqual({ ...queued.view, createdAt: '' });
    expect(await unfinishedJobs(journal, (id) => id === queued.view.id)).toEqual([]);
    journal.close();
  });

  it('a download with nothing kept starts over into the file it was given, saying so', async () => {
    const journal = await journalFile();
    const queued = downloadJob(place(path.join(work, 'out', 'model.bin')));
    journal.record(journalRow(queued));

    const [listed] = await unfinishedJobs(journal, nobody);
    expect(listed).toMatchObject({ id: queued.view.id, kind: 'download', localPath: queued.view.localPath, restartReason: expect.stringMatching(/starts again from the beginning/) });
    const [resumed] = await collect(resumedJobs(journal, { workspaceId: 'ws', endpoint: queued.endpoint, clientFor: () => client }, nobody));
    expect(resumed.state).toMatchObject({ localPath: queued.view.localPath, targetChosen: false, size: 0, restartReason: listed.restartReason });
    journal.close();
  });

  it('a download that wrote whole ranges continues from them into its kept temporary file', async () => {
    const journal = await journalFile();
    const target = path.join(work, 'kept.bin');
    const queued = downloadJob(place(target));
    journal.record(journalRow(queued));
    journal.downloadStarted(queued.view.id, { localPath: target, size: 20, blockSize: 8, etag: '"e1"' });
    journal.markStaged(queued.view.id, 1);
    await writeFile(tempPathFor(target, queued.view.id), Buffer.alloc(20));

    const [resumed] = await collect(resumedJobs(journal, { workspaceId: 'ws', endpoint: queued.endpoint, clientFor: () => client }, nobody));
    expect(resumed.kind === 'download' && { ...resumed.state, doneRanges: [...resumed.state.doneRanges] }).toMatchObject({ targetChosen: true, size: 20, etag: '"e1"', doneRanges: [1], restartReason: null });
    journal.close();
  });

  it('says why an upload cannot simply continue, and discarding removes a download’s partial file with its row', async () => {
    const journal = await journalFile();
    const changed = path.join(work, 'changed.txt');
    await writeFile(changed, 'before');
    const { size, mtimeMs } = await stat(changed);
    const upload = uploadJob(place(changed), { size, mtimeMs: Math.floor(mtimeMs) });
    const gone = uploadJob(place(path.join(work, 'never-written.txt')), { size: 1, mtimeMs: 1 });
    const download = downloadJob(place(path.join(work, 'partial.bin')));
    for (const job of [upload, gone, download]) journal.record(journalRow(job));
    await writeFile(changed, 'after, and longer');
    await utimes(changed, new Date(), new Date(Date.now() + 5000));
    const partial = tempPathFor(download.view.localPath, download.view.id);
    await writeFile(partial, 'x');

    const reasons = Object.fromEntries((await unfinishedJobs(journal, nobody)).map((j) => [j.id, j.restartReason]));
    expect(reasons[upload.view.id]).toMatch(/size 6 → 17 bytes/);
    expect(reasons[gone.view.id]).toMatch(/never-written\.txt is gone/);

    expect(await discardUnfinished(journal, nobody, [download.view.id])).toBe(1);
    await expect(stat(partial)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(journal.jobs().map((j) => j.id)).toEqual([upload.view.id, gone.view.id]);
    journal.close();
  });
});

describe('conflicts', () => {
  it('keep both moves to "name (1).ext", then to "(2)" by itself when that is taken too, and retargets the journal', async () => {
    const journal = await journalFile();
    const job = uploadJob(place(path.join(work, 'weights.bin'), 'models/weights.bin'), { size: 10, mtimeMs: 1 });
    journal.record(journalRow(job));
    journal.markStaged(job.view.id, 0);
    job.state.staged.add(0);
    const requeued: Job[] = [];
    const desk = new ConflictDesk(journal, { touch: () => undefined, skipped: () => undefined, requeue: (j) => requeued.push(j) });

    desk.raised(job, { etag: '"a"', size: 1, lastModified: null });
    expect(job.view.state).toBe('conflict');
    expect(requeued).toEqual([]);
    expect(desk.resolve(job, [job], 'keepBoth', false)).toBe(1);
    expect(job.view.target).toBe('box/models/weights (1).bin');
    expect(job.state.staged.size).toBe(0);
    expect(journal.jobs()[0]).toMatchObject({ blobName: 'models/weights (1).bin', stagedBlocks: 0 });

    desk.raised(job, { etag: '"b"', size: 1, lastModified: null });
    expect(job.state.blobName).toBe('models/weights (2).bin');
    expect(requeued).toHaveLength(2);
    journal.close();
  });

  it('a choice for all settles the conflicts that come later, until the queue is idle with none waiting', () => {
    const skipped: Job[] = [];
    const desk = new ConflictDesk(undefined, { touch: () => undefined, skipped: (j) => skipped.push(j), requeue: () => undefined });
    const [a, b, c] = ['a', 'b', 'c'].map((name) => uploadJob(place(path.join(work, name), name), { size: 1, mtimeMs: 1 }));
    desk.raised(a, { etag: '"a"', size: 1, lastModified: null });
    desk.resolve(a, [a], 'skip', true);
    desk.raised(b, { etag: '"b"', size: 1, lastModified: null });
    expect(skipped).toEqual([a, b]);
    desk.idle(false);
    desk.raised(c, { etag: '"c"', size: 1, lastModified: null });
    expect(skipped).toEqual([a, b]);
    expect(c.view.state).toBe('conflict');
  });
});

describe('progress events', () => {
  it('gives a running job its rate and ETA, sends only changed jobs, and drops the oldest of too many finished ones', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const jobs = new Map<string, Job>();
    let moved = 0;
    const events: TransferProgress[] = [];
    const progress = new ProgressReporter(jobs, { bytesMoved: () => moved, concurrency: () => 8, retries: () => 0, busy: () => true }, { onProgress: (p) => events.push(p) });
    const running = uploadJob(place(path.join(work, 'big')), { size: 10_000, mtimeMs: 1 });
    const idle = uploadJob(place(path.join(work, 'small')), { size: 10, mtimeMs: 1 });
    for (const job of [running, idle]) jobs.set(job.view.id, job);
    running.view.state = 'running';
    progress.touch(idle);
    progress.flush();
    expect(events[0].jobs.map((j) => j.id).sort()).toEqual([running.view.id, idle.view.id].sort());

    vi.advanceTimersByTime(1000);
    running.view.bytesDone = 2000;
    moved = 2000;
    progress.flush();
    expect(events[1].jobs.map((j) => j.id)).toEqual([running.view.id]);
    expect(events[1].jobs[0]).toMatchObject({ rate: 2000, etaSeconds: 4 });
    expect(events[1].totals).toMatchObject({ rate: 2000, running: 1, queued: 1, bytes: 10_010, bytesDone: 2000, etaSeconds: 4.005 });

    for (let i = 0; i < 2001; i++) {
      const done = downloadJob(place(path.join(work, `d${i}`)));
      done.view.state = 'done';
      jobs.set(done.view.id, done);
    }
    const oldest = [...jobs.values()][2];
    progress.flush();
    expect(events[2].removed).toEqual([oldest.view.id]);
    expect(jobs.has(oldest.view.id)).toBe(false);
    expect(events[2].totals.done).toBe(2000);
  });
});
