import { mkdtemp, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMlflowSchema } from '../../electron/sample/mlflow-store.js';
import { ensureSampleWorkspace } from '../../electron/sample/sample-workspace.js';
import { createServices, type Services } from '../../electron/services.js';
import type { StratusErrorShape } from '../../shared/errors.js';
import { MLFLOW_FIXTURE } from '../harness/mlflow-fixture.js';

// The sample workspace a first launch offers: MLflow's own schema (checked against a database real MLflow wrote),
// written once and reused, and readable end to end through the same channels the renderer calls.

type Reply = { ok: true; value: unknown } | { ok: false; error: StratusErrorShape };

function value<T>(reply: Reply): T {
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply.value as T;
}

/** Every table with its columns (name, type, not null, primary key), sorted. */
function shape(file: string): Record<string, string[]> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
    return Object.fromEntries(
      tables.map(({ name }) => [
        name,
        (db.prepare(`SELECT name, type, "notnull", pk FROM pragma_table_xinfo(?)`).all(name) as { name: string; type: string; notnull: number; pk: number }[])
          .map((c) => `${c.name} ${c.type} ${c.notnull} ${c.pk}`)
          .sort(),
      ]),
    );
  } finally {
    db.close();
  }
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-sample-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('sample workspace', () => {
  it('creates the MLflow schema a real MLflow database has, table by table and column by column', async () => {
    const file = path.join(scratch, 'schema.db');
    const db = new Database(file);
    createMlflowSchema(db);
    db.close();
    expect(shape(file)).toEqual(shape(path.join(MLFLOW_FIXTURE, 'mlflow.db')));
  });

  it('is written once, and written again only when a crash left it without its VERSION', async () => {
    const userData = path.join(scratch, 'once');
    const first = await ensureSampleWorkspace(userData);
    const db = first.mlflowTrackingUri.replace('sqlite:///', '');
    const written = (await stat(db)).mtimeMs;
    const again = await ensureSampleWorkspace(userData);
    expect(again).toEqual(first);
    expect((await stat(db)).mtimeMs).toBe(written);

    await unlink(path.join(userData, 'sample-workspace', 'VERSION'));
    await ensureSampleWorkspace(userData);
    expect((await stat(db)).mtimeMs).not.toBe(written);
  });

  describe('through the channels the renderer calls', () => {
    let services: Services;
    let workspaceId: string;
    beforeAll(async () => {
      services = createServices({ env: {}, userDataDir: path.join(scratch, 'app') });
      const saved = value<{ id: string; config: { name: string } }>(await services.router.dispatch('workspace.openSample', {}));
      expect(saved.config.name).toBe('Sample workspace');
      workspaceId = value<{ id: string }>(await services.router.dispatch('workspace.connect', { id: saved.id })).id;
    });

    it('saves one workspace however often it is opened, even by overlapping calls', async () => {
      const replies = await Promise.all([services.router.dispatch('workspace.openSample', {}), services.router.dispatch('workspace.openSample', {})]);
      const ids = new Set(replies.map((reply) => value<{ id: string }>(reply).id));
      expect(ids.size).toBe(1);
      const list = value<{ workspaces: unknown[] }>(await services.router.dispatch('workspace.list', {}));
      expect(list.workspaces).toHaveLength(1);
    });

    it('has flows with failed, retried and succeeded runs, users and tags', async () => {
      const flows = value<{ entries: { name: string }[] }>(await services.router.dispatch('metaflow.list', { workspaceId }));
      const names = flows.entries.map((e) => e.name);
      expect(names.length).toBeGreaterThanOrEqual(2);
      const statuses = new Set<string>();
      for (const flow of names) {
        const list = value<{ runs: { status: string; user: string | null; id: string }[]; metadata: string }>(
          await services.router.dispatch('metaflow.runs', { workspaceId, flow }),
        );
        expect(list.metadata).toBe('local');
        for (const run of list.runs) {
          statuses.add(run.status);
          expect(run.user).not.toBeNull();
        }
      }
      expect(statuses).toEqual(new Set(['succeeded', 'failed']));
    });

    it('has MLflow runs with metric histories and traces with token usage over several models and users', async () => {
      const { experiments } = value<{ experiments: { experimentId: string; name: string }[] }>(
        await services.router.dispatch('mlflow.experiments', { workspaceId }),
      );
      const ids = experiments.map((e) => e.experimentId);
      const runs = value<{ runs: { status: string }[] }>(await services.router.dispatch('mlflow.runs', { workspaceId, experimentIds: ids }));
      expect(runs.runs.length).toBeGreaterThan(3);
      expect(new Set(runs.runs.map((r) => r.status))).toContain('FAILED');
      const traces = value<{ traces: unknown[] }>(await services.router.dispatch('mlflow.traces', { workspaceId, experimentIds: ids }));
      expect(traces.traces.length).toBeGreaterThan(0);
      const summary = value<{ totals: { total: number }; models: unknown[]; users: unknown[] }>(
        await services.router.dispatch('mlflow.tokens.summary', { workspaceId, experimentIds: ids }),
      );
      expect(summary.totals.total).toBeGreaterThan(0);
      expect(summary.models.length).toBeGreaterThan(1);
      expect(summary.users.length).toBeGreaterThan(1);
    });
  });
});
