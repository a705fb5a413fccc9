import { useState } from 'react';
import type { ConflictChoice, TransferJob } from '../../../shared/schemas/transfer.js';
import { formatBytes, plural } from '../format.js';

interface Props {
  /** The conflicts waiting, oldest first; the prompt asks about the first. */
  conflicts: TransferJob[];
  onChoose: (jobId: string, choice: ConflictChoice, applyToAll: boolean) => void;
  busy: boolean;
}

const CHOICES: { choice: ConflictChoice; label: string; help: string }[] = [
  { choice: 'skip', label: 'Skip', help: 'Leave the blob that is there; do not upload this file.' },
  { choice: 'overwrite', label: 'Overwrite', help: 'Replace the blob, only if nobody changed it since this check.' },
  { choice: 'keepBoth', label: 'Keep both', help: 'Upload under the next free name, "name (1).ext".' },
];

/** An upload found its blob name taken: ask what to do, once for this file or for every one left. */
export function ConflictPrompt({ conflicts, onChoose, busy }: Props) {
  const [applyToAll, setApplyToAll] = useState(false);
  const job = conflicts[0];
  const existing = job.conflict;
  const others = conflicts.length - 1;
  return (
    <div className="transfer-conflict" role="alertdialog" aria-label="Name already taken" data-testid="conflict-prompt">
      <p>
        <strong className="mono">
          {job.container}/{job.blobName}
        </strong>{' '}
        already exists
        {existing && (
          <span className="muted">
            {' '}
            ({formatBytes(existing.size)}
            {existing.lastModified ? `, modified ${existing.lastModified.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}` : ''})
          </span>
        )}
        . Uploading {formatBytes(job.bytes)}.
      </p>
      <div className="transfer-conflict__choices">
        {CHOICES.map(({ choice, label, help }) => (
          <button key={choice} type="button" className="button" title={help} disabled={busy} onClick={() => onChoose(job.id, choice, applyToAll)}>
            {label}
          </button>
        ))}
        <label className="transfer-conflict__all">
          <input type="checkbox" checked={applyToAll} onChange={(e) => setApplyToAll(e.target.checked)} />
          Apply to all remaining{others > 0 ? ` (${plural(others, 'other conflict')} now, and any to come)` : ''}
        </label>
      </div>
    </div>
  );
}
