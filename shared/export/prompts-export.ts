import type { PromptsResult } from '../schemas/mlflow-prompts.js';
import { toCsv } from './csv.js';

// The Prompts view as a file: one CSV row per prompt version (the templates and shared inputs are
// left to the JSON, which is the whole result).

export function promptsCsv(result: PromptsResult): string {
  return toCsv(
    ['prompt_key', 'kind', 'name', 'version', 'traces', 'input_tokens', 'output_tokens', 'cached_input_tokens', 'cost_usd', 'unpriced_models', 'latency_p50_ms', 'latency_p90_ms', 'errors', 'error_rate'],
    result.prompts.flatMap((p) =>
      p.versions.map((v) => [
        p.key,
        p.kind,
        p.name,
        v.version ?? '',
        v.traces,
        v.input,
        v.output,
        v.cachedInput,
        v.cost,
        v.unpricedModels.map((m) => m ?? '(unknown model)').join(' '),
        v.latencyP50,
        v.latencyP90,
        v.errors,
        v.errorRate,
      ]),
    ),
  );
}
