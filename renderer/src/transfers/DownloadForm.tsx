import './drop.css';
import { useMutation } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { ChooseLocalButton, LocalPathHelp } from '../ui/LocalPaths.js';
import { TextField } from '../ui/TextField.js';

interface Props {
  /** What is downloaded, from where: the form's first line. */
  description: ReactNode;
  /** Queues the downloads into the typed folder. */
  download: (targetFolder: string) => Promise<unknown>;
  onQueued: () => void;
  onCancel: () => void;
}

/**
 * Where on the host machine a download is saved: a folder chosen in main's dialog (desktop), or
 * typed inside one the host allows (browser mode). Main refuses any other folder.
 */
export function DownloadForm({ description, download: queue, onQueued, onCancel }: Props) {
  const [folder, setFolder] = useState('');
  const download = useMutation({ mutationFn: () => queue(folder.trim()), onSuccess: onQueued });

  return (
    <form
      className="blobs-download"
      aria-label="Download"
      onSubmit={(e) => {
        e.preventDefault();
        download.mutate();
      }}
    >
      <p>{description} to a folder on the computer running Stratus.</p>
      <TextField
        id="download-folder"
        label="Target folder"
        value={folder}
        onChange={setFolder}
        placeholder="/home/me/data"
        help={<LocalPathHelp>An absolute path. Folders under the selection are recreated inside it.</LocalPathHelp>}
        testId="download-folder"
      />
      <ChooseLocalButton kind="folder" onChosen={setFolder} testId="download-choose" />
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
