import './drop.css';
import { formatBytes, plural } from '../format.js';
import type { DropUpload } from './useDropUpload.js';

/** A drop on its way: browser mode's bytes still going to the host, and the files that could not be queued. */
export function DropStatus({ drop }: { drop: DropUpload }) {
  return (
    <>
      {drop.sending && (
        <p className="blobs-note" role="status" data-testid="sending">
          Sending {drop.sending.filesSent} of {plural(drop.sending.files, 'file')} to the Stratus host ({formatBytes(drop.sending.bytesSent)} of{' '}
          {formatBytes(drop.sending.bytes)})…
        </p>
      )}
      {drop.problems.length > 0 && (
        <div className="error-panel" role="alert" data-testid="drop-problems">
          <div className="error-panel__title">{plural(drop.problems.length, 'file')} could not be queued</div>
          <ul className="blobs-problems">
            {drop.problems.slice(0, 20).map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
          <div className="error-panel__actions">
            <button type="button" className="button button--quiet" onClick={drop.dismissProblems}>
              Dismiss
            </button>
          </div>
        </div>
      )}
    </>
  );
}
