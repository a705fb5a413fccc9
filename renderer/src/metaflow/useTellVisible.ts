import { useEffect } from 'react';

/** Scrolling settles this long before main is told which rows are in view. */
const VISIBLE_SETTLE_MS = 150;

/**
 * While main reads statuses behind a progressive answer (a runs list, a run view), it reads the rows in view first:
 * once scrolling settles, tell it which rows in view still wait. `tell` must be stable (useCallback).
 */
export function useTellVisible(waiting: readonly string[], tell: (keys: string[]) => void): void {
  const key = waiting.join('\n');
  useEffect(() => {
    if (key === '') return;
    const timer = setTimeout(() => tell(key.split('\n')), VISIBLE_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [key, tell]);
}
