import { useMemo } from 'react';
import type { StepSummary } from '../../../../shared/contract.js';
import { plural } from '../../format.js';
import { edgePath, layoutDag, type DagNode } from './dag-layout.js';
import { marksText, type StepMarks } from './step-marks.js';
import { displayName } from '../../../../shared/display-name.js';

interface Props {
  steps: StepSummary[];
  selected?: string;
  onSelect: (step: string) => void;
  /** Retried and caught tasks per step (step-marks.ts). */
  marks?: Map<string, StepMarks>;
}

const TYPE_TAG: Record<string, string> = {
  'split-foreach': 'foreach',
  'split-static': 'split',
  join: 'join',
};

/** The line under a step's name: its task count (or "not run"), foreach/split/join, retries and caught tasks. */
function infoParts(step: StepSummary, marks: string[]): string[] {
  const tag = step.type ? TYPE_TAG[step.type] : undefined;
  return [step.taskCount === 0 ? 'not run' : plural(step.taskCount, 'task'), ...(tag ? [tag] : []), ...marks];
}

function stepDescription(step: StepSummary, marks: string[]): string {
  const tasks = step.taskCount === 0 ? 'not run' : `${plural(step.taskCount, 'task')}, ${step.status}`;
  return `${displayName(step.name)}${step.type ? ` (${step.type})` : ''}: ${[tasks, ...marks].join(', ')}`;
}

function Node({ node, selected, onSelect, mark }: { node: DagNode; selected: boolean; onSelect: (step: string) => void; mark?: StepMarks }) {
  const { step, width, height } = node;
  const x = node.x - width / 2;
  const y = node.y - height / 2;
  const status = step.taskCount === 0 ? 'not-run' : step.status;
  const tag = step.type ? TYPE_TAG[step.type] : undefined;
  const open = () => onSelect(step.name);
  const marks = marksText(mark, step.taskCount);
  return (
    <g
      className={`dag-node dag-node--${status}${selected ? ' dag-node--selected' : ''}`}
      role="button"
      tabIndex={0}
      aria-label={stepDescription(step, marks)}
      aria-pressed={selected}
      data-testid="dag-node"
      data-step={step.name}
      data-status={status}
      data-marks={marks.join(', ') || undefined}
      onClick={open}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          open();
        }
      }}
    >
      <title>{stepDescription(step, marks)}</title>
      {step.taskCount > 1 && (
        <>
          <rect className="dag-node__stack" x={x + 6} y={y + 6} width={width} height={height} rx={7} />
          <rect className="dag-node__stack" x={x + 3} y={y + 3} width={width} height={height} rx={7} />
        </>
      )}
      <rect className="dag-node__box" x={x} y={y} width={width} height={height} rx={7} />
      <rect className="dag-node__bar" x={x} y={y} width={5} height={height} rx={2} />
      <text className="dag-node__name" x={x + 14} y={y + 22}>
        {displayName(step.name)}
      </text>
      <text className="dag-node__info" x={x + 14} y={y + 40}>
        {step.taskCount === 0 ? 'not run' : plural(step.taskCount, 'task')}
        {tag && <tspan className="dag-node__tag">{`  ·  ${tag}`}</tspan>}
        {marks.map((m) => (
          <tspan key={m} className={`dag-node__mark${m.endsWith('caught') ? ' dag-node__mark--caught' : ''}`}>{`  ·  ${m}`}</tspan>
        ))}
      </text>
    </g>
  );
}

/** The run's DAG: a box per step (status colour, task count, foreach and joins marked); click a step for its tasks. */
export function DagView({ steps, selected, onSelect, marks }: Props) {
  const layout = useMemo(
    () => layoutDag(steps, 'LR', (step) => infoParts(step, marksText(marks?.get(step.name), step.taskCount)).join('  ·  ').length),
    [steps, marks],
  );
  if (steps.length === 0) return <p className="empty">No steps to draw.</p>;
  return (
    <div className="dag" data-testid="dag">
      <svg
        className="dag__svg"
        width={layout.width}
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        role="group"
        aria-label="Steps of this run"
      >
        <defs>
          <marker id="dag-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path className="dag-arrow" d="M0,0 L10,5 L0,10 z" />
          </marker>
        </defs>
        {layout.edges.map((edge) => (
          <path
            key={`${edge.from}->${edge.to}`}
            className={`dag-edge${edge.foreach ? ' dag-edge--foreach' : ''}`}
            d={edgePath(edge.points)}
            markerEnd="url(#dag-arrow)"
            data-testid="dag-edge"
            data-from={edge.from}
            data-to={edge.to}
          />
        ))}
        {layout.nodes.map((node) => (
          <Node key={node.step.name} node={node} selected={node.step.name === selected} onSelect={onSelect} mark={marks?.get(node.step.name)} />
        ))}
      </svg>
      <div className="dag__legend" aria-hidden="true">
        <span className="legend legend--succeeded">succeeded</span>
        <span className="legend legend--failed">failed</span>
        <span className="legend legend--running">running</span>
        <span className="legend legend--not-run">not run</span>
        <span className="legend legend--foreach">foreach fan-out</span>
        <span className="legend legend--stack">several tasks</span>
      </div>
    </div>
  );
}
