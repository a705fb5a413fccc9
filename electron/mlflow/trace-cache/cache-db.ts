import type Database from 'better-sqlite3';
import type { PriceRow, TokensLatency, TokensSummary } from '../../../shared/schemas/mlflow-tokens.js';
import { MAX_SPAN_PROBLEM } from '../../../shared/schemas/mlflow-trace-cache.js';
import type { TokenUsage } from '../../../shared/token-usage.js';
import { migrate } from '../../core/migrate.js';
import { openPrivateDatabase } from '../../storage/private-database.js';
import type { SummaryFilter, TraceUsageRecord } from '../tokens/aggregate.js';
import { finishSummary } from '../tokens/summary.js';
import type { ModelUsage } from '../tokens/trace-usage.js';
import { latencyOf, type SpanTiming, type TraceTiming } from '../tokens/latency.js';
import { TRACE_CACHE_MIGRATIONS } from './migrations.js';
import { cacheSummaryParts } from './cache-summary.js';
import { cachedPromptRecords } from '../prompts/cache-prompts.js';
import { systemFingerprint, type SpanPromptFacts } from '../prompts/prompt-facts.js';
import type { PromptRecords } from '../prompts/prompt-record.js';
import type { CachedSpan } from './span-rows.js';
import { cachedSpanSearch, type CachedSpanPage, type CachedSpanQuery } from './span-search.js';

// One workspace's trace cache database: what a tracking server's trace search listed, each
// trace's per-model usage once its spans were read, and each experiment's sync position.
// Synchronous: it runs in the trace cache worker (cache-worker.ts).

export interface CachedInfo {
  traceId: string;
  experimentId: string;
  timestampMs: number;
  durationMs: number | null;
  state: string;
  name: string | null;
  user: string | null;
  session: string | null;
  stored: TokenUsage | null;
  /** The linked prompt versions as JSON (prompt-facts.ts PromptRef[]); null when none. */
  linked?: string | null;
}

export interface SyncPosition {
  experimentId: string;
  /** The first sync's next page; null before it starts and once it is complete. */
  pageToken: string | null;
  newestMs: number | null;
  complete: boolean;
}

export type SpanResult =
  | { traceId: string; usage: TokenUsage | null; byModel: ModelUsage[]; spans: CachedSpan[]; prompt?: SpanPromptFacts }
  | { traceId: string; unreadable: true; problem?: string };

export interface CacheCounts {
  traces: number;
  spansPending: number;
}

/** A trace whose spans could not be read, and why. */
export interface SpanProblem {
  traceId: string;
  problem: string;
}

type TraceRowDb = {
  trace_id: string;
  experiment_id: string;
  timestamp_ms: number;
  duration_ms: number | null;
  state: string;
  name: string | null;
  user: string | null;
  session: string | null;
  stored_input: number | null;
  stored_output: number | null;
  stored_total: number | null;
  spans: number;
  input: number | null;
  output: number | null;
  total: number | null;
};

const usageOf = (input: number | null, output: number | null, total: number | null): TokenUsage | null =>
  input === null || output === null || total === null ? null : { input, output, total };

export class TraceCacheDb {
  private constructor(private readonly db: Database.Database) {}

  static open(file: string): TraceCacheDb {
    const db = openPrivateDatabase(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      migrate(db, { name: 'The trace cache', remedy: 'Update Stratus, or clear the trace cache (it is rebuilt from the server).' }, file, TRACE_CACHE_MIGRATIONS);
    } catch (err) {
      db.close();
      throw err;
    }
    return new TraceCacheDb(db);
  }

  close(): void {
    this.db.close();
  }

  position(experimentId: string): SyncPosition {
    const row = this.db.prepare('SELECT page_token, newest_ms, complete FROM sync_state WHERE experiment_id = ?').get(experimentId) as
      | { page_token: string | null; newest_ms: number | null; complete: number }
      | undefined;
    return { experimentId, pageToken: row?.page_token ?? null, newestMs: row?.newest_ms ?? null, complete: row?.complete === 1 };
  }

