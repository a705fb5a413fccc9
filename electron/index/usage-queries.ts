import type Database from 'better-sqlite3';
import type { UsageRow } from '../../shared/schemas/usage.js';
import type { UsageCasRecord, UsageRowPage, UsageRowQuery, UsageRunRecord, UsageRunUnique } from './usage-types.js';

// Storage usage in the local index (migration 4): writes of scanned runs and the sums over them.
// The sums run here, in the index worker: a flow of 10,000 runs names some 100,000 blobs, and
// splitting them into unique and shared is a GROUP BY over every reference.

type Prepare = (sql: string) => Database.Statement;

interface Extras {
  name: string;
  runs: number;
  tasks: number;
  logBytes: number;
  logCount: number;
  cardBytes: number;
  cardCount: number;
  problems: number;
  running: number;
}

interface Blob {
  size: number;
  tier: string;
}

type Sums = Pick<UsageRow, 'uniqueBytes' | 'uniqueCount' | 'sharedBytes' | 'sharedCount' | 'unreferencedBytes' | 'unreferencedCount' | 'tiers'>;

const UNKNOWN_TIER = 'unknown';

/**
 * Sums per row in plain loops over the references: a blob with one holder is unique to the row that
 * names it, with more it is shared, with none (flows only) unreferenced. A join of every reference
 * with a GROUP BY of holders made SQLite re-run the grouping per reference (minutes at 10,000 runs).
 */
function sums(named: Iterable<{ name: string; sha: string }>, holders: ReadonlyMap<string, number>, cas: ReadonlyMap<string, Blob>): Map<string, Sums> {
  const out = new Map<string, Sums>();
  for (const { name, sha } of named) {
    const blob = cas.get(sha);
    if (!blob) continue;
    let row = out.get(name);
    if (!row) out.set(name, (row = { uniqueBytes: 0, uniqueCount: 0, sharedBytes: 0, sharedCount: 0, unreferencedBytes: 0, unreferencedCount: 0, tiers: {} }));
    const n = holders.get(sha) ?? 0;
    if (n === 0) {
      row.unreferencedBytes += blob.size;
      row.unreferencedCount++;
    } else if (n === 1) {
      row.uniqueBytes += blob.size;
      row.uniqueCount++;
    } else {
      row.sharedBytes += blob.size;
      row.sharedCount++;
    }
    row.tiers[blob.tier] = (row.tiers[blob.tier] ?? 0) + blob.size;
  }
  return out;
}

function casOf(prepare: Prepare, flow: string): Map<string, Blob> {
  const rows = prepare(`SELECT sha, size, coalesce(tier, '${UNKNOWN_TIER}') AS tier FROM usage_cas WHERE flow = ?`).all(flow) as ({ sha: string } & Blob)[];
  return new Map(rows.map((r) => [r.sha, { size: r.size, tier: r.tier }]));
}

/** How many distinct holders name each sha, from (holder, sha) pairs already distinct. */
function countHolders(pairs: { sha: string }[]): Map<string, number> {
  const holders = new Map<string, number>();
  for (const { sha } of pairs) holders.set(sha, (holders.get(sha) ?? 0) + 1);
  return holders;
}

export function putUsageRuns(db: Database.Database, prepare: Prepare, flow: string, runs: UsageRunRecord[], scannedAt: number): void {
  const putRun = prepare(
    `INSERT INTO usage_runs (flow, run, finished, problem, scanned_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (flow, run) DO UPDATE SET finished = excluded.finished, problem = excluded.problem, scanned_at = excluded.scanned_at`,
  );
  const clearSteps = prepare('DELETE FROM usage_steps WHERE flow = ? AND run = ?');
  const clearRefs = prepare('DELETE FROM usage_refs WHERE flow = ? AND run = ?');
  const putStep = prepare('INSERT INTO usage_steps (flow, run, step, tasks, log_bytes, logs, card_bytes, cards) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const putRef = prepare('INSERT OR IGNORE INTO usage_refs (flow, run, step, sha) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (const run of runs) {
      putRun.run(flow, run.run, run.finished ? 1 : 0, run.problem, scannedAt);
      clearSteps.run(flow, run.run);
      clearRefs.run(flow, run.run);
      for (const s of run.steps) {
        putStep.run(flow, run.run, s.step, s.tasks, s.logBytes, s.logs, s.cardBytes, s.cards);
        for (const sha of s.shas) putRef.run(flow, run.run, s.step, sha);
      }
    }
  })();
}

