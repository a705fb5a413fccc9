import './usage.css';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { UsageSetRunTierResult } from '../../../shared/schemas/usage-tier.js';
import type { UsageRow } from '../../../shared/schemas/usage.js';
import type { UsagePlace } from '../../../shared/routing/route.js';
import { call } from '../api/client.js';
import { formatCount, formatTime } from '../format.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { Loading } from '../ui/Loading.js';
import type { SectionProps } from '../workspaces/section.js';
import { MlflowUsage } from './mlflow/MlflowUsage.js';
import { RunTier, RunTierNotice } from './RunTier.js';
import { UsageTable } from './UsageTable.js';
import { UsageTreemap } from './UsageTreemap.js';
import { useUsageProgress } from './useUsageProgress.js';

interface Props extends SectionProps {
  place: UsagePlace;
  onNavigate: (place: UsagePlace) => void;
}

/**
 * Where a workspace's bytes are: per flow, then a flow's runs, then a run's steps, each split into
 * unique and shared artifact bytes, logs and cards, with bytes per tier and what gc would free.
 * Opening the view builds the usage (only runs not read before are read), with progress.
 */
export function UsageView({ workspace, place, onNavigate }: Props) {
  const workspaceId = workspace.id;
  const build = useQuery({
    queryKey: ['usage', workspaceId, 'build'],
    queryFn: () => call('usage.metaflowBuild', { workspaceId }),
    staleTime: Infinity,
    retry: false,
  });
  const progress = useUsageProgress(workspaceId, build.isFetching);
  const table = useQuery({
    queryKey: ['usage', workspaceId, 'table', place.flow ?? null, place.run ?? null, build.data?.builtAt ?? null],
    queryFn: () => call('usage.metaflow', { workspaceId, ...(place.flow === undefined ? {} : { flow: place.flow }), ...(place.run === undefined ? {} : { run: place.run }) }),
    enabled: build.isSuccess,
  });
  const gcFree = useQuery({
    queryKey: ['usage', workspaceId, 'gcFree', build.data?.builtAt ?? null],
    queryFn: () => call('usage.metaflowGcFree', { workspaceId }),
    enabled: build.isSuccess && place.flow === undefined,
    staleTime: Infinity,
  });
  const gcMap = gcFree.data ? new Map(gcFree.data.flows.map((f) => [f.flow, f.candidateBytes])) : undefined;
  const [tierRow, setTierRow] = useState<UsageRow | null>(null);
  const [tierResult, setTierResult] = useState<UsageSetRunTierResult | null>(null);
  const container = workspace.sysroot.split('/')[0];
  const open = place.flow === undefined ? (flow: string) => onNavigate({ flow }) : place.run === undefined ? (run: string) => onNavigate({ flow: place.flow, run }) : undefined;

  return (
    <div className="usage-view" data-testid="usage-view">
      <div className="usage-view__bar">
        <nav className="usage-crumbs" aria-label="Usage level">
          <button type="button" className="link" onClick={() => onNavigate({})} data-testid="usage-crumb-flows">
            Flows
          </button>
          {place.flow !== undefined && (
            <>
              {' › '}
              <button type="button" className="link" onClick={() => onNavigate({ flow: place.flow })} data-testid="usage-crumb-flow">
                {place.flow}
              </button>
            </>
          )}
          {place.run !== undefined && <span data-testid="usage-crumb-run"> › {place.run}</span>}
        </nav>
        <button type="button" onClick={() => void build.refetch()} disabled={build.isFetching} data-testid="usage-rebuild">
          {build.isFetching ? 'Building…' : 'Rebuild'}
        </button>
      </div>
      {build.isFetching && (
        <p className="usage-progress" role="status" data-testid="usage-progress">
          {progress === undefined || progress.phase === 'listing'
            ? 'Listing flows and runs…'
            : `Reading runs: ${formatCount(progress.runsScanned)} of ${formatCount(progress.runsToScan)} (${formatCount(progress.flows)} flows)`}
        </p>
      )}
      {build.error && <ErrorPanel error={build.error} onRetry={() => void build.refetch()} retrying={build.isFetching} />}
      {build.data && (
        <p className="muted" data-testid="usage-built">
          {formatCount(build.data.runs)} runs in {formatCount(build.data.flows)} flows; {formatCount(build.data.scanned)} read this time ({formatCount(build.data.requests)} requests),{' '}
          {formatTime(build.data.builtAt)}.
        </p>
      )}
      {table.error && <ErrorPanel error={table.error} onRetry={() => void table.refetch()} retrying={table.isFetching} />}
      {build.isSuccess && table.isPending && <Loading label="Summing usage…" />}
      {table.data && (
        <>
          <UsageTreemap rows={table.data.rows} onOpen={open} />
          {gcFree.error && <p className="muted">What gc would free could not be planned: {gcFree.error.message}</p>}
          {tierResult && <RunTierNotice result={tierResult} onDismiss={() => setTierResult(null)} />}
          {tierRow && place.flow !== undefined && (
            <RunTier
              key={tierRow.name}
              workspaceId={workspaceId}
              container={container}
              flow={place.flow}
              row={tierRow}
              onCancel={() => setTierRow(null)}
              onDone={(result) => {
                setTierRow(null);
                setTierResult(result);
                // The tiers per run come from the listing a build makes.
                void build.refetch();
              }}
            />
          )}
          <UsageTable
            level={table.data.level}
            rows={table.data.rows}
            gcFree={place.flow === undefined ? gcMap : undefined}
            onOpen={open}
            onRunTier={table.data.level === 'runs' && workspace.kind === 'azure' ? (row) => { setTierResult(null); setTierRow(row); } : undefined}
          />
          {table.data.total > table.data.rows.length && (
            <p className="muted">
              The largest {formatCount(table.data.rows.length)} of {formatCount(table.data.total)} shown.
            </p>
          )}
        </>
      )}
      {workspace.mlflowTrackingUri !== undefined && <div className="usage-view__mlflow"><MlflowUsage workspaceId={workspaceId} /></div>}
    </div>
  );
}