  /** Stores a page of traces and, in the same transaction, the position after it: a cancel never loses or skips a page. */
  savePage(infos: readonly CachedInfo[], position: SyncPosition | null): void {
    // A trace whose state changed (IN_PROGRESS → OK) has its spans read again.
    const upsert = this.db.prepare(`
      INSERT INTO traces (trace_id, experiment_id, timestamp_ms, duration_ms, state, name, user, session, stored_input, stored_output, stored_total, linked_prompts)
      VALUES (@traceId, @experimentId, @timestampMs, @durationMs, @state, @name, @user, @session, @input, @output, @total, @linked)
      ON CONFLICT (trace_id) DO UPDATE SET
        experiment_id = excluded.experiment_id, linked_prompts = excluded.linked_prompts, timestamp_ms = excluded.timestamp_ms, duration_ms = excluded.duration_ms, name = excluded.name, user = excluded.user,
        session = excluded.session, stored_input = excluded.stored_input, stored_output = excluded.stored_output, stored_total = excluded.stored_total,
        spans = CASE WHEN traces.state = excluded.state THEN traces.spans ELSE 0 END,
        state = excluded.state`);
    const save = this.db.prepare(`
      INSERT INTO sync_state (experiment_id, page_token, newest_ms, complete) VALUES (?, ?, ?, ?)
      ON CONFLICT (experiment_id) DO UPDATE SET page_token = excluded.page_token, newest_ms = excluded.newest_ms, complete = excluded.complete`);
    this.db.transaction(() => {
      for (const i of infos) {
        upsert.run({ ...i, input: i.stored?.input ?? null, output: i.stored?.output ?? null, total: i.stored?.total ?? null, linked: i.linked ?? null });
      }
      if (position) save.run(position.experimentId, position.pageToken, position.newestMs, position.complete ? 1 : 0);
    })();
  }

  /** Traces still IN_PROGRESS in these experiments, newest first: the bounded re-check of a later sync. */
  inProgress(experimentIds: readonly string[], limit: number): string[] {
    const marks = experimentIds.map(() => '?').join(',');
    return this.db
      .prepare(`SELECT trace_id FROM traces WHERE state = 'IN_PROGRESS' AND experiment_id IN (${marks}) ORDER BY timestamp_ms DESC LIMIT ?`)
      .pluck()
      .all(...experimentIds, limit) as string[];
  }

  /** Traces whose spans were not read yet, newest first (what a user looks at first). */
  pendingSpans(limit: number): string[] {
    return this.db.prepare('SELECT trace_id FROM traces WHERE spans = 0 ORDER BY timestamp_ms DESC LIMIT ?').pluck().all(limit) as string[];
  }

