import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ACCESS_TIERS, type AccessTier } from '../../../shared/access-tier.js';
import type { SetBlobTierResult } from '../../../shared/schemas/blob-tier.js';
import type { BlobEntry } from '../../../shared/schemas/blobs.js';
import { call } from '../api/client.js';
import { plural } from '../format.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { TierChoice } from '../ui/TierChoice.js';

interface Props {
  workspaceId: string;
  container: string;
  blobs: BlobEntry[];
  /** Folders in the selection: their blobs are not changed (a tier belongs to a blob). */
  folders: number;
  onDone: (result: SetBlobTierResult) => void;
  onCancel: () => void;
}

/** Moving the selected blobs to another access tier, only once the container's name is typed (Archive takes them offline for hours). */
export function ChangeTier({ workspaceId, container, blobs, folders, onDone, onCancel }: Props) {
  const [tier, setTier] = useState<AccessTier>('Cool');
  const [typed, setTyped] = useState('');
  const change = useMutation({
    mutationFn: () => call('blobs.setTier', { workspaceId, container, blobs: blobs.map((b) => b.name), newTier: tier, typedContainer: typed }),
    onSuccess: onDone,
  });
  const none = blobs.length === 0;
  return (
    <form
      className="blobs-download blobs-tier"
      aria-label="Change access tier"
      data-testid="tier-confirm"
      onSubmit={(e) => {
        e.preventDefault();
        change.mutate();
      }}
    >
      <p>
        Move {plural(blobs.length, 'blob')} in <span className="mono">{container}</span> to another access tier.
        {folders > 0 && ` The ${plural(folders, 'selected folder')} ${folders === 1 ? 'is' : 'are'} left as ${folders === 1 ? 'it is' : 'they are'}: select the blobs inside to change them.`}
      </p>
      <TierChoice tiers={ACCESS_TIERS} tier={tier} onTier={setTier} container={container} typed={typed} onTyped={setTyped} idPrefix="tier" warningClass="blobs-tier__warning" />
      {change.isError && <ErrorPanel error={change.error} onDismiss={() => change.reset()} />}
      <div className="blobs-download__actions">
        <button type="submit" className={`button${tier === 'Archive' ? ' button--danger' : ''}`} disabled={none || typed !== container || change.isPending} data-testid="tier-execute">
          {change.isPending ? 'Changing…' : `Move ${plural(blobs.length, 'blob')} to ${tier}`}
        </button>
        <button type="button" className="button button--quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** What a tier change did, shown until dismissed. */
export function TierNotice({ result, onDismiss }: { result: SetBlobTierResult; onDismiss: () => void }) {
  return (
    <div className={result.failed.length > 0 ? 'error-panel' : 'blobs-note'} role="status" data-testid="tier-notice">
      Changed the tier of {plural(result.changed.length, 'blob')}.
      {result.failed.length > 0 && (
        <ul className="blobs-problems">
          {result.failed.slice(0, 20).map((f) => (
            <li key={f.name}>
              Not changed <span className="mono">{f.name}</span>: {f.reason}
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
