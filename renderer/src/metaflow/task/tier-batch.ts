// Rows ask for their artifact's tier one by one as they scroll into view; the host is asked once
// per tick for all of them, at most `max` names a call (the channel's bound).

export type BatchFetch<V> = (names: string[]) => Promise<Map<string, V>>;

export function createBatcher<V>(fetch: BatchFetch<V>, max: number): (name: string) => Promise<V> {
  let waiting = new Map<string, { resolve: (v: V) => void; reject: (e: unknown) => void }[]>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const batch = waiting;
    waiting = new Map();
    const names = [...batch.keys()];
    for (let i = 0; i < names.length; i += max) {
      const chunk = names.slice(i, i + max);
      fetch(chunk).then(
        (found) => {
          for (const name of chunk) {
            const value = found.get(name);
            for (const w of batch.get(name) ?? []) {
              if (value === undefined) w.reject(new Error(`No tier came back for "${name}".`));
              else w.resolve(value);
            }
          }
        },
        (err: unknown) => {
          for (const name of chunk) for (const w of batch.get(name) ?? []) w.reject(err);
        },
      );
    }
  };
  return (name) =>
    new Promise<V>((resolve, reject) => {
      waiting.set(name, [...(waiting.get(name) ?? []), { resolve, reject }]);
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
    });
}
