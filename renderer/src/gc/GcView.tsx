import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { GcPlan, GcPlanArgs, GcTarget } from '../../../shared/schemas/gc.js';
import { call } from '../api/client.js';
import { formatBytes, formatCount } from '../format.js';
import { ErrorPanel } from '../ui/ErrorPanel.js';
import { TextField } from '../ui/TextField.js';
import type { SectionProps } from '../workspaces/section.js';
import { GC_HISTORY_KEY, GcHistory } from './GcHistory.js';
import { GcPlanView } from './GcPlanView.js';
import { GcReportView } from './GcReportView.js';
import { useGcProgress } from './useGcProgress.js';
import './gc.css';

const DEFAULT_GRACE_HOURS = '168';

/** Garbage collection: make a plan (a dry run), read it, type the workspace name, execute, see the report. */
export function GcView({ workspace }: SectionProps) {
  const queryClient = useQueryClient();
  const [target, setTarget] = useState<GcTarget>('metaflow');
  const [graceHours, setGraceHours] = useState(DEFAULT_GRACE_HOURS);
  const [flows, setFlows] = useState('');
  const tracking = workspace.mlflowTrackingUri?.startsWith('sqlite:///') ? workspace.mlflowTrackingUri : '';
  const [trackingUri, setTrackingUri] = useState(tracking);
  const [olderThan, setOlderThan] = useState('');
  const [includeTraces, setIncludeTraces] = useState(false);
  const [confirm, setConfirm] = useState('');
  const workspaceName = workspace.name ?? workspace.sysroot;

  const plan = useMutation({
    mutationFn: (args: GcPlanArgs) => call('gc.plan', args),
    onSuccess: () => {
      setConfirm('');
      execute.reset();
      void queryClient.invalidateQueries({ queryKey: GC_HISTORY_KEY });
    },
  });
  const execute = useMutation({
    mutationFn: (current: GcPlan) => call('gc.execute', { planId: current.planId, confirm }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: GC_HISTORY_KEY }),
  });
  const progress = useGcProgress(execute.isPending ? plan.data?.planId : undefined);

  const hours = Number(graceHours);
  const graceError = target === 'metaflow' && !(Number.isFinite(hours) && hours >= 1) ? ['At least 1 hour: younger blobs may belong to a running task.'] : [];
  const trackingError = target === 'mlflow' && !trackingUri.startsWith('sqlite:///') ? ['gc needs the tracking database: sqlite:////path/to/mlflow.db'] : [];

  const makePlan = () => {
    const flowList = flows.split(/[\s,]+/).filter((f) => f !== '');
    plan.mutate(
      target === 'metaflow'
        ? { workspaceId: workspace.id, target, graceHours: hours, ...(flowList.length > 0 ? { flows: flowList } : {}) }
        : { workspaceId: workspace.id, target, trackingUri, ...(olderThan ? { olderThan } : {}), ...(includeTraces ? { includeTraces } : {}) },
    );
  };

  return (
    <div className="gc-view" data-testid="gc-view">
      <form
        className="gc-form"
        onSubmit={(e) => {
          e.preventDefault();
          makePlan();
        }}
      >
        <fieldset className="field">
          <legend>What to collect</legend>
          <label>
            <input type="radio" name="gc-target" checked={target === 'metaflow'} onChange={() => setTarget('metaflow')} /> Metaflow artifacts no task names
          </label>
          <label>
            <input type="radio" name="gc-target" checked={target === 'mlflow'} onChange={() => setTarget('mlflow')} /> Deleted MLflow runs (like mlflow gc)
          </label>
        </fieldset>
        {target === 'metaflow' ? (
          <>
            <TextField id="gc-grace" label="Grace period (hours)" value={graceHours} onChange={setGraceHours} errors={graceError} help="Blobs written more recently are kept." testId="gc-grace" />
            <TextField id="gc-flows" label="Flows" value={flows} onChange={setFlows} optional help="Space- or comma-separated; all flows when empty." testId="gc-flows" />
          </>
        ) : (
          <>
            <TextField id="gc-tracking" label="Tracking database" value={trackingUri} onChange={setTrackingUri} errors={trackingError} placeholder="sqlite:////path/to/mlflow.db" testId="gc-tracking" />
            <TextField id="gc-older" label="Deleted longer ago than" value={olderThan} onChange={setOlderThan} optional placeholder="30d" help="As mlflow gc --older-than: 30d, 12h, 1d2h." testId="gc-older" />
            <label className="gc-check">
              <input type="checkbox" checked={includeTraces} onChange={(e) => setIncludeTraces(e.target.checked)} /> Also traces.json files whose traces are deleted (mlflow gc leaves them)
            </label>
          </>
        )}
        <button type="submit" className="button button--primary" disabled={plan.isPending || graceError.length > 0 || trackingError.length > 0} data-testid="gc-make-plan">
          {plan.isPending ? 'Planning…' : 'Make a plan (nothing is deleted)'}
        </button>
      </form>

      {plan.error && <ErrorPanel error={plan.error} onRetry={makePlan} retrying={plan.isPending} />}
      {plan.data && <GcPlanView plan={plan.data} />}

      {plan.data && plan.data.candidates > 0 && !execute.data && (
        <form
          className="gc-confirm"
          data-testid="gc-confirm"
          onSubmit={(e) => {
            e.preventDefault();
            if (plan.data) execute.mutate(plan.data);
          }}
        >
          <p>
            This deletes {formatCount(plan.data.candidates)} object(s) ({formatBytes(plan.data.candidateBytes)}) from <strong>{workspaceName}</strong>
            {plan.data.target === 'mlflow' && ' and the rows of the deleted runs'}. It cannot be undone. Type the workspace name to confirm.
          </p>
          <TextField id="gc-confirm-name" label="Workspace name" value={confirm} onChange={setConfirm} placeholder={workspaceName} testId="gc-confirm-name" />
          <button type="submit" className="button button--danger" disabled={confirm !== workspaceName || execute.isPending} data-testid="gc-execute">
            {execute.isPending ? 'Deleting…' : 'Delete'}
          </button>
        </form>
      )}

      {execute.isPending && (
        <div className="gc-progress" data-testid="gc-progress">
          <progress max={progress?.total || 1} value={progress?.done ?? 0} />
          <span>
            {progress ? `${progress.phase}: ${formatCount(progress.done)} / ${formatCount(progress.total)}, ${formatBytes(progress.deletedBytes)} freed` : 'Starting…'}
          </span>
        </div>
      )}
      {execute.error && <ErrorPanel error={execute.error} onRetry={() => plan.data && execute.mutate(plan.data)} retrying={execute.isPending} />}
      {execute.data && <GcReportView report={execute.data} />}

      <GcHistory />
    </div>
  );
}
