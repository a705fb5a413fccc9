import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { ArtifactFile, Json } from '../../../../shared/contract.js';
import { call } from '../../api/client.js';
import type { TaskRef } from '../queries.js';
import { base64Bytes } from '../preview/BytesView.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';

const FORMATS = [
  ['pickle', 'Download pickle', 'Save the artifact’s pickle bytes, as Metaflow stored them'],
  ['json', 'Download JSON', 'Save the whole decoded value as JSON'],
] as const;

/** Hands a file main produced to the browser's (or Electron's) download handling. */
function saveFile(file: ArtifactFile): void {
  const url = URL.createObjectURL(new Blob([base64Bytes(file.base64)], { type: file.mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

interface Props {
  task: TaskRef;
  name: string;
  /** The preview as main sent it, for the clipboard. */
  preview: Json;
  /** False when the value is too large to load whole, so neither file can be made. */
  loadable: boolean;
}

/** Copy the preview as JSON; save the artifact as its pickle or as JSON (made by main from the whole value). */
export function ArtifactActions({ task, name, preview, loadable }: Props) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const download = useMutation({
    mutationFn: (format: 'pickle' | 'json') => call('metaflow.artifactFile', { ...task, name, format }),
    onSuccess: saveFile,
  });
  const copy = () => {
    navigator.clipboard.writeText(JSON.stringify(preview, null, 2)).then(
      () => setCopied('copied'),
      () => setCopied('failed'),
    );
  };

  return (
    <>
      <div className="preview-actions">
        <button type="button" className="button button--small" onClick={copy} title="Copy this preview (its structure as Stratus decoded it) as JSON">
          {copied === 'copied' ? 'Copied' : copied === 'failed' ? 'Copy failed' : 'Copy JSON'}
        </button>
        {FORMATS.map(([format, label, title]) => (
          <button
            key={format}
            type="button"
            className="button button--small"
            disabled={download.isPending || !loadable}
            onClick={() => download.mutate(format)}
            title={loadable ? title : 'Too large to load whole: download its blob from the datastore instead'}
          >
            {download.isPending && download.variables === format ? 'Saving…' : label}
          </button>
        ))}
      </div>
      {download.isError && <ErrorPanel error={download.error} onRetry={() => download.variables && download.mutate(download.variables)} onDismiss={() => download.reset()} />}
    </>
  );
}
