import { describe, expect, it } from 'vitest';
import { PrioritizedWork } from '../../../electron/core/prioritized.js';

// The order work starts in: first order, except that keys asked for by `prefer` go next.

/** Work that runs until released, writing down when each key started. */
function controlled() {
  const started: string[] = [];
  const release = new Map<string, () => void>();
  const work = (key: string) =>
    new Promise<void>((resolve) => {
      started.push(key);
      release.set(key, resolve);
    });
  const finish = async (key: string) => {
    release.get(key)?.();
    // Lets the freed lane take its next key.
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { started, work, finish };
}

describe('PrioritizedWork', () => {
  it('starts preferred keys as soon as a lane frees, then the rest in their order', async () => {
    const { started, work, finish } = controlled();
    const queue = new PrioritizedWork(['a', 'b', 'c', 'd', 'e', 'f'], 2, work);
    expect(started).toEqual(['a', 'b']);
    queue.prefer(['f', 'e', 'a']);
    await finish('a');
    expect(started).toEqual(['a', 'b', 'f']);
    await finish('b');
    expect(started).toEqual(['a', 'b', 'f', 'e']);
    for (const key of ['f', 'e', 'c', 'd']) await finish(key);
    await queue.done;
    expect(started).toEqual(['a', 'b', 'f', 'e', 'c', 'd']);
    expect(queue.waiting).toBe(0);
  });

  it('a later prefer replaces an earlier one', async () => {
    const { started, work, finish } = controlled();
    const queue = new PrioritizedWork(['a', 'b', 'c', 'd'], 1, work);
    queue.prefer(['c']);
    queue.prefer(['d']);
    for (const key of ['a', 'd', 'b', 'c']) await finish(key);
    await queue.done;
    expect(started).toEqual(['a', 'd', 'b', 'c']);
  });

  it('stops taking keys after a failure and rejects with it', async () => {
    const started: string[] = [];
    const queue = new PrioritizedWork(['a', 'b', 'c'], 1, async (key) => {
      started.push(key);
      if (key === 'a') throw new Error('offline');
    });
    await expect(queue.done).rejects.toThrow('offline');
    expect(started).toEqual(['a']);
  });
});