  saveSpans(results: readonly SpanResult[]): void {
    const mark = this.db.prepare(
      'UPDATE traces SET spans = ?, input = ?, output = ?, total = ?, system_hash = ?, prompt_input = ?, prompt_output = ?, span_problem = ?, template_hash = ? WHERE trace_id = ?',
    );
    const system = this.db.prepare('INSERT OR IGNORE INTO system_prompts (hash, text) VALUES (?, ?)');
    const template = this.db.prepare('INSERT OR IGNORE INTO prompt_templates (hash, text, variables) VALUES (?, ?, ?)');
    const drop = this.db.prepare('DELETE FROM trace_models WHERE trace_id = ?');
    const dropSpans = this.db.prepare('DELETE FROM trace_spans WHERE trace_id = ?');
    const addSpan = this.db.prepare('INSERT INTO trace_spans (trace_id, name, span_type, model, error, duration_ms, status, calls) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const add = this.db.prepare(
      'INSERT INTO trace_models (trace_id, model, input, output, total, cache_read, cache_write, cache_in_input) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const r of results) {
        drop.run(r.traceId);
        dropSpans.run(r.traceId);
        if ('unreadable' in r) {
          mark.run(2, null, null, null, null, null, null, r.problem ?? null, null, r.traceId);
          continue;
        }
        // A trace deleted from the cache meanwhile (cleared) gets no orphan model rows.
        const { system: text, input, output, template: used } = r.prompt ?? { system: null, input: null, output: null, template: null };
        const hash = text === null || text === '' ? null : systemFingerprint(text);
        if (mark.run(1, r.usage?.input ?? null, r.usage?.output ?? null, r.usage?.total ?? null, hash, input, output, null, used?.hash ?? null, r.traceId).changes === 0) continue;
        if (hash !== null && text !== null) system.run(hash, text);
        if (used) template.run(used.hash, used.text, JSON.stringify(used.variables));
        for (const m of r.byModel) add.run(r.traceId, m.model, m.input, m.output, m.total, m.cacheRead, m.cacheWrite, m.cacheInInput);
        for (const s of r.spans) addSpan.run(r.traceId, s.name, s.type, s.model, s.error ? 1 : 0, s.durationMs, s.status, s.calls);
      }
    })();
  }

  /**
   * A file store's sync: given the trace folders an experiment holds now, forgets the cached traces
   * whose folder is gone, and answers the folders to read: those not cached, those whose spans are
   * still to read, and the `recheck` newest cached ones still IN_PROGRESS.
   */
  folderTodo(experimentId: string, ids: readonly string[], recheck: number): string[] {
    return this.db.transaction(() => {
      this.db.exec('CREATE TEMP TABLE IF NOT EXISTS listed (trace_id TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID; DELETE FROM temp.listed;');
      const add = this.db.prepare('INSERT OR IGNORE INTO temp.listed (trace_id) VALUES (?)');
      for (const id of ids) add.run(id);
      this.db.prepare('DELETE FROM traces WHERE experiment_id = ? AND trace_id NOT IN (SELECT trace_id FROM temp.listed)').run(experimentId);
      const todo = this.db.prepare('SELECT l.trace_id FROM temp.listed l LEFT JOIN traces t USING (trace_id) WHERE t.trace_id IS NULL OR t.spans = 0').pluck().all() as string[];
      const seen = new Set(todo);
      const unfinished = this.inProgress([experimentId], recheck).filter((id) => !seen.has(id));
      this.db.exec('DELETE FROM temp.listed');
      return [...todo, ...unfinished];
    })();
  }

  /** A batch of trace folders read whole (info and spans): stored in one transaction. */
  saveTraces(infos: readonly CachedInfo[], spans: readonly SpanResult[]): void {
    this.db.transaction(() => {
      this.savePage(infos, null);
      this.saveSpans(spans);
    })();
  }

  /** How many cached traces have spans that could not be read, and the newest `limit` of them with why. */
  unreadable(limit: number): { unreadable: number; problems: SpanProblem[] } {
    const count = this.db.prepare('SELECT count(*) FROM traces WHERE spans = 2').pluck().get() as number;
    return { unreadable: count, problems: count === 0 ? [] : this.spanProblems(null, limit) };
  }

  /** The traces (of these experiments, or all) whose spans could not be read, with why, newest first. */
  spanProblems(experimentIds: readonly string[] | null, limit: number): SpanProblem[] {
    const within = experimentIds === null ? '' : `AND experiment_id IN (${experimentIds.map(() => '?').join(',')})`;
    return this.db
      .prepare(`SELECT trace_id AS traceId, substr(span_problem, 1, ${MAX_SPAN_PROBLEM}) AS problem FROM traces WHERE spans = 2 AND span_problem IS NOT NULL ${within} ORDER BY timestamp_ms DESC LIMIT ?`)
      .all(...(experimentIds ?? []), limit) as SpanProblem[];
  }

  counts(): CacheCounts {
    const row = this.db.prepare('SELECT count(*) AS traces, coalesce(sum(spans = 0), 0) AS pending FROM traces').get() as { traces: number; pending: number };
    return { traces: row.traces, spansPending: row.pending };
  }

  /**
   * The cached traces as usage records: with their spans read, the usage by MLflow's rule split by
   * model over the spans that report it (usageShares); otherwise MLflow's stored total on an unknown model (as the sqlite cache does for a trace
   * without readable spans).
   */
  records(filter: SummaryFilter): TraceUsageRecord[] {
    if (filter.experimentIds.length === 0) return [];
    const marks = filter.experimentIds.map(() => '?').join(',');
    const range = [filter.from ?? Number.MIN_SAFE_INTEGER, filter.to ?? Number.MAX_SAFE_INTEGER];
    const where = `t.experiment_id IN (${marks}) AND t.timestamp_ms >= ? AND t.timestamp_ms < ?`;
    const models = new Map<string, ModelUsage[]>();
    const modelRows = this.db
      .prepare(`SELECT m.trace_id, m.model, m.input, m.output, m.total, m.cache_read, m.cache_write, m.cache_in_input FROM trace_models m JOIN traces t USING (trace_id) WHERE ${where} AND t.spans = 1`)
      .raw()
      .iterate(...filter.experimentIds, ...range) as Iterable<[string, string | null, number, number, number, number, number, number]>;
    for (const [traceId, model, input, output, total, cacheRead, cacheWrite, cacheInInput] of modelRows) {
      const list = models.get(traceId);
      const usage: ModelUsage = { model, input, output, total, cacheRead, cacheWrite, cacheInInput };
      if (list) list.push(usage);
      else models.set(traceId, [usage]);
    }
    // Only what a record holds: the prompt texts beside them in each row are not read.
    const rows = this.db
      .prepare(`SELECT trace_id, experiment_id, timestamp_ms, duration_ms, state, name, user, session, stored_input, stored_output, stored_total, spans, input, output, total FROM traces t WHERE ${where}`)
      .iterate(...filter.experimentIds, ...range) as Iterable<TraceRowDb>;
    const out: TraceUsageRecord[] = [];
    for (const r of rows) {
      const stored = usageOf(r.stored_input, r.stored_output, r.stored_total);
      const read = r.spans === 1;
      const usage = read ? usageOf(r.input, r.output, r.total) : stored;
      const byModel = read ? (models.get(r.trace_id) ?? []).sort((a, b) => b.total - a.total) : usage ? [{ model: null, ...usage, cacheRead: 0, cacheWrite: 0, cacheInInput: 0 }] : [];
      out.push({ traceId: r.trace_id, experimentId: r.experiment_id, name: r.name, timestamp: r.timestamp_ms, user: r.user, session: r.session, usage, byModel, stored, durationMs: r.duration_ms, status: r.state });
    }
    return out;
  }

  summary(filter: SummaryFilter, prices: readonly PriceRow[]): TokensSummary {
    return finishSummary(cacheSummaryParts(this.db, filter), prices);
  }

  /** Trace figures from every cached trace; span figures from the traces whose spans were read (`spansPending` says how many are not yet). */
  latency(filter: SummaryFilter): TokensLatency {
    if (filter.experimentIds.length === 0) return { ...latencyOf([], []), spansPending: 0 };
    const { where, binds } = this.selection(filter);
    const traces = this.db.prepare(`SELECT timestamp_ms, duration_ms, state FROM traces t WHERE ${where}`).raw().iterate(...binds) as Iterable<[number, number | null, string]>;
    const timings = (function* (): Iterable<TraceTiming> {
      for (const [timestamp, durationMs, status] of traces) yield { timestamp, durationMs, status };
    })();
    const spanRows = this.db
      .prepare(`SELECT s.span_type, s.model, s.duration_ms, s.error FROM trace_spans s JOIN traces t USING (trace_id) WHERE ${where} AND t.spans = 1`)
      .raw()
      .all(...binds) as [string | null, string | null, number, number][];
    const spans: SpanTiming[] = spanRows.map(([type, model, durationMs, error]) => ({ type, model, durationMs, error: error === 1 }));
    const pending = this.db.prepare(`SELECT count(*) FROM traces t WHERE ${where} AND t.spans = 0`).pluck().get(...binds) as number;
    return { ...latencyOf(timings, spans), spansPending: pending };
  }

  private selection(filter: SummaryFilter): { where: string; binds: (string | number)[] } {
    const marks = filter.experimentIds.map(() => '?').join(',');
    return {
      where: `t.experiment_id IN (${marks}) AND t.timestamp_ms >= ? AND t.timestamp_ms < ?`,
      binds: [...filter.experimentIds, filter.from ?? Number.MIN_SAFE_INTEGER, filter.to ?? Number.MAX_SAFE_INTEGER],
    };
  }

  /** The cached traces of these experiments as the Prompts view groups them, and their system prompts. */
  promptRecords(experimentIds: readonly string[]): PromptRecords {
    return cachedPromptRecords(this.db, experimentIds, this.records({ experimentIds }));
  }

  /** A page of the traces whose cached spans meet a search's span conditions (span-search.ts). */
  spanSearch(query: CachedSpanQuery): CachedSpanPage {
    return cachedSpanSearch(this.db, query);
  }

  /** Forgets every trace and sync position: the next sync starts from the first page. */
  clear(): void {
    this.db.exec('DELETE FROM trace_spans; DELETE FROM trace_models; DELETE FROM traces; DELETE FROM sync_state; DELETE FROM system_prompts; DELETE FROM prompt_templates;');
  }
}
