import { describe, expect, it } from 'vitest';
import { graceCutoff } from '../../electron/gc/grace.js';
import { referencedBy } from '../../electron/gc/metaflow/scan.js';
import { parseOlderThan, sqlitePath } from '../../electron/gc/options.js';
import { GcPlanArgs } from '../../shared/schemas/gc.js';

const WORKSPACE = '6f1c2a8e-8a51-4c1e-9b7a-3c1d2e4f5a6b';

describe('gc options', () => {
  it('reads MLflow --older-than spans', () => {
    expect(parseOlderThan('30d')).toBe(30 * 86_400_000);
    expect(parseOlderThan('1d2h3m4s')).toBe(86_400_000 + 2 * 3_600_000 + 3 * 60_000 + 4_000);
    expect(() => parseOlderThan('1x')).toThrow(/not a span/);
  });

  it('takes the database path from an absolute sqlite URI only', () => {
    expect(sqlitePath('sqlite:////home/ds/mlflow.db')).toBe('/home/ds/mlflow.db');
    expect(() => sqlitePath('sqlite:///relative.db')).toThrow(/absolute/);
  });

  it('never lets the grace period go under one hour', () => {
    expect(graceCutoff(1, 10_000_000)).toBe(10_000_000 - 3_600_000);
    expect(() => graceCutoff(0.99, Date.now())).toThrow(/at least 1 hour/);
    expect(() => graceCutoff(Number.NaN, Date.now())).toThrow(/at least 1 hour/);
    expect(GcPlanArgs.safeParse({ workspaceId: WORKSPACE, target: 'metaflow', graceHours: 0.5 }).success).toBe(false);
    expect(GcPlanArgs.safeParse({ workspaceId: WORKSPACE, target: 'metaflow', graceHours: 1 }).success).toBe(true);
  });

  it('refuses an index that is not a data.json instead of treating it as naming nothing', () => {
    expect(referencedBy(Buffer.from('{"objects": {"a": "ab"}}'), 'x')).toEqual(['ab']);
    expect(() => referencedBy(Buffer.from('{"objects": ['), 'x')).toThrow(/not valid JSON/);
    expect(() => referencedBy(Buffer.from('{"info": {}}'), 'x')).toThrow(/no "objects" map/);
    expect(() => referencedBy(Buffer.from('{"objects": {"a": 1}}'), 'x')).toThrow(/other than a key/);
  });
});
