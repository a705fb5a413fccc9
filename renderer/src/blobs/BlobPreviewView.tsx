import Papa from 'papaparse';
import { useMemo } from 'react';
import type { BlobPreview } from '../../../shared/schemas/blob-details.js';
import { formatBytes, formatCount } from '../format.js';
import { PreviewValueView } from '../metaflow/preview/PreviewValueView.js';
import { asPreview } from '../metaflow/preview/preview-value.js';

// What a blob holds, as the host previewed it. Images are <img> from a data: URL (an SVG shown so
// runs none of its scripts and is never put in the page as markup); text is text, never HTML.

/** Rows of a CSV preview drawn as a table; the rest are counted. */
const TABLE_ROWS = 200;

function Extent({ preview }: { preview: BlobPreview }) {
  if (preview.bytesRead >= preview.totalBytes) return null;
  return (
    <p className="blobs-preview__cut muted" data-testid="preview-truncated">
      Showing the first {formatBytes(preview.bytesRead)} of {formatBytes(preview.totalBytes)}; download the blob for the rest.
    </p>
  );
}

function Table({ head, rows, total }: { head: string[]; rows: string[][]; total?: number }) {
  return (
    <div className="blobs-preview__table-wrap">
      <table className="blobs-preview__table" data-testid="preview-table">
        <thead>
          <tr>
            {head.map((h, i) => (
              <th key={i}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={r}>
              {head.map((_, c) => (
                <td key={c}>{row[c] ?? ''}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {total !== undefined && total > rows.length && (
        <p className="muted blobs-preview__cut">
          {formatCount(rows.length)} of {formatCount(total)} rows shown.
        </p>
      )}
    </div>
  );
}

function CsvView({ text, tab }: { text: string; tab: boolean }) {
  const parsed = useMemo(() => Papa.parse<string[]>(text, { delimiter: tab ? '\t' : '', skipEmptyLines: true }).data, [text, tab]);
  if (parsed.length === 0) return <p className="empty">The table is empty.</p>;
  const [head, ...rows] = parsed;
  return <Table head={head} rows={rows.slice(0, TABLE_ROWS)} total={rows.length} />;
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
      if (preview.format === 'csv' || preview.format === 'tsv') return <CsvView text={preview.text} tab={preview.format === 'tsv'} />;
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
          <Table head={['Column', 'Type']} rows={preview.columns.map((c) => [c.name, c.type])} />
          {preview.rows.length > 0 && <Table head={preview.columns.map((c) => c.name)} rows={preview.rows} total={preview.rowCount} />}
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
