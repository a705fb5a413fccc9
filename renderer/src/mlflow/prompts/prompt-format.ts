import type { PromptGroup, PromptVersionStats } from '../../../../shared/schemas/mlflow-prompts.js';
import { formatCount } from '../../format.js';

// How the Prompts view writes its figures: one row of text per prompt version, for DataTable.

/** A prompt key as a person reads it: the registered name, or "template / system prompt <fingerprint>". */
export function promptLabel(key: string): string {
  if (key.startsWith('p:')) return key.slice(2);
  return `${key.startsWith('t:') ? 'template' : 'system prompt'} ${key.slice(2)}`;
}

/** What kind of prompt a group is, as the Prompts tab names it. */
export const KIND_LABEL: Record<PromptGroup['kind'], string> = { registered: 'registered', template: 'template', system: 'system prompt' };

export const versionLabel = (version: string | null): string => (version === null ? '—' : `v${version}`);

const usd = (n: number | null) => (n === null ? '—' : `$${n < 1 ? n.toFixed(4) : n.toFixed(2)}`);
const ms = (n: number | null) => (n === null ? '—' : n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(2)} s`);
const percent = (n: number | null) => (n === null ? '—' : `${(n * 100).toFixed(1)} %`);

/** Cost, with the models it leaves out named (never a silent zero). */
export function costText(v: PromptVersionStats): string {
  if (v.unpricedModels.length === 0) return usd(v.cost);
  const names = v.unpricedModels.map((m) => m ?? 'unknown model').join(', ');
  return `${usd(v.cost)} (no price: ${names})`;
}

export const VERSION_HEAD = ['Version', 'Traces', 'Input tokens', 'Output tokens', 'Cached input', 'Cost', 'Latency p50', 'Latency p90', 'Errors'];

export function versionCells(v: PromptVersionStats): string[] {
  return [
    versionLabel(v.version),
    formatCount(v.traces),
    formatCount(v.input),
    formatCount(v.output),
    formatCount(v.cachedInput),
    costText(v),
    ms(v.latencyP50),
    ms(v.latencyP90),
    `${formatCount(v.errors)} (${percent(v.errorRate)})`,
  ];
}

/** One row per prompt version: what the Prompts tab lists. */
export function promptRows(prompts: readonly PromptGroup[]): { key: string; version: string | null; cells: string[] }[] {
  return prompts.flatMap((p) =>
    p.versions.map((v) => ({ key: p.key, version: v.version, cells: [p.kind === 'registered' ? p.name : `“${p.name}”`, KIND_LABEL[p.kind], ...versionCells(v)] })),
  );
}

export const PROMPT_HEAD = ['Prompt', 'Kind', ...VERSION_HEAD];
