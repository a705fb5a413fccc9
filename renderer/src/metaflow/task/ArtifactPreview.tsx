import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { ArtifactEntry } from '../../../../shared/contract.js';
import { formatBytes, formatCount } from '../../format.js';
import { artifactQuery, type TaskRef } from '../queries.js';
import { asPreview } from '../preview/preview-value.js';
import { PreviewValueView } from '../preview/PreviewValueView.js';
import { ErrorBoundary } from '../../ui/ErrorBoundary.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { ArchivedArtifact } from './ArchivedArtifact.js';
import { ArtifactActions } from './ArtifactActions.js';
import { displayName } from '../../../../shared/display-name.js';

interface Props {
  task: TaskRef;
  artifact: ArtifactEntry;
}

function bytesText(n: number): string {
  return n >= 1024 ? `${formatBytes(n)} (${formatCount(n)} bytes)` : `${formatCount(n)} bytes`;
}

/** The decoded value of one artifact; a partial preview offers to load the whole value. */
export function ArtifactPreview({ task, artifact }: Props) {
  const [full, setFull] = useState(false);
  const preview = useQuery({ ...artifactQuery(task, artifact.name, full), placeholderData: keepPreviousData });
  const data = preview.data;
  const value = data ? asPreview(data.value) : undefined;
  const loadingAll = full && preview.isFetching;

  return (
    <div className="preview" data-testid="artifact-preview" data-artifact={artifact.name}>
      <div className="preview__head">
        <h3 className="preview__title mono">{displayName(artifact.name)}</h3>
        {artifact.type && <span className="preview__type mono muted">{artifact.type}</span>}
      </div>
      {preview.isPending && <Loading label="Decoding…" />}
      {preview.isError && (
        <ErrorPanel error={preview.error} onRetry={() => void preview.refetch()} retrying={preview.isFetching} />
      )}
      {data?.archived && !preview.isError && <ArchivedArtifact task={task} name={artifact.name} blob={data.blob} tier={data.archived} />}
      {data && !data.archived && !preview.isError && (
        <>
          {!data.complete && (
            <div className="note preview__partial" data-testid="preview-partial">
              {data.bytesRead < data.totalBytes ? (
                <>
                  preview of {bytesText(data.bytesRead)} of {bytesText(data.totalBytes)}
                </>
              ) : (
                <>preview of the first values ({bytesText(data.totalBytes)} decoded)</>
              )}
              {' — '}
              {data.loadable ? (
                <button type="button" className="link-button" onClick={() => setFull(true)} disabled={loadingAll}>
                  {loadingAll ? 'Loading all…' : 'Load all'}
                </button>
              ) : (
                <span data-testid="preview-too-large">
                  too large to load whole: download its blob <span className="mono">{data.blob}</span> (gzip of the pickle) from the datastore
                </span>
              )}
            </div>
          )}
          {full && data.complete && !preview.isPlaceholderData && (
            <div className="preview__complete muted" data-testid="preview-complete">
              Whole value · {bytesText(data.totalBytes)}
            </div>
          )}
          <ArtifactActions task={task} name={artifact.name} preview={data.value} loadable={data.loadable} />
          <div className="preview__body" data-testid="preview-value">
            <ErrorBoundary what="this preview">
              {value ? <PreviewValueView value={value} /> : <p className="empty">Stratus does not know how to show this preview.</p>}
            </ErrorBoundary>
          </div>
        </>
      )}
    </div>
  );
}
