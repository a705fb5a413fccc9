import { useState } from 'react';
import { MetricChart, type ChartRun } from './MetricChart.js';
import type { XAxisKind } from './metric-series.js';

interface Props {
  workspaceId: string;
  runs: ChartRun[];
  metricKeys: string[];
}

/** A chart per metric key with a shared step / time switch. */
export function MetricCharts({ workspaceId, runs, metricKeys }: Props) {
  const [axis, setAxis] = useState<XAxisKind>('step');
  if (metricKeys.length === 0) return <p className="empty">No metrics logged: values from <code>mlflow.log_metric</code> are charted here, step by step.</p>;
  return (
    <div className="ml-charts">
      <div className="ml-segmented" role="radiogroup" aria-label="Chart x axis">
        {(['step', 'time'] as const).map((a) => (
          <button key={a} type="button" role="radio" aria-checked={axis === a} className={`ml-segmented__item${axis === a ? ' ml-segmented__item--on' : ''}`} onClick={() => setAxis(a)}>
            By {a}
          </button>
        ))}
      </div>
      <div className="ml-charts__grid">
        {metricKeys.map((key) => (
          <MetricChart key={key} workspaceId={workspaceId} metricKey={key} runs={runs} axis={axis} />
        ))}
      </div>
    </div>
  );
}
