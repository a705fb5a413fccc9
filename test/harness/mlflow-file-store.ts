import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type Database from 'better-sqlite3';

// An MLflow file store (mlruns/) laid out as MLflow's FileStore writes it, made from an MLflow
// sqlite database written by real MLflow (the shared fixture's, or one the kit's generator wrote):
// meta.yaml as PyYAML dumps it (quoted ids, numeric run status), params/ tags/ metrics/ files,
// deleted experiments in .trash/, traces under <exp>/traces/<id>/ with traces.json holding the
// spans MLflow wrote.

type Row = Record<string, unknown>;

const STATUS = { RUNNING: 1, SCHEDULED: 2, FINISHED: 3, FAILED: 4, KILLED: 5 } as const;

function yaml(fields: Record<string, string | number | null>): string {
  return Object.entries(fields)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}: ${typeof v === 'number' ? v : v === null ? 'null' : /^[0-9]+$/.test(v) || v === '' ? `'${v}'` : v}`)
    .join('\n');
}

async function write(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}

/** The folder of an experiment in the store (deleted ones under .trash/). */
export function experimentDir(db: Database.Database, mlruns: string, experimentId: string | number): string {
  const e = db.prepare('SELECT lifecycle_stage FROM experiments WHERE experiment_id = ?').get(experimentId) as { lifecycle_stage: string };
  return path.join(mlruns, e.lifecycle_stage === 'deleted' ? '.trash' : '', String(experimentId));
}

/** One trace's folder: trace_info.yaml, request_metadata/, tags/, artifacts/traces.json. */
export async function writeTraceFolder(db: Database.Database, mlruns: string, traceId: string): Promise<string> {
  const all = (sql: string, ...binds: unknown[]) => db.prepare(sql).all(...binds) as Row[];
  const t = all('SELECT * FROM trace_info WHERE request_id = ?', traceId)[0];
  const traceDir = path.join(experimentDir(db, mlruns, t.experiment_id as number), 'traces', traceId);
  await write(
    path.join(traceDir, 'trace_info.yaml'),
    `${yaml({
      trace_id: traceId,
      request_time: new Date(t.timestamp_ms as number).toISOString(),
      execution_duration: `${(t.execution_time_ms as number) / 1000}s`,
      state: t.status as string,
      request_preview: JSON.stringify(t.request_preview ?? ''),
      response_preview: JSON.stringify(t.response_preview ?? ''),
    })}\ntrace_location:\n  mlflow_experiment:\n    experiment_id: '${String(t.experiment_id)}'\n  type: MLFLOW_EXPERIMENT\n`,
  );
  for (const m of all('SELECT key, value FROM trace_request_metadata WHERE request_id = ?', traceId)) await write(path.join(traceDir, 'request_metadata', m.key as string), m.value as string);
  for (const g of all("SELECT key, value FROM trace_tags WHERE request_id = ? AND key != 'mlflow.artifactLocation'", traceId)) await write(path.join(traceDir, 'tags', g.key as string), g.value as string);
  // The span JSON as MLflow wrote it, not parsed: epoch nanoseconds pass 2^53.
  const spans = all('SELECT content FROM spans WHERE trace_id = ?', traceId).map((s) => s.content as string);
  await write(path.join(traceDir, 'artifacts', 'traces.json'), `{"spans": [${spans.join(', ')}]}`);
  return traceDir;
}

/** mlruns/ from the database; `withTrace` chooses the traces written (all by default). */
export async function buildFileStore(db: Database.Database, mlruns: string, withTrace: (traceId: string) => boolean = () => true): Promise<void> {
  const all = (sql: string, ...binds: unknown[]) => db.prepare(sql).all(...binds) as Row[];
  for (const e of all('SELECT * FROM experiments')) {
    const dir = experimentDir(db, mlruns, e.experiment_id as number);
    await write(
      path.join(dir, 'meta.yaml'),
      yaml({ artifact_location: pathToFileURL(dir).href, creation_time: e.creation_time as number, experiment_id: String(e.experiment_id), last_update_time: e.last_update_time as number, lifecycle_stage: e.lifecycle_stage as string, name: e.name as string }),
    );
    for (const t of all('SELECT key, value FROM experiment_tags WHERE experiment_id = ?', e.experiment_id)) await write(path.join(dir, 'tags', t.key as string), t.value as string);
    for (const r of all('SELECT * FROM runs WHERE experiment_id = ?', e.experiment_id)) {
      const runDir = path.join(dir, r.run_uuid as string);
      await write(
        path.join(runDir, 'meta.yaml'),
        `${yaml({
          artifact_uri: pathToFileURL(path.join(runDir, 'artifacts')).href,
          end_time: r.end_time as number | null,
          entry_point_name: '',
          experiment_id: String(e.experiment_id),
          lifecycle_stage: r.lifecycle_stage as string,
          run_id: r.run_uuid as string,
          run_name: r.name as string,
          run_uuid: r.run_uuid as string,
          source_name: '',
          source_type: 4,
          source_version: '',
          start_time: r.start_time as number,
          status: STATUS[r.status as keyof typeof STATUS],
          user_id: r.user_id as string,
          ...(r.deleted_time ? { deleted_time: r.deleted_time as number } : {}),
        })}\ntags: []\n`,
      );
      for (const p of all('SELECT key, value FROM params WHERE run_uuid = ?', r.run_uuid)) await write(path.join(runDir, 'params', p.key as string), p.value as string);
      for (const t of all('SELECT key, value FROM tags WHERE run_uuid = ?', r.run_uuid)) await write(path.join(runDir, 'tags', t.key as string), t.value as string);
      for (const k of all('SELECT DISTINCT key FROM metrics WHERE run_uuid = ?', r.run_uuid)) {
        const lines = all('SELECT timestamp, value, step FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY timestamp', r.run_uuid, k.key).map((m) => `${m.timestamp} ${m.value} ${m.step}`);
        await write(path.join(runDir, 'metrics', k.key as string), `${lines.join('\n')}\n`);
      }
      await write(path.join(runDir, 'artifacts', 'notes', 'summary.txt'), `run ${r.run_uuid as string}\n`);
    }
    for (const t of all('SELECT request_id FROM trace_info WHERE experiment_id = ?', e.experiment_id)) {
      if (withTrace(t.request_id as string)) await writeTraceFolder(db, mlruns, t.request_id as string);
    }
  }
}
