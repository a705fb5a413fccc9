import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { RunTier as RunTierName, type UsageSetRunTierResult } from '../../../shared/schemas/usage-tier.js';
import type { UsageRow } from '../../../shared/schemas/usage.js';
import { call } from '../api/client.js';
import { formatBytes, plural } from '../format.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { TierChoice } from '../ui/TierChoice.js';

interface Props {
  workspaceId: string;
  /** The datastore's container: its name is what the user types to confirm. */
  container: string;
  flow: string;
  row: UsageRow;
  onDone: (result: UsageSetRunTierResult) => void;
  onCancel: () => void;
}

/** Moving a run's unique blobs (no other run reads them) to Cool, Cold or Archive, once the container's name is typed like gc's. */
export function RunTier({ workspaceId, container, flow, row, onDone, onCancel }: Props) {
  const [tier, setTier] = useState<RunTierName>('Cool');
  const [typed, setTyped] = useState('');
  const change = useMutation({
    mutationFn: () => call('usage.setRunTier', { workspaceId, flow, run: row.name, newTier: tier, confirm: typed }),
    onSuccess: onDone,
  });
  return (
    <form
      className="usage-run-tier"
      aria-label="Change tier of unique blobs"
      data-testid="run-tier-confirm"
      onSubmit={(e) => {
        e.preventDefault();
        change.mutate();
      }}
    >
      <p>
        Move the {plural(row.uniqueCount, 'blob')} ({formatBytes(row.uniqueBytes)}) only run <span className="mono">{flow}/{row.name}</span> reads to another tier. Blobs other
        runs share are left as they are.
      </p>
      <TierChoice tiers={RunTierName.options} tier={tier} onTier={setTier} container={container} typed={typed} onTyped={setTyped} idPrefix="run-tier" warningClass="usage-run-tier__warning" />
      {change.isError && <ErrorPanel error={change.error} onDismiss={() => change.reset()} />}
      <div className="usage-run-tier__actions">
        <button type="submit" className={`button${tier === 'Archive' ? ' button--danger' : ''}`} disabled={typed !== container || change.isPending} data-testid="run-tier-execute">
          {change.isPending ? 'Changing…' : `Move to ${tier}`}
        </button>
        <button type="button" className="button button--quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** What the change did, shown until dismissed. */
export function RunTierNotice({ result, onDismiss }: { result: UsageSetRunTierResult; onDismiss: () => void }) {
  return (
    <div className={result.failedCount > 0 ? 'error-panel' : 'usage-note'} role="status" data-testid="run-tier-notice">
      Changed the tier of {plural(result.changed, 'blob')} ({formatBytes(result.bytes)}).
      {result.failedCount > 0 && ` ${plural(result.failedCount, 'blob')} not changed:`}
      {result.failed.length > 0 && (
        <ul>
          {result.failed.slice(0, 20).map((f) => (
            <li key={f.name}>
              <span className="mono">{f.name}</span>: {f.reason}
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="button button--quiet" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
