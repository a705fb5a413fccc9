import './runs.css';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { call } from '../../api/client.js';
import { DownloadForm } from '../../transfers/DownloadForm.js';
import { DropStatus } from '../../transfers/DropStatus.js';
import { DropZone } from '../../transfers/DropZone.js';
import { useDropUpload } from '../../transfers/useDropUpload.js';
import { useUploadsLanding } from '../../transfers/useUploadsLanding.js';
import { formatDuration, formatTime, isoTime } from '../../format.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { ArtifactPreviewPane } from '../artifacts/ArtifactPreviewPane.js';
import { ArtifactTree } from '../artifacts/ArtifactTree.js';
import { KeyValueTable } from '../KeyValueTable.js';
import { Markdown } from '../artifacts/Markdown.js';
import { MetricCharts } from './MetricCharts.js';
import { formatMetric } from './metric-series.js';
import { mlflowRunQuery } from '../queries.js';
import { RunInputs } from './RunInputs.js';
import { RunStatus } from './RunStatus.js';
import { RunTraces } from './RunTraces.js';

interface Props {
  workspaceId: string;
  runId: string;
  onOpenRun: (runId: string, name: string) => void;
  onOpenTrace: (traceId: string) => void;
  onEditWorkspace?: () => void;
}

/** One run: header, description, metric charts, params, metrics, tags, dataset inputs, its traces and the artifact tree with previews. */
export function MlflowRunView({ workspaceId, runId, onOpenRun, onOpenTrace, onEditWorkspace }: Props) {
  const query = useQuery(mlflowRunQuery(workspaceId, runId));
  const [artifact, setArtifact] = useState<string | null>(null);
  const drop = useDropUpload();
  /** The artifact being downloaded (a file's path), or '' for all of them; null while no download is asked for. */
  const [downloading, setDownloading] = useState<string | null>(null);
  // Any upload of this workspace that lands may be one dropped here: the listing is cheap to re-read.
  useUploadsLanding(workspaceId, () => true, ['mlflow.artifacts', workspaceId, runId]);
  if (query.isPending) return <Loading label="Reading the run…" />;
  if (query.isError) return <ErrorPanel error={query.error} onRetry={() => void query.refetch()} retrying={query.isFetching} onEditWorkspace={onEditWorkspace} />;
  const { run, description, inputs, childRunIds, deletedTime } = query.data;
  const metricKeys = Object.keys(run.metrics).sort();

  return (
    <article className="ml-run" data-testid="mlflow-run-view">
      <header className="ml-run__head">
        <h2 className="ml-title" data-testid="mlflow-run-name">
          {run.name || run.runId}
        </h2>
        <RunStatus status={run.status} />
        {run.lifecycleStage === 'deleted' && <span className="tag tag--quiet">deleted {deletedTime !== null ? formatTime(deletedTime) : ''}</span>}
      </header>
      <dl className="ml-facts">
        <dt>Run ID</dt>
        <dd className="ml-mono">{run.runId}</dd>
        <dt>User</dt>
        <dd>{run.user ?? '—'}</dd>
        <dt>Started</dt>
        <dd title={isoTime(run.startTime)}>{formatTime(run.startTime)}</dd>
        <dt>Duration</dt>
        <dd>{run.status === 'RUNNING' ? 'running…' : formatDuration(run.durationMs)}</dd>
        {run.parentRunId !== null && (
          <>
            <dt>Parent run</dt>
            <dd>
              <button type="button" className="link-button ml-mono" onClick={() => onOpenRun(run.parentRunId as string, run.parentRunId as string)}>
                {run.parentRunId}
              </button>
            </dd>
          </>
        )}
        {childRunIds !== null && childRunIds.length > 0 && (
          <>
            <dt>Child runs</dt>
            <dd>
              {childRunIds.map((id) => (
                <button key={id} type="button" className="link-button ml-mono ml-child" onClick={() => onOpenRun(id, id)}>
                  {id}
                </button>
              ))}
            </dd>
          </>
        )}
        <dt>Artifacts</dt>
        <dd className="ml-mono ml-ellipsis">{run.artifactUri ?? '—'}</dd>
      </dl>

      {description !== null && description.trim() !== '' && (
        <section className="ml-section">
          <h3>Description</h3>
          <Markdown text={description} />
        </section>
      )}

      <section className="ml-section">
        <h3>Metrics</h3>
        <MetricCharts workspaceId={workspaceId} runs={[{ runId: run.runId, name: run.name }]} metricKeys={metricKeys} />
        <KeyValueTable label="Latest metrics" testId="run-metrics" entries={metricKeys.map((k) => [k, `${formatMetric(run.metrics[k].value)} (step ${run.metrics[k].step})`])} />
      </section>

      <div className="ml-columns">
        <section className="ml-section">
          <h3>Parameters</h3>
          <KeyValueTable label="Parameters" testId="run-params" entries={Object.entries(run.params)} />
        </section>
        <section className="ml-section">
          <h3>Tags</h3>
          <KeyValueTable label="Tags" testId="run-tags" entries={Object.entries(run.tags).filter(([k]) => k !== 'mlflow.note.content')} />
        </section>
      </div>

      {inputs.length > 0 && (
        <section className="ml-section">
          <h3>Inputs</h3>
          <RunInputs inputs={inputs} />
        </section>
      )}

      <section className="ml-section">
        <h3>Traces</h3>
        <RunTraces workspaceId={workspaceId} run={run} onOpenTrace={onOpenTrace} />
      </section>

      <section className="ml-section">
        <div className="ml-artifacts__head">
          <h3>Artifacts</h3>
          <button type="button" className="button button--quiet" onClick={() => setDownloading('')} data-testid="download-artifacts">
            Download all…
          </button>
          {artifact !== null && (
            <button type="button" className="button button--quiet" onClick={() => setDownloading(artifact)} data-testid="download-artifact">
              Download {artifact}…
            </button>
          )}
        </div>
        {downloading !== null && (
          <DownloadForm
            description={downloading === '' ? `Download every artifact of run ${run.name || run.runId}` : `Download ${downloading}`}
            download={(targetFolder) =>
              call('transfer.downloadFromRun', { workspaceId, runId: run.runId, ...(downloading === '' ? {} : { path: downloading }), targetFolder })
            }
            onQueued={() => setDownloading(null)}
            onCancel={() => setDownloading(null)}
          />
        )}
        <DropStatus drop={drop} />
        <DropZone destination={`the artifacts of run ${run.name || run.runId}`} onDrop={(tops, folder) => void drop.upload(tops, { workspaceId, runId: run.runId, ...(folder === undefined ? {} : { path: folder }) })}>
          <div className="ml-artifacts">
            <div className="ml-artifacts__tree">
              <ArtifactTree workspaceId={workspaceId} runId={run.runId} selected={artifact} onSelect={setArtifact} />
            </div>
            <div className="ml-artifacts__preview">
              {artifact === null ? <p className="muted">Select a file to preview it, or drop files here to upload them to the run.</p> : <ArtifactPreviewPane key={artifact} workspaceId={workspaceId} runId={run.runId} path={artifact} />}
            </div>
          </div>
        </DropZone>
      </section>
    </article>
  );
}
