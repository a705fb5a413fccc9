import './drop.css';
import { useMutation } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { ActionForm } from '../ui/ActionForm.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { ChooseLocalButton, LocalPathHelp } from '../ui/LocalPaths.js';
import { TextField } from '../ui/TextField.js';
import { LocalPath } from '../../../shared/schemas/transfer.js';

interface Props {
  /** What is downloaded, from where: the form's first line. */
  description: ReactNode;
  /** Queues the downloads into the typed folder. */
  download: (targetFolder: string) => Promise<unknown>;
  onQueued: () => void;
  onCancel: () => void;
}

/** Why a typed folder cannot be used, in the user's terms, before main is asked. */
function folderProblem(folder: string): string | null {
  if (folder === '') return null;
  const check = LocalPath.safeParse(folder);
  if (check.success) return null;
  if (!folder.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(folder) && !folder.startsWith('\\\\')) {
    return `"${folder}" is a relative path: type the full path of a folder on the computer running Stratus, starting with / (or C:\\ on Windows).`;
  }
  return check.error.issues[0]?.message ?? 'Not a usable folder path';
}

/**
 * Where on the host machine a download is saved: a folder chosen in main's dialog (desktop), or
 * typed inside one the host allows (browser mode). Main refuses any other folder.
 */
export function DownloadForm({ description, download: queue, onQueued, onCancel }: Props) {
  const [folder, setFolder] = useState('');
  const download = useMutation({ mutationFn: () => queue(folder.trim()), onSuccess: onQueued });
  const problem = folderProblem(folder.trim());

  return (
    <ActionForm
      label="Download"
      className="blobs-download"
      submitLabel={download.isPending ? 'Queuing…' : 'Download'}
      submitDisabled={folder.trim() === '' || problem !== null || download.isPending}
      onSubmit={() => download.mutate()}
      onCancel={onCancel}
    >
      <p>{description} to a folder on the computer running Stratus.</p>
      <TextField
        id="download-folder"
        label="Target folder"
        value={folder}
        onChange={setFolder}
        placeholder="/home/me/data"
        errors={problem ? [problem] : []}
        help={<LocalPathHelp>An absolute path. Folders under the selection are recreated inside it.</LocalPathHelp>}
        testId="download-folder"
      />
      <ChooseLocalButton kind="folder" onChosen={setFolder} testId="download-choose" />
      {download.isError && <ErrorPanel error={download.error} onDismiss={() => download.reset()} />}
    </ActionForm>
  );
}
