import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { call } from '../api/client.js';
import { plural } from '../format.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { TextField } from '../ui/TextField.js';

interface Props {
  workspaceId: string;
  container: string;
  /** Selected names: blobs, and prefixes (ending in '/') downloaded with everything under them. */
  names: string[];
  onQueued: () => void;
  onCancel: () => void;
}

/**
 * Where on the host machine the selection is saved. A typed folder in both modes: the desktop shell
 * has no folder-picker channel yet, and a browser tab cannot name a host folder any other way.
 * The host checks the folder (absolute, writable) when the jobs start.
 */
export function DownloadForm({ workspaceId, container, names, onQueued, onCancel }: Props) {
  const [folder, setFolder] = useState('');
  const blobs = names.filter((n) => !n.endsWith('/'));
  const prefixes = names.filter((n) => n.endsWith('/'));
  const download = useMutation({
    mutationFn: async () => {
      const targetFolder = folder.trim();
      if (blobs.length > 0) await call('transfer.download', { workspaceId, container, blobs, targetFolder });
      for (const prefix of prefixes) await call('transfer.download', { workspaceId, container, prefix, targetFolder });
    },
    onSuccess: onQueued,
  });
  const what = [blobs.length > 0 ? plural(blobs.length, 'blob') : '', prefixes.length > 0 ? plural(prefixes.length, 'folder') : '']
    .filter(Boolean)
    .join(' and ');

  return (
    <form
      className="blobs-download"
      aria-label="Download"
      onSubmit={(e) => {
        e.preventDefault();
        download.mutate();
      }}
    >
      <p>
        Download {what} from <span className="mono">{container}</span> to a folder on the computer running Stratus.
      </p>
      <TextField
        id="download-folder"
        label="Target folder"
        value={folder}
        onChange={setFolder}
        placeholder="/home/me/data"
        help="An absolute path. Folders under the selection are recreated inside it."
        testId="download-folder"
      />
      {download.isError && <ErrorPanel error={download.error} onDismiss={() => download.reset()} />}
      <div className="blobs-download__actions">
        <button type="submit" className="button button--primary" disabled={folder.trim() === '' || download.isPending}>
          {download.isPending ? 'Queuing…' : 'Download'}
        </button>
        <button type="button" className="button button--quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