/** The flow's CAS as listed now replaces the one listed before (gc may have deleted some). */
export function putUsageCas(db: Database.Database, prepare: Prepare, flow: string, blobs: UsageCasRecord[]): void {
  const put = prepare('INSERT OR REPLACE INTO usage_cas (flow, sha, size, tier) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    prepare('DELETE FROM usage_cas WHERE flow = ?').run(flow);
    for (const b of blobs) put.run(flow, b.sha, b.size, b.tier);
  })();
}

/** Drops runs no longer in the datastore, or with `runs` null the whole flow. */
export function forgetUsage(db: Database.Database, prepare: Prepare, flow: string, runs: string[] | null): void {
  db.transaction(() => {
    if (runs === null) {
      for (const table of ['usage_refs', 'usage_steps', 'usage_runs', 'usage_cas']) prepare(`DELETE FROM ${table} WHERE flow = ?`).run(flow);
      return;
    }
    const forget = prepare('DELETE FROM usage_runs WHERE flow = ? AND run = ?');
    for (const run of runs) forget.run(flow, run);
  })();
}

/** The flow's runs scanned so far, and whether each is finished (not to be read again). */
export function usageScanned(prepare: Prepare, flow: string): { run: string; finished: boolean }[] {
  const rows = prepare('SELECT run, finished, problem FROM usage_runs WHERE flow = ?').all(flow) as { run: string; finished: number; problem: string | null }[];
  return rows.map((r) => ({ run: r.run, finished: r.finished === 1 && r.problem === null }));
}

export function usageFlowNames(prepare: Prepare): string[] {
  return prepare('SELECT DISTINCT flow FROM usage_runs UNION SELECT DISTINCT flow FROM usage_cas ORDER BY 1').pluck().all() as string[];
}

function emptyRow(name: string): UsageRow {
  return {
    name,
    runs: 0,
    tasks: 0,
    uniqueBytes: 0,
    uniqueCount: 0,
    sharedBytes: 0,
    sharedCount: 0,
    unreferencedBytes: 0,
    unreferencedCount: 0,
    logBytes: 0,
    logCount: 0,
    cardBytes: 0,
    cardCount: 0,
    tiers: {},
    problems: 0,
    running: false,
  };
}

/** Rows keyed by name from the extras (every run or step scanned), with the CAS sums added. */
function merge(extras: Extras[], split: Map<string, Sums>): UsageRow[] {
  const rows = new Map<string, UsageRow>();
  const row = (name: string) => {
    let r = rows.get(name);
    if (!r) rows.set(name, (r = emptyRow(name)));
    return r;
  };
  for (const e of extras) Object.assign(row(e.name), { ...e, running: e.running > 0 });
  for (const [name, sum] of split) Object.assign(row(name), sum);
  return [...rows.values()];
}

function page(rows: UsageRow[], query: UsageRowQuery): UsageRowPage {
  const sort = query.sort ?? 'uniqueBytes';
  rows.sort((a, b) => (sort === 'name' ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : b[sort] - a[sort] || (a.name < b.name ? -1 : 1)));
  return { rows: query.limit === undefined ? rows : rows.slice(0, query.limit), total: rows.length };
}

/** Per flow: a CAS blob named by one run is unique, by several shared, by none unreferenced. */
export function usageFlows(prepare: Prepare, query: UsageRowQuery): UsageRowPage {
  const split = new Map<string, Sums>();
  const flows = prepare('SELECT DISTINCT flow FROM usage_cas').pluck().all() as string[];
  for (const flow of flows) {
    const holders = new Map(
      (prepare('SELECT sha, count(DISTINCT run) AS n FROM usage_refs WHERE flow = ? GROUP BY sha').all(flow) as { sha: string; n: number }[]).map((r) => [r.sha, r.n]),
    );
    const cas = casOf(prepare, flow);
    const flowSums = sums(
      [...cas.keys()].map((sha) => ({ name: flow, sha })),
      holders,
      cas,
    ).get(flow);
    if (flowSums) split.set(flow, flowSums);
  }
  const extras = prepare(
    `SELECT r.flow AS name, count(*) AS runs, coalesce(sum(s.tasks), 0) AS tasks, coalesce(sum(s.logBytes), 0) AS logBytes,
       coalesce(sum(s.logCount), 0) AS logCount, coalesce(sum(s.cardBytes), 0) AS cardBytes, coalesce(sum(s.cardCount), 0) AS cardCount,
       sum(r.problem IS NOT NULL) AS problems, sum(r.finished = 0) AS running
     FROM usage_runs r LEFT JOIN (
       SELECT flow, run, sum(tasks) AS tasks, sum(log_bytes) AS logBytes, sum(logs) AS logCount, sum(card_bytes) AS cardBytes, sum(cards) AS cardCount
       FROM usage_steps GROUP BY flow, run) s ON s.flow = r.flow AND s.run = r.run
     GROUP BY r.flow`,
  ).all() as Extras[];
  return page(merge(extras, split), query);
}

