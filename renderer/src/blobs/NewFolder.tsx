import { useState } from 'react';
import { BlobPrefix } from '../../../shared/schemas/transfer.js';
import { ActionForm } from '../ui/ActionForm.js';
import { TextField } from '../ui/TextField.js';

interface Props {
  prefix: string;
  onCreate: (prefix: string) => void;
  onCancel: () => void;
}

function problemOf(name: string, prefix: string): string | null {
  if (name === '') return null;
  if (name.includes('/')) return 'A folder name has no "/"; make one folder at a time.';
  const check = BlobPrefix.safeParse(`${prefix}${name}/`);
  return check.success ? null : (check.error.issues[0]?.message ?? 'Not a valid folder name');
}

/**
 * A new folder, as Storage Explorer makes one: Blob Storage has no folders, only names with '/', so
 * the folder is opened empty and exists once something is uploaded into it. No marker blob is
 * written (tools reading the prefix would see a stray empty file).
 */
export function NewFolder({ prefix, onCreate, onCancel }: Props) {
  const [name, setName] = useState('');
  const problem = problemOf(name.trim(), prefix);
  return (
    <ActionForm
      label="New folder"
      className="blobs-download"
      submitLabel="Open new folder"
      submitDisabled={name.trim() === '' || problem !== null}
      onSubmit={() => {
        if (name.trim() !== '' && problem === null) onCreate(`${prefix}${name.trim()}/`);
      }}
      onCancel={onCancel}
    >
      <p>A folder in Blob Storage exists once something is uploaded into it: Stratus opens it empty, ready for your files.</p>
      <TextField id="new-folder-name" label="Folder name" value={name} onChange={setName} errors={problem ? [problem] : []} placeholder="models" testId="new-folder-name" />
    </ActionForm>
  );
}
