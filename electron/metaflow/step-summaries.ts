import type { StepSummary, TaskSummary } from '../../shared/contract.js';
import type { FlowGraph } from './graph.js';

// A run's steps with their task counts and worst status, in the order the flow's graph gives.

function worst(statuses: TaskSummary['status'][]): TaskSummary['status'] {
  for (const s of ['failed', 'running', 'unknown'] as const) if (statuses.includes(s)) return s;
  return statuses.length > 0 ? 'succeeded' : 'unknown';
}

/** Steps in DAG order (breadth-first from start) when the graph is known, else by first task id. */
export function stepSummaries(tasks: TaskSummary[], graph: FlowGraph | undefined): StepSummary[] {
  const byStep = new Map<string, TaskSummary[]>();
  for (const t of tasks) {
    const list = byStep.get(t.step);
    if (list) list.push(t);
    else byStep.set(t.step, [t]);
  }
  const order: string[] = [];
  if (graph?.start) {
    const queue = [graph.start];
    while (queue.length > 0) {
      const step = queue.shift() as string;
      if (order.includes(step)) continue;
      order.push(step);
      queue.push(...(graph.steps.get(step)?.next ?? []));
    }
  }
  for (const step of [...(graph?.steps.keys() ?? []), ...byStep.keys()]) if (!order.includes(step)) order.push(step);
  return order.map((name) => ({
    name,
    type: graph?.steps.get(name)?.type ?? null,
    next: graph?.steps.get(name)?.next ?? [],
    taskCount: byStep.get(name)?.length ?? 0,
    status: worst((byStep.get(name) ?? []).map((t) => t.status)),
  }));
}