/** Per run of the flow: a blob is unique to the run when no other run names it. */
export function usageRuns(prepare: Prepare, flow: string, query: UsageRowQuery): UsageRowPage {
  const named = prepare('SELECT DISTINCT run AS name, sha FROM usage_refs WHERE flow = ?').all(flow) as { name: string; sha: string }[];
  const split = sums(named, countHolders(named), casOf(prepare, flow));
  const extras = prepare(
    `SELECT r.run AS name, 1 AS runs, coalesce(sum(s.tasks), 0) AS tasks, coalesce(sum(s.log_bytes), 0) AS logBytes, coalesce(sum(s.logs), 0) AS logCount,
       coalesce(sum(s.card_bytes), 0) AS cardBytes, coalesce(sum(s.cards), 0) AS cardCount, r.problem IS NOT NULL AS problems, r.finished = 0 AS running
     FROM usage_runs r LEFT JOIN usage_steps s ON s.flow = r.flow AND s.run = r.run WHERE r.flow = @flow GROUP BY r.run`,
  ).all({ flow }) as Extras[];
  return page(merge(extras, split), query);
}

/** Per step of the run: a blob is unique to the step when no other step, of this run or another, names it. */
export function usageSteps(prepare: Prepare, flow: string, run: string, query: UsageRowQuery): UsageRowPage {
  const pairs = prepare(
    `SELECT DISTINCT run, step, sha FROM usage_refs WHERE flow = @flow AND sha IN (SELECT sha FROM usage_refs WHERE flow = @flow AND run = @run)`,
  ).all({ flow, run }) as { run: string; step: string; sha: string }[];
  const named = pairs.filter((p) => p.run === run).map((p) => ({ name: p.step, sha: p.sha }));
  const split = sums(named, countHolders(pairs), casOf(prepare, flow));
  const extras = prepare(
    `SELECT step AS name, 0 AS runs, tasks, log_bytes AS logBytes, logs AS logCount, card_bytes AS cardBytes, cards AS cardCount, 0 AS problems, 0 AS running
     FROM usage_steps WHERE flow = @flow AND run = @run`,
  ).all({ flow, run }) as Extras[];
  return page(merge(extras, split), query);
}

/** The run's CAS blobs (listed in the flow's CAS) that no other run of the flow names. */
export function usageRunUnique(prepare: Prepare, flow: string, run: string): UsageRunUnique {
  const scanned = prepare('SELECT finished, problem FROM usage_runs WHERE flow = ? AND run = ?').get(flow, run) as { finished: number; problem: string | null } | undefined;
  if (!scanned) return { state: 'missing', blobs: [] };
  const blobs = prepare(
    `SELECT DISTINCT c.sha, c.size FROM usage_refs r JOIN usage_cas c ON c.flow = r.flow AND c.sha = r.sha
     WHERE r.flow = @flow AND r.run = @run AND NOT EXISTS (SELECT 1 FROM usage_refs o WHERE o.flow = r.flow AND o.sha = r.sha AND o.run <> r.run)
     ORDER BY c.sha`,
  ).all({ flow, run }) as { sha: string; size: number }[];
  return { state: scanned.finished === 1 && scanned.problem === null ? 'finished' : 'running', blobs };
}

export function usageBuiltAt(prepare: Prepare): number | null {
  return prepare('SELECT max(scanned_at) FROM usage_runs').pluck().get() as number | null;
}
