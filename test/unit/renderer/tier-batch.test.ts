import { describe, expect, it } from 'vitest';
import { createBatcher } from '../../../renderer/src/metaflow/task/tier-batch.js';

// The artifact table's rows ask for tiers one by one; the host sees one call per screenful, within the channel's bound.

describe('tier requests of the artifact table', () => {
  it('asks once for the names requested together, in calls of at most the bound, and answers each row', async () => {
    const calls: string[][] = [];
    const load = createBatcher(async (names) => {
      calls.push(names);
      return new Map(names.map((n) => [n, `tier of ${n}`]));
    }, 2);
    const answers = await Promise.all(['a', 'b', 'c', 'a'].map(load));
    expect(answers).toEqual(['tier of a', 'tier of b', 'tier of c', 'tier of a']);
    expect(calls).toEqual([['a', 'b'], ['c']]);
    await load('d');
    expect(calls).toEqual([['a', 'b'], ['c'], ['d']]);
  });

  it('fails the rows of a failed call and of a name the host did not answer', async () => {
    const load = createBatcher(async (names) => {
      if (names.includes('boom')) throw new Error('host down');
      return new Map<string, string>();
    }, 10);
    await expect(load('boom')).rejects.toThrow('host down');
    await expect(load('x')).rejects.toThrow('No tier came back for "x".');
  });
});
