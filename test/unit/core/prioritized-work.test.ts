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
  it('starts preferred keys at once beside the busy lanes, and no other key until they end', async () => {
    const { started, work, finish } = controlled();
    const queue = new PrioritizedWork(['a', 'b', 'c', 'd', 'e', 'f'], 2, work);
    expect(started).toEqual(['a', 'b']);
    queue.prefer(['f', 'e', 'a']);
    // 'a' already runs; 'f' and 'e' do not wait for 'a' or 'b' to end.
    expect(started).toEqual(['a', 'b', 'f', 'e']);
    await finish('f');
    await finish('a');
    // 'e' (preferred) still runs: the freed lane waits rather than send 'c' ahead of it.
    expect(started).toEqual(['a', 'b', 'f', 'e']);
    await finish('e');
    expect(started).toEqual(['a', 'b', 'f', 'e', 'c']);
    await finish('b');
    expect(started).toEqual(['a', 'b', 'f', 'e', 'c', 'd']);
    for (const key of ['c', 'd']) await finish(key);
    await queue.done;
    expect(queue.waiting).toBe(0);
  });

  it('starts at most `concurrency` more lanes for preferred keys; the others go next, before the rest', async () => {
    const { started, work, finish } = controlled();
    const queue = new PrioritizedWork(['a', 'b', 'c', 'd', 'e'], 1, work);
    queue.prefer(['e', 'd']);
    expect(started).toEqual(['a', 'e']);
    await finish('a');
    expect(started).toEqual(['a', 'e', 'd']);
    for (const key of ['e', 'd', 'b', 'c']) await finish(key);
    await queue.done;
    expect(started).toEqual(['a', 'e', 'd', 'b', 'c']);
  });

  it('a later prefer replaces an earlier one', async () => {
    const { started, work, finish } = controlled();
    const queue = new PrioritizedWork(['a', 'b', 'c', 'd', 'e'], 1, work);
    queue.prefer(['b', 'c']);
    queue.prefer(['e']);
    expect(started).toEqual(['a', 'b']);
    await finish('b');
    expect(started).toEqual(['a', 'b', 'e']);
    for (const key of ['a', 'e', 'c', 'd']) await finish(key);
    await queue.done;
    expect(started).toEqual(['a', 'b', 'e', 'c', 'd']);
  });

  it('starts no key before `after` resolves, then the keys preferred meanwhile first', async () => {
    const { started, work, finish } = controlled();
    let open = () => {};
    const after = new Promise<void>((resolve) => (open = resolve));
    const queue = new PrioritizedWork(['a', 'b', 'c'], 1, work, after);
    queue.prefer(['c']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([]);
    open();
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['c']);
    for (const key of ['c', 'a', 'b']) await finish(key);
    await queue.done;
    expect(started).toEqual(['c', 'a', 'b']);
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
