import './mlflow-usage.css';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ExperimentUsage, MlflowUsage as Usage, RunUsage } from '../../../../shared/schemas/mlflow-usage.js';
import { call } from '../../api/client.js';
import { formatBytes, formatCount, plural } from '../../format.js';
import { ErrorPanel } from '../../ui/ErrorPanel.js';
import { Loading } from '../../ui/Loading.js';
import { SortableTable } from './SortableTable.js';
import { UsageTreemap } from './UsageTreemap.js';
import { EXPERIMENT_COLUMNS, experimentTotal, RUN_COLUMNS, tierTotals, treemapCells, type Column } from './usage-table.js';
import { describeProgress, useUsageProgress } from './useUsageProgress.js';

// Where an MLflow workspace's bytes are: experiments in a sortable table and a treemap, drilling
// into one experiment's runs; bytes per tier, deleted runs apart, and what gc would free.

const usageKey = (workspaceId: string) => ['mlflow.usage', workspaceId] as const;

export function MlflowUsage({ workspaceId }: { workspaceId: string }) {
  const queryClient = useQueryClient();
  const usage = useQuery({ queryKey: usageKey(workspaceId), queryFn: () => call('mlflow.usage', { workspaceId }), staleTime: 60_000 });
  const rescan = useMutation({
    mutationFn: () => call('mlflow.usage', { workspaceId, rescan: true }),
    onSuccess: (fresh) => queryClient.setQueryData(usageKey(workspaceId), fresh),
  });
  const progress = useUsageProgress(workspaceId);
  const [experimentId, setExperimentId] = useState<string | null>(null);

  if (usage.isPending || rescan.isPending) {
    return (
      <div className="mlflow-usage" data-testid="mlflow-usage">
        <Loading label="Adding up the MLflow artifacts…" />
        {progress && progress.phase !== 'done' && (
          <p className="muted" data-testid="mlflow-usage-progress">
            {describeProgress(progress)}
          </p>
        )}
      </div>
    );
  }
  if (usage.isError) return <ErrorPanel error={usage.error} onRetry={() => void usage.refetch()} />;
  const data = rescan.data ?? usage.data;
  const experiment = data.experiments.find((e) => e.experimentId === experimentId);
  return (
    <div className="mlflow-usage" data-testid="mlflow-usage">
      <div className="mlflow-usage__bar">
        <nav aria-label="Usage level" className="mlflow-usage__crumbs">
          {experiment ? (
            <>
              <button type="button" className="link-button" onClick={() => setExperimentId(null)}>
                All experiments
              </button>
              <span aria-hidden="true"> › </span>
              <span data-testid="mlflow-usage-experiment">{experiment.name}</span>
            </>
          ) : (
            <span>All experiments</span>
          )}
        </nav>
        <span className="muted" data-testid="mlflow-usage-scan">
          {plural(data.listedRuns, 'run')} listed now, {formatCount(data.cachedRuns)} from the cache
        </span>
        <button type="button" onClick={() => rescan.mutate()} title="List every run's artifacts again (tier changes show up; ended runs are otherwise cached)">
          Rescan
        </button>
      </div>
      {rescan.isError && <ErrorPanel error={rescan.error} onDismiss={() => rescan.reset()} />}
      <TierLine experiments={experiment ? [experiment] : data.experiments} />
      {experiment ? <RunsLevel experiment={experiment} runs={data.runs} /> : <ExperimentsLevel usage={data} onOpen={setExperimentId} />}
      {data.notes.length > 0 && (
        <ul className="mlflow-usage__notes" data-testid="mlflow-usage-notes">
          {data.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function TierLine({ experiments }: { experiments: readonly ExperimentUsage[] }) {
  const tiers = tierTotals(experiments);
  if (tiers.length === 0) return null;
  return (
    <p className="mlflow-usage__tiers" data-testid="mlflow-usage-tiers">
      {tiers.map((t) => (
        <span key={t.tier} className={`tier-chip tier-chip--${t.tier.toLowerCase()}`}>
          {t.tier}: {formatBytes(t.bytes)} in {plural(t.files, 'file')}
        </span>
      ))}
    </p>
  );
}

function figure(value: number | string | null, key: string): string {
  if (value === null) return 'unknown';
  if (typeof value === 'string') return value;
  return key === 'runs' || key === 'files' ? formatCount(value) : formatBytes(value);
}

function ExperimentsLevel({ usage, onOpen }: { usage: Usage; onOpen: (id: string) => void }) {
  const cells = treemapCells(usage.experiments, (e) => ({ id: e.experimentId, name: e.name, size: experimentTotal(e) }));
  return (
    <>
      <UsageTreemap cells={cells} onOpen={onOpen} label="Bytes per experiment" />
      <SortableTable<ExperimentUsage>
        testId="mlflow-usage-experiments"
        columns={EXPERIMENT_COLUMNS}
        rows={usage.experiments}
        rowKey={(e) => e.experimentId}
        initialSort={{ key: 'total', dir: 'desc' }}
        cell={(e, c: Column<ExperimentUsage>) => (c.key === 'name' && e.deleted ? `${e.name} (deleted)` : figure(c.value(e), c.key))}
        onOpen={(e) => onOpen(e.experimentId)}
        openLabel={(e) => `Show the runs of ${e.name}`}
      />
    </>
  );
}

function RunsLevel({ experiment, runs }: { experiment: ExperimentUsage; runs: readonly RunUsage[] }) {
  const mine = runs.filter((r) => r.experimentId === experiment.experimentId);
  const cells = treemapCells(mine, (r) => ({ id: r.runId, name: r.name || r.runId, size: r.bytes }));
  return (
    <>
      <p className="muted" data-testid="mlflow-usage-summary">
        {plural(experiment.runs, 'run')} ({formatCount(experiment.deletedRuns)} deleted, {formatBytes(experiment.deletedBytes)}); traces{' '}
        {formatBytes(experiment.traceBytes)} in {plural(experiment.traceFiles, 'file')}; gc would free{' '}
        {experiment.gcBytes === null ? 'an unknown amount' : formatBytes(experiment.gcBytes)}.
      </p>
      <UsageTreemap cells={cells} label={`Bytes per run of ${experiment.name}`} />
      <SortableTable<RunUsage>
        testId="mlflow-usage-runs"
        columns={RUN_COLUMNS}
        rows={mine}
        rowKey={(r) => r.runId}
        initialSort={{ key: 'bytes', dir: 'desc' }}
        cell={(r, c: Column<RunUsage>) => (c.key === 'bytes' && r.problem !== null ? <span title={r.problem}>not counted</span> : figure(c.value(r), c.key))}
      />
    </>
  );
}
