import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunUsageCache, usageCacheFile } from '../../electron/mlflow/usage/run-usage-cache.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('MLflow run usage cache', () => {
  it('keeps ended runs\' sizes across launches, per tracking store, until forgotten', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'stratus-usage-cache-'));
    dirs.push(dir);
    const first = new RunUsageCache(usageCacheFile(dir));
    const run = { artifactUri: 'wasbs://c@acct.blob.core.windows.net/x/r1/artifacts', files: 3, bytes: 4096, tiers: [{ tier: 'Hot', files: 3, bytes: 4096 }] };
    first.write('sqlite:////a.db', new Map([['r1', run]]));
    first.close();
    const second = new RunUsageCache(usageCacheFile(dir));
    expect(second.read('sqlite:////a.db')).toEqual(new Map([['r1', run]]));
    expect(second.read('sqlite:////b.db').size).toBe(0);
    second.forget('sqlite:////a.db');
    expect(second.read('sqlite:////a.db').size).toBe(0);
    second.close();
  });
});
