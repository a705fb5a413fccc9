import type { JsonValue } from './pickle/json.js';

// The DAG as `_graph_info` (a dict Metaflow pickles into every task) describes it:
// {start_step, end_step, parameters: [{name, type}], steps: {<name>: {type, next: [...], ...}}}.

export interface FlowGraph {
  start: string | null;
  end: string | null;
  parameters: string[];
  steps: Map<string, { type: string | null; next: string[] }>;
}

function record(value: JsonValue | undefined): Record<string, JsonValue> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function text(value: JsonValue | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

export function parseGraphInfo(value: JsonValue): FlowGraph | undefined {
  const info = record(value);
  const steps = record(info?.steps);
  if (!info || !steps) return undefined;
  const graph: FlowGraph = {
    start: text(info.start_step),
    end: text(info.end_step),
    parameters: Array.isArray(info.parameters) ? info.parameters.map((p) => text(record(p)?.name)).filter((n): n is string => n !== null) : [],
    steps: new Map(),
  };
  for (const [name, step] of Object.entries(steps)) {
    const s = record(step);
    const next = Array.isArray(s?.next) ? s.next.filter((n): n is string => typeof n === 'string') : [];
    graph.steps.set(name, { type: text(s?.type), next });
  }
  return graph;
}
