import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { MAX_FOLDER_BLOBS, type DeletePolicy, type DeleteBlobsResult } from '../../../shared/schemas/blob-details.js';
import type { BlobEntry } from '../../../shared/schemas/blobs.js';
import { softDeleteText } from '../../../shared/soft-delete.js';
import { call } from '../api/client.js';
import { plural } from '../format.js';
import { ActionForm } from '../ui/ActionForm.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { TextField } from '../ui/TextField.js';
import { deletePolicyQuery } from './queries.js';

interface Props {
  workspaceId: string;
  container: string;
  blobs: BlobEntry[];
  /** Selected folders (ending in '/'): everything below each is deleted. */
  folders: string[];
  onDone: (result: DeleteBlobsResult) => void;
  onCancel: () => void;
}

function policyText(policy: DeletePolicy | undefined): string {
  return policy === undefined ? 'Reading the account’s soft-delete policy…' : softDeleteText(policy);
}

/** Deleting the selected blobs and folders, only once the container's name is typed (like garbage collection's confirmation). */
export function DeleteBlobs({ workspaceId, container, blobs, folders, onDone, onCancel }: Props) {
  const [typed, setTyped] = useState('');
  const what = [blobs.length > 0 ? plural(blobs.length, 'blob') : '', folders.length > 0 ? plural(folders.length, 'folder') : ''].filter(Boolean).join(' and ');
  const policy = useQuery(deletePolicyQuery(workspaceId));
  const remove = useMutation({
    mutationFn: () =>
      call('blobs.delete', { workspaceId, container, typedContainer: typed, blobs: blobs.map((b) => ({ name: b.name, etag: b.etag })), folders }),
    onSuccess: onDone,
  });
  return (
    <ActionForm
      label="Delete blobs"
      className="blobs-download blobs-delete"
      testId="delete-confirm"
      submitLabel={remove.isPending ? 'Deleting…' : `Delete ${what}`}
      submitDisabled={typed !== container || remove.isPending}
      submitTestId="delete-execute"
      danger
      onSubmit={() => remove.mutate()}
      onCancel={onCancel}
    >
      <p>
        Delete {what} from <span className="mono">{container}</span>. A blob changed since it was listed is kept.
        {folders.length > 0 && ` Folders go with every blob below them (at most ${MAX_FOLDER_BLOBS.toLocaleString('en-US')} blobs in one delete).`}
      </p>
      <p data-testid="soft-delete-state">{policyText(policy.data)}</p>
      <TextField id="delete-confirm-name" label="Container name" value={typed} onChange={setTyped} placeholder={container} testId="delete-confirm-name" />
      {remove.isError && <ErrorPanel error={remove.error} onDismiss={() => remove.reset()} />}
    </ActionForm>
  );
}
