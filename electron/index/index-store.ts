import { renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { RunDetail, RunSummary, TaskDetail } from '../../shared/schemas/metaflow.js';
import { openPrivateDatabase } from '../storage/private-database.js';
import { migrate } from '../core/migrate.js';
import { LOCAL_INDEX, MIGRATIONS } from './migrations.js';
import { isObject, parseJson, runFromRow, type ArtifactRow, type AttemptRow, type RunRow, type TaskRow } from './index-rows.js';
import type { IndexRunQuery, ObjectVersion, RecordedObject, RunSort, Stored, StoredRunPage, TaskKey } from './index-types.js';
import * as usage from './usage-queries.js';
import type { UsageCasRecord, UsageRowPage, UsageRowQuery, UsageRunRecord, UsageRunUnique } from './usage-types.js';

// The local index itself: synchronous better-sqlite3 calls over one workspace's database. It runs
// inside the index worker (index-worker.ts), never on the main process's event loop; the app talks
// to it through MetaflowIndex. What it reads back is rebuilt in the contract's shapes but not
// trusted: MetaflowIndex validates it and has rows that fail forgotten (the forget* methods). This
// keeps zod out of the worker, whose start is then ~60 ms shorter (zod takes that long to load), and
// the main process parses every IPC result with zod anyway.

const SORT_COLUMNS: Record<RunSort, string> = { startedAt: 'started_at', id: 'id_key', duration: 'duration_ms', status: 'status' };

/**
 * A row written from an older read never replaces a finished one (finished runs do not change, so
 * it can only be stale); an unfinished row is always replaced. A newer read replaces either: a run
 * whose last attempt failed is running again when Metaflow retries it.
 */
const KEEP_FINISHED = (table: string, readColumn: string) => `WHERE ${table}.finished = 0 OR excluded.${readColumn} >= ${table}.${readColumn}`;

function connect(file: string): Database.Database {
  const db = openPrivateDatabase(file);
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    // Losing the last transactions to a power cut is fine for a cache; fsync per write is not.
    db.pragma('synchronous = NORMAL');
    // Migrating first: it refuses a newer database before anything here writes to it.
    migrate(db, LOCAL_INDEX, file, MIGRATIONS);
    // WAL: readers never wait for the writer, and another process (the CLI) may read meanwhile.
    db.pragma('journal_mode = WAL');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function isCorruptFile(err: unknown): boolean {
  return err instanceof Database.SqliteError && (err.code === 'SQLITE_NOTADB' || err.code === 'SQLITE_CORRUPT');
}

export class IndexStore {
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(private readonly db: Database.Database) {}

  /**
   * Opens (creating folders and file) and migrates. A file that is not a database is only a lost
   * cache: it is set aside as `<file>.corrupt` and a new index started. A newer schema is refused
   * (SchemaVersionError): that index belongs to a newer Stratus.
   */
  static open(file: string): IndexStore {
    try {
      return new IndexStore(connect(file));
    } catch (err) {
      if (!isCorruptFile(err)) throw err;
      renameSync(file, `${file}.corrupt`);
      for (const suffix of ['-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
      return new IndexStore(connect(file));
    }
  }

  close(): void {
    this.db.close();
  }

  putFlows(names: string[], listedAt: number): void {
    const put = this.prepare('INSERT INTO flows (name, listed_at) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET listed_at = excluded.listed_at');
    this.db.transaction(() => {
      for (const name of names) put.run(name, listedAt);
    })();
  }

  getFlows(): string[] {
    return this.prepare('SELECT name FROM flows ORDER BY name').pluck().all() as string[];
  }

  putRuns(flow: string, runs: RunSummary[], listedAt: number): void {
    this.db.transaction(() => {
      this.ensureFlow(flow);
      for (const run of runs) this.putRun(flow, run, listedAt);
    })();
  }

  getRuns(flow: string, query: IndexRunQuery = {}): StoredRunPage {
    const where = ['flow = @flow'];
    const params: Record<string, string | number> = { flow };
    if (query.status !== undefined) {
      // An empty status list matches nothing, as an empty IN () would.
      const names = query.status.map((status, i) => {
        params[`status${i}`] = status;
        return `@status${i}`;
      });
      where.push(names.length > 0 ? `status IN (${names.join(', ')})` : '0');
    }
    if (query.tag !== undefined) {
      params.tag = query.tag;
      // CASE, unlike AND, is sure to skip json_each on a corrupt text, which would fail the whole query.
      const has = (column: string) => `CASE WHEN json_valid(${column}) THEN EXISTS (SELECT 1 FROM json_each(${column}) WHERE value = @tag) ELSE 0 END`;
      where.push(`(${has('tags_json')} OR ${has('system_tags_json')})`);
    }
    if (query.user !== undefined) {
      params.user = query.user;
      where.push('user = @user');
    }
    if (query.from !== undefined) {
      params.from = query.from;
      where.push('started_at >= @from');
    }
    if (query.to !== undefined) {
      params.to = query.to;
      where.push('started_at <= @to');
    }
    const filter = where.join(' AND ');
    const total = this.prepare(`SELECT count(*) FROM runs WHERE ${filter}`).pluck().get(params) as number;

    const sort = query.sort ?? 'startedAt';
    const order = query.order ?? 'desc';
    const direction = order === 'desc' ? 'DESC' : 'ASC';
    // NULL sorts first in SQLite; runs without a start or duration go last either way.
    const nulls = order === 'asc' && sort !== 'id' ? ' NULLS LAST' : '';
    const orderBy = sort === 'id' ? `id_key ${direction}` : `${SORT_COLUMNS[sort]} ${direction}${nulls}, id_key ${direction}`;
    params.limit = query.limit ?? -1;
    params.offset = query.offset ?? 0;
    const rows = this.prepare(
      `SELECT flow, id, status, started_at, finished_at, duration_ms, user, tags_json, system_tags_json, last_activity_at, approximate, failure_json
       FROM runs WHERE ${filter} ORDER BY ${orderBy} LIMIT @limit OFFSET @offset`,
    ).all(params) as RunRow[];
    return { runs: rows.map(runFromRow), total };
  }

  /** A metadata service answered the flow's runs list at `at` (epoch ms); an older time never replaces a newer. */
  putServiceRefresh(service: string, flow: string, at: number): void {
    this.prepare(
      `INSERT INTO service_lists (service, flow, refreshed_at) VALUES (?, ?, ?)
       ON CONFLICT (service, flow) DO UPDATE SET refreshed_at = max(refreshed_at, excluded.refreshed_at)`,
    ).run(service, flow, at);
  }

  /** When the service last answered the flow's runs list, or null if it never did. */
  getServiceRefresh(service: string, flow: string): number | null {
    return (this.prepare('SELECT refreshed_at FROM service_lists WHERE service = ? AND flow = ?').pluck().get(service, flow) as number | undefined) ?? null;
  }

  /** Drops runs whose rows did not validate, with their views: a refresh then reads them afresh. */
  forgetRuns(flow: string, ids: string[]): void {
    const forget = this.prepare('DELETE FROM runs WHERE flow = ? AND id = ?');
    this.db.transaction(() => {
      for (const id of ids) forget.run(flow, id);
    })();
  }

  /** Runs the index holds as running: what a refresh must read again. */
  unfinishedRuns(flow: string): string[] {
    return this.prepare('SELECT id FROM runs WHERE flow = ? AND finished = 0 ORDER BY id_key DESC').pluck().all(flow) as string[];
  }

  /** Also updates the run's row in the list: the view's summary is as fresh as any listing. */
  putRunDetail(flow: string, run: string, detail: RunDetail, finished: boolean, readAt: number): void {
    const { tasks, ...rest } = detail;
    this.db.transaction(() => {
      this.ensureFlow(flow);
      this.putRun(flow, { ...detail.summary, flow, id: run }, readAt);
      const written = this.prepare(
        `INSERT INTO run_details (flow, run, json, finished, read_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (flow, run) DO UPDATE SET json = excluded.json, finished = excluded.finished, read_at = excluded.read_at
         ${KEEP_FINISHED('run_details', 'read_at')}`,
      ).run(flow, run, JSON.stringify(rest), finished ? 1 : 0, readAt);
      if (written.changes === 0) return;
      // An update does not cascade: drop the old tasks (and their attempts) before writing the new.
      this.prepare('DELETE FROM tasks WHERE flow = ? AND run = ?').run(flow, run);
      const putTask = this.prepare('INSERT INTO tasks (flow, run, step, id, ord, status, cloned, problems_json, caught_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
      const putAttempt = this.prepare(
        'INSERT INTO attempts (flow, run, step, task, attempt, status, started_at, finished_at, approximate, exception_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      tasks.forEach((task, ord) => {
        putTask.run(flow, run, task.step, task.id, ord, task.status, task.cloned ? 1 : 0, JSON.stringify(task.problems), JSON.stringify(task.caught));
        for (const a of task.attempts) {
          putAttempt.run(flow, run, task.step, task.id, a.attempt, a.status, a.startedAt, a.finishedAt, a.approximate, JSON.stringify(a.exception));
        }
      });
    })();
  }

  getRunDetail(flow: string, run: string): unknown {
    const json = this.prepare('SELECT json FROM run_details WHERE flow = ? AND run = ?').pluck().get(flow, run) as string | undefined;
    if (json === undefined) return undefined;
    const taskRows = this.prepare('SELECT step, id, status, cloned, problems_json, caught_json FROM tasks WHERE flow = ? AND run = ? ORDER BY ord').all(flow, run) as TaskRow[];
    const attemptRows = this.prepare(
      'SELECT step, task, attempt, status, started_at, finished_at, approximate, exception_json FROM attempts WHERE flow = ? AND run = ? ORDER BY step, task, attempt',
    ).all(flow, run) as AttemptRow[];
    const attempts = new Map<string, AttemptRow[]>();
    for (const row of attemptRows) {
      const key = `${row.step}/${row.task}`;
      const list = attempts.get(key);
      if (list) list.push(row);
      else attempts.set(key, [row]);
    }
    const stored = parseJson(json);
    return {
      ...(isObject(stored) ? stored : {}),
      tasks: taskRows.map((t) => ({
        step: t.step,
        id: t.id,
        status: t.status,
        cloned: t.cloned === 1,
        problems: parseJson(t.problems_json),
        caught: parseJson(t.caught_json),
        attempts: (attempts.get(`${t.step}/${t.id}`) ?? []).map((a) => ({
          attempt: a.attempt,
          status: a.status,
          startedAt: a.started_at,
          finishedAt: a.finished_at,
          approximate: a.approximate,
          exception: parseJson(a.exception_json),
        })),
      })),
    };
  }

  /** Drops a run view that did not validate, with its tasks; the run's list entry stays. */
  forgetRunDetail(flow: string, run: string): void {
    this.prepare('DELETE FROM run_details WHERE flow = ? AND run = ?').run(flow, run);
  }

  putTaskDetail(key: TaskKey, detail: TaskDetail, finished: boolean, readAt: number): void {
    const { artifacts, attempt, ...rest } = detail;
    const where = [key.flow, key.run, key.step, key.task, attempt] as const;
    this.db.transaction(() => {
      this.ensureFlow(key.flow);
      const written = this.prepare(
        `INSERT INTO task_details (flow, run, step, task, attempt, json, finished, read_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (flow, run, step, task, attempt) DO UPDATE SET json = excluded.json, finished = excluded.finished, read_at = excluded.read_at
         ${KEEP_FINISHED('task_details', 'read_at')}`,
      ).run(...where, JSON.stringify(rest), finished ? 1 : 0, readAt);
      if (written.changes === 0) return;
      this.prepare('DELETE FROM artifacts WHERE flow = ? AND run = ? AND step = ? AND task = ? AND attempt = ?').run(...where);
      const put = this.prepare(
        'INSERT INTO artifacts (flow, run, step, task, attempt, name, ord, sha, size, type, encoding) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      artifacts.forEach((a, ord) => put.run(...where, a.name, ord, a.sha, a.size, a.type, a.encoding));
    })();
  }

  /** Without an attempt, the highest one the index holds: the current one when it was read. */
  getTaskDetail(key: TaskKey & { attempt?: number }): Stored<number> | undefined {
    const task = [key.flow, key.run, key.step, key.task] as const;
    const attempt =
      key.attempt ??
      (this.prepare('SELECT max(attempt) FROM task_details WHERE flow = ? AND run = ? AND step = ? AND task = ?').pluck().get(...task) as
        | number
        | null);
    if (attempt === null) return undefined;
    const where = [...task, attempt] as const;
    const json = this.prepare('SELECT json FROM task_details WHERE flow = ? AND run = ? AND step = ? AND task = ? AND attempt = ?')
      .pluck()
      .get(...where) as string | undefined;
    if (json === undefined) return undefined;
    const artifacts = this.prepare(
      'SELECT name, sha, size, type, encoding FROM artifacts WHERE flow = ? AND run = ? AND step = ? AND task = ? AND attempt = ? ORDER BY ord',
    ).all(...where) as ArtifactRow[];
    const stored = parseJson(json);
    return { key: attempt, value: { ...(isObject(stored) ? stored : {}), attempt, artifacts } };
  }

  forgetTaskDetail(key: TaskKey & { attempt: number }): void {
    this.prepare('DELETE FROM task_details WHERE flow = ? AND run = ? AND step = ? AND task = ? AND attempt = ?').run(
      key.flow,
      key.run,
      key.step,
      key.task,
      key.attempt,
    );
  }

  recordObjects(objects: ObjectVersion[], readAt: number): void {
    const put = this.prepare(
      `INSERT INTO objects (name, etag, last_modified, read_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, read_at = excluded.read_at`,
    );
    this.db.transaction(() => {
      for (const o of objects) put.run(o.name, o.etag ?? null, o.lastModified ?? null, readAt);
    })();
  }

  /** The recorded versions of those of `names` the index has read. */
  getObjects(names: string[]): RecordedObject[] {
    // One JSON parameter rather than a placeholder per name: one statement for any count.
    return this.prepare(
      'SELECT name, etag, last_modified AS lastModified, read_at AS readAt FROM objects WHERE name IN (SELECT value FROM json_each(?))',
    ).all(JSON.stringify(names)) as RecordedObject[];
  }

  putUsageRuns(flow: string, runs: UsageRunRecord[], scannedAt: number): void {
    usage.putUsageRuns(this.db, this.prepare.bind(this), flow, runs, scannedAt);
  }

  putUsageCas(flow: string, blobs: UsageCasRecord[]): void {
    usage.putUsageCas(this.db, this.prepare.bind(this), flow, blobs);
  }

  forgetUsage(flow: string, runs: string[] | null): void {
    usage.forgetUsage(this.db, this.prepare.bind(this), flow, runs);
  }

  usageScanned(flow: string): { run: string; finished: boolean }[] {
    return usage.usageScanned(this.prepare.bind(this), flow);
  }

  usageFlowNames(): string[] {
    return usage.usageFlowNames(this.prepare.bind(this));
  }

  usageFlows(query: UsageRowQuery): UsageRowPage {
    return usage.usageFlows(this.prepare.bind(this), query);
  }

  usageRuns(flow: string, query: UsageRowQuery): UsageRowPage {
    return usage.usageRuns(this.prepare.bind(this), flow, query);
  }

  usageSteps(flow: string, run: string, query: UsageRowQuery): UsageRowPage {
    return usage.usageSteps(this.prepare.bind(this), flow, run, query);
  }

  usageRunUnique(flow: string, run: string): UsageRunUnique {
    return usage.usageRunUnique(this.prepare.bind(this), flow, run);
  }

  usageBuiltAt(): number | null {
    return usage.usageBuiltAt(this.prepare.bind(this));
  }

  private ensureFlow(flow: string): void {
    this.prepare('INSERT OR IGNORE INTO flows (name) VALUES (?)').run(flow);
  }

  private putRun(flow: string, run: RunSummary, listedAt: number): void {
    this.prepare(
      `INSERT INTO runs (flow, id, status, started_at, finished_at, duration_ms, user, tags_json, system_tags_json, last_activity_at, approximate, failure_json,
         finished, listed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (flow, id) DO UPDATE SET status = excluded.status, started_at = excluded.started_at, finished_at = excluded.finished_at,
         duration_ms = excluded.duration_ms, user = excluded.user, tags_json = excluded.tags_json,
         system_tags_json = excluded.system_tags_json, last_activity_at = excluded.last_activity_at, approximate = excluded.approximate,
         failure_json = excluded.failure_json, finished = excluded.finished, listed_at = excluded.listed_at
       ${KEEP_FINISHED('runs', 'listed_at')}`,
    ).run(
      flow,
      run.id,
      run.status,
      run.startedAt,
      run.finishedAt,
      run.durationMs,
      run.user,
      run.tags === null ? null : JSON.stringify(run.tags),
      run.systemTags === null ? null : JSON.stringify(run.systemTags),
      run.lastActivityAt,
      run.approximate,
      JSON.stringify(run.failure),
      run.status === 'succeeded' || run.status === 'failed' ? 1 : 0,
      listedAt,
    );
  }

  /** Statements are compiled once per text: the filters make a handful of shapes, not one per call. */
  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
