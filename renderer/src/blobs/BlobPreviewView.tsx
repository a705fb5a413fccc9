import { useMemo } from 'react';
import type { BlobPreview } from '../../../shared/schemas/blob-details.js';
import { formatBytes, formatCount } from '../format.js';
import { CsvTable, DataTable, type TableLook } from '../ui/DataTable.js';
import { PreviewValueView } from '../metaflow/preview/PreviewValueView.js';
import { asPreview } from '../metaflow/preview/preview-value.js';

// What a blob holds, as the host previewed it. Images are <img> from a data: URL (an SVG shown so
// runs none of its scripts and is never put in the page as markup); text is text, never HTML.

const TABLE: TableLook = { className: 'blobs-preview__table-wrap', tableClassName: 'blobs-preview__table', testId: 'preview-table' };

function Extent({ preview }: { preview: BlobPreview }) {
  if (preview.bytesRead >= preview.totalBytes) return null;
  return (
    <p className="blobs-preview__cut muted" data-testid="preview-truncated">
      Showing the first {formatBytes(preview.bytesRead)} of {formatBytes(preview.totalBytes)}; download the blob for the rest.
    </p>
  );
}

function JsonView({ text, whole }: { text: string; whole: boolean }) {
  const pretty = useMemo(() => {
    if (!whole) return undefined;
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return undefined;
    }
  }, [text, whole]);
  return (
    <>
      {pretty === undefined && <p className="muted">{whole ? 'Not valid JSON; shown as text.' : 'Only the start was read, so it is shown as text.'}</p>}
      <pre className="blobs-preview__text" data-testid="preview-text">
        {pretty ?? text}
      </pre>
    </>
  );
}

function Body({ preview, name }: { preview: BlobPreview; name: string }) {
  switch (preview.kind) {
    case 'text':
      if (preview.format === 'csv' || preview.format === 'tsv') return <CsvTable text={preview.text} tab={preview.format === 'tsv'} look={TABLE} />;
      if (preview.format === 'json') return <JsonView text={preview.text} whole={preview.bytesRead >= preview.totalBytes} />;
      return (
        <pre className="blobs-preview__text" data-testid="preview-text">
          {preview.text}
        </pre>
      );
    case 'image':
      return <img className="blobs-preview__image" src={`data:${preview.mimeType};base64,${preview.base64}`} alt={`Preview of ${name}`} data-testid="preview-image" />;
    case 'parquet':
      return (
        <>
          <p className="muted">
            Parquet: {formatCount(preview.rowCount)} rows in {formatCount(preview.rowGroups)} row groups, {formatCount(preview.columns.length)} columns.
          </p>
          {preview.note && <p className="blobs-note">{preview.note}</p>}
          <DataTable head={['Column', 'Type']} rows={preview.columns.map((c) => [c.name, c.type])} look={TABLE} />
          {preview.rows.length > 0 && <DataTable head={preview.columns.map((c) => c.name)} rows={preview.rows} total={preview.rowCount} look={TABLE} />}
        </>
      );
    case 'pickle': {
      const value = asPreview(preview.value);
      return (
        <>
          {!preview.complete && <p className="muted">Only part of the value was decoded.</p>}
          {value ? <PreviewValueView value={value} /> : <p className="empty">Stratus does not know how to show this pickle.</p>}
        </>
      );
    }
    case 'none':
      return <p className="empty">{preview.reason}</p>;
  }
}

export function BlobPreviewView({ preview, name }: { preview: BlobPreview; name: string }) {
  return (
    <div className="blobs-preview" data-testid="blob-preview" data-kind={preview.kind}>
      <Body preview={preview} name={name} />
      {preview.kind !== 'none' && <Extent preview={preview} />}
    </div>
  );
}
