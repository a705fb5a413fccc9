import './artifacts.css';
import { useQuery } from '@tanstack/react-query';
import type { ArtifactPreview } from '../../../../shared/schemas/mlflow.js';
import { formatBytes } from '../../format.js';
import { CsvTable, type TableLook } from '../../ui/DataTable.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { JsonBlock } from '../JsonBlock.js';
import { Markdown } from './Markdown.js';
import { mlflowArtifactQuery } from '../queries.js';

const CSV_LOOK: TableLook = { className: 'ml-csv', tableClassName: 'ml-table ml-table--compact', testId: 'artifact-csv' };

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // A truncated or malformed file is still worth reading as it is.
    return text;
  }
}

function Body({ preview }: { preview: ArtifactPreview }) {
  if (preview.kind === 'image') {
    return <img className="ml-artifact__image" src={`data:${preview.mimeType};base64,${preview.base64}`} alt={preview.path} data-testid="artifact-image" />;
  }
  if (preview.kind === 'binary') return <p className="empty">Binary file ({formatBytes(preview.size)}): no preview.</p>;
  const cut = preview.truncated && <p className="muted">Showing the first part of this file ({formatBytes(preview.text.length)} of {formatBytes(preview.size)}).</p>;
  if (preview.format === 'csv' || preview.format === 'markdown') {
    return (
      <>
        {cut}
        {preview.format === 'csv' ? <CsvTable text={preview.text} look={CSV_LOOK} /> : <Markdown text={preview.text} />}
      </>
    );
  }
  return (
    <>
      {cut}
      {preview.format === 'json' ? <JsonBlock text={prettyJson(preview.text)} testId="artifact-json" /> : <pre className="ml-pre" data-testid="artifact-text">{preview.text}</pre>}
    </>
  );
}

/** The selected artifact file: text, pretty JSON, CSV table, Markdown or image. */
export function ArtifactPreviewPane({ workspaceId, runId, path }: { workspaceId: string; runId: string; path: string }) {
  const query = useQuery(mlflowArtifactQuery(workspaceId, runId, path));
  return (
    <div className="ml-artifact" data-testid="artifact-preview" data-path={path}>
      <div className="ml-artifact__head ml-mono">
        {path}
        {query.data && <span className="muted"> · {formatBytes(query.data.size)}</span>}
      </div>
      {query.isPending && <Loading label={`Reading ${path}…`} />}
      {query.isError && <ErrorPanel error={query.error} onRetry={() => void query.refetch()} retrying={query.isFetching} />}
      {query.data && <Body preview={query.data} />}
    </div>
  );
}
