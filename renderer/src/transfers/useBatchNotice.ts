import { useEffect, useRef, useState } from 'react';
import type { TransferTotals } from '../../../shared/schemas/transfer.js';
import { formatBytes, formatDuration, plural } from '../format.js';

// When a long batch of transfers ends, say so: a system notification when the page may show one
// (browser mode with permission; the desktop shell grants no permissions), otherwise a toast in the app.

/** Batches shorter than this end while the user is still looking: no notice. */
const LONG_BATCH_MS = 10_000;

export interface BatchNotice {
  text: string;
  failed: boolean;
}

function describe(totals: TransferTotals, ms: number): BatchNotice {
  const problems = totals.failed + totals.conflicts;
  const text =
    `Transfers finished in ${formatDuration(ms)}: ${plural(totals.done, 'file')} done (${formatBytes(totals.bytesDone)})` +
    (totals.failed > 0 ? `, ${totals.failed} failed` : '') +
    (totals.conflicts > 0 ? `, ${totals.conflicts} waiting on a name conflict` : '') +
    '.';
  return { text, failed: problems > 0 };
}

export function useBatchNotice(totals: TransferTotals | null): { notice: BatchNotice | null; dismiss: () => void } {
  const [notice, setNotice] = useState<BatchNotice | null>(null);
  const startedAt = useRef<number | null>(null);
  const active = totals !== null && totals.queued + totals.running > 0;

  useEffect(() => {
    if (totals === null) return;
    if (active) {
      startedAt.current ??= Date.now();
      return;
    }
    const started = startedAt.current;
    startedAt.current = null;
    if (started === null || Date.now() - started < LONG_BATCH_MS) return;
    const next = describe(totals, Date.now() - started);
    if (typeof Notification !== 'undefined' && Notification.permission === 'granted') {
      new Notification('Stratus', { body: next.text });
    } else {
      setNotice(next);
    }
  }, [active, totals]);

  return { notice, dismiss: () => setNotice(null) };
}

/** Asked from a click (browsers ignore a prompt without one); only when the user has not decided yet. */
export function canAskForNotifications(): boolean {
  return typeof Notification !== 'undefined' && Notification.permission === 'default';
}
