import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { displayName } from '../../../shared/display-name.js';
import { formatBytes, formatCount } from '../format.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { Loading } from '../ui/Loading.js';
import { BlobPreviewView } from './BlobPreviewView.js';
import { previewQuery, propertiesQuery } from './queries.js';
import { utcTime, zonedTime } from './zoned-time.js';

interface Props {
  workspaceId: string;
  container: string;
  blob: string;
  onClose: () => void;
}

function Field({ label, children, title }: { label: string; children: ReactNode; title?: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd title={title}>{children}</dd>
    </>
  );
}

function tierText(tier: string | null, inferred: boolean, archiveStatus: string | null): string {
  if (tier === null) return '—';
  const parts = [tier, inferred ? '(account default)' : ''];
  if (archiveStatus !== null) parts.push(`— ${archiveStatus.replace(/-/g, ' ')}`);
  else if (tier === 'Archive') parts.push('— archived: rehydrate it to a hot or cool tier to read it');
  return parts.filter(Boolean).join(' ');
}

function Properties({ workspaceId, container, blob }: Omit<Props, 'onClose'>) {
  const props = useQuery(propertiesQuery(workspaceId, container, blob));
  if (props.isPending) return <Loading label="Reading properties…" />;
  if (props.isError) return <ErrorPanel error={props.error} onRetry={() => void props.refetch()} />;
  const p = props.data;
  const metadata = Object.entries(p.metadata);
  return (
    <dl className="blobs-details__props" data-testid="blob-properties">
      <Field label="Size" title={`${formatCount(p.size)} bytes`}>
        {formatBytes(p.size)} ({formatCount(p.size)} bytes)
      </Field>
      <Field label="Content type">{p.contentType ?? '—'}</Field>
      <Field label="Content encoding">{p.contentEncoding ?? '—'}</Field>
      <Field label="Content MD5">{p.contentMd5 ?? 'not set'}</Field>
      <Field label="ETag">{p.etag ?? '—'}</Field>
      <Field label="Blob type">{p.blobType ?? '—'}</Field>
      <Field label="Access tier">{tierText(p.accessTier, p.accessTierInferred, p.archiveStatus)}</Field>
      <Field label="Lease">{p.leaseState ?? '—'}</Field>
      <Field label="Created" title={utcTime(p.createdOn)}>
        {zonedTime(p.createdOn)}
      </Field>
      <Field label="Modified" title={utcTime(p.lastModified)}>
        {zonedTime(p.lastModified)}
      </Field>
      <Field label="Metadata">
        {metadata.length === 0 ? (
          'none'
        ) : (
          <ul className="blobs-details__metadata">
            {metadata.map(([key, value]) => (
              <li key={key}>
                <span className="mono">{key}</span> = <span className="mono">{value}</span>
              </li>
            ))}
          </ul>
        )}
      </Field>
    </dl>
  );
}

function Preview({ workspaceId, container, blob }: Omit<Props, 'onClose'>) {
  const preview = useQuery(previewQuery(workspaceId, container, blob));
  if (preview.isPending) return <Loading label="Reading a preview…" />;
  if (preview.isError) return <ErrorPanel error={preview.error} onRetry={() => void preview.refetch()} />;
  return <BlobPreviewView preview={preview.data} name={blob} />;
}

/** The selected blob: properties as Azure keeps them, and a preview of its start. */
export function BlobDetails({ workspaceId, container, blob, onClose }: Props) {
  const leaf = displayName(blob.slice(blob.lastIndexOf('/') + 1));
  return (
    <aside className="blobs-details" aria-label={`Details of ${leaf}`} data-testid="blob-details">
      <header className="blobs-details__head">
        <h2 className="blobs-details__title" title={blob}>
          {leaf}
        </h2>
        <button type="button" className="button button--quiet" onClick={onClose} aria-label="Close details">
          Close
        </button>
      </header>
      <section aria-label="Properties">
        <h3>Properties</h3>
        <Properties workspaceId={workspaceId} container={container} blob={blob} />
      </section>
      <section aria-label="Preview">
        <h3>Preview</h3>
        <Preview workspaceId={workspaceId} container={container} blob={blob} />
      </section>
    </aside>
  );
}
