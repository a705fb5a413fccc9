import { PyTuple, type PickleValue } from './pickle-writer.js';

// A generated flow's shape and its `_graph_info`, as Metaflow's FlowGraph describes it.

export const FOREACH_STEP = 'work';
export const JOIN_STEP = 'join';
export const FOREACH_VAR = 'items';

export interface StepPlan {
  name: string;
  type: 'start' | 'linear' | 'split-foreach' | 'join' | 'end';
  next: string[];
  /** Tasks per run. */
  width: number;
}

export function planSteps(count: number, foreachWidth: number): StepPlan[] {
  const foreach = foreachWidth > 0;
  const middle = count - 2 - (foreach ? 2 : 0);
  if (!Number.isInteger(count) || middle < 0) {
    throw new Error(`stepsPerRun must be an integer of at least ${foreach ? 4 : 2} (start${foreach ? ', work, join' : ''} and end).`);
  }
  const names = ['start', ...(foreach ? [FOREACH_STEP, JOIN_STEP] : []), ...Array.from({ length: middle }, (_, i) => `step_${i + 1}`), 'end'];
  return names.map((name, i) => ({
    name,
    type:
      i === 0 ? (foreach ? 'split-foreach' : 'start')
      : name === 'end' ? 'end'
      : foreach && name === JOIN_STEP ? 'join'
      : 'linear',
    next: i + 1 < names.length ? [names[i + 1]] : [],
    width: foreach && name === FOREACH_STEP ? foreachWidth : 1,
  }));
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

export const CATCH_VAR = 'caught_error';

export function graphInfo(flow: string, steps: StepPlan[], retryStep: string | undefined, catchStep?: string): PickleValue {
  const file = `${snakeCase(flow)}.py`;
  const sourceFile = `/home/ds/flows/${file}`;
  const retry = { name: 'retry', attributes: { times: 1, minutes_between_retries: 0 }, statically_defined: true, inserted_by: null };
  const caught = { name: 'catch', attributes: { var: CATCH_VAR, print_exception: true }, statically_defined: true, inserted_by: null };
  const entries = steps.map((step, i) => {
    const entry: Record<string, PickleValue> = {
      name: step.name,
      type: step.type,
      line: 12 + i * 6,
      source_file: sourceFile,
      doc: '',
      decorators: [...(step.name === retryStep ? [retry] : []), ...(step.name === catchStep ? [caught] : [])],
      next: step.next,
      node_info: {},
    };
    if (step.type === 'split-foreach') Object.assign(entry, { foreach_artifact: FOREACH_VAR, matching_join: JOIN_STEP });
    return [step.name, entry] as const;
  });
  const structure: PickleValue[] = steps.map((s) => s.name);
  if (steps.some((s) => s.name === FOREACH_STEP)) structure.splice(1, 1, [[FOREACH_STEP]]);
  return {
    file,
    start_step: 'start',
    end_step: 'end',
    parameters: [
      { name: 'alpha', type: 'Parameter' },
      { name: 'label', type: 'Parameter' },
    ],
    constants: [],
    steps: Object.fromEntries(entries),
    graph_structure: structure,
    doc: '',
    decorators: [],
    extensions: { installed: {} },
  };
}


/** `_transition` of a task that called `self.next(...)`: `([next steps], foreach var or None)`; None for `end`. */
export function transition(step: StepPlan): PickleValue {
  if (step.next.length === 0) return null;
  return new PyTuple([step.next, step.type === 'split-foreach' ? FOREACH_VAR : null]);
}
