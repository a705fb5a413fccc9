import { createHash } from 'node:crypto';
import type { PromptGroup, PromptsResult, PromptTraceRow, PromptTracesResult, PromptVersionStats, SharedInput } from '../../../shared/schemas/mlflow-prompts.js';
import type { PriceRow } from '../../../shared/schemas/mlflow-tokens.js';
import { costAt, resolvePrice } from '../tokens/pricing.js';
import { compareNames, percentiles } from '../tokens/summary.js';
import type { PromptRecord, PromptContext, RegistryVersion } from './prompt-record.js';

// Traces grouped by prompt: by each registered prompt version MLflow linked to a trace, else by
// the fingerprint of the template its spans carry, else by the fingerprint of its system prompt. One computation for every source, run in the trace cache
// worker over PromptRecords.

export const MAX_PROMPTS = 500;
const MAX_SHARED_INPUTS = 50;
const MAX_TEMPLATE = 20_000;
const SYSTEM_NAME = 80;

/** The group and version a trace belongs to: one per linked prompt version, else its template's, else its system prompt's. */
export function memberships(record: PromptRecord): { key: string; version: string | null }[] {
  if (record.linked.length > 0) return record.linked.map((l) => ({ key: `p:${l.name}`, version: l.version }));
  if (record.templateHash !== null) return [{ key: `t:${record.templateHash}`, version: null }];
  return record.systemHash === null ? [] : [{ key: `s:${record.systemHash}`, version: null }];
}

const KINDS = { p: 'registered', t: 'template', s: 'system' } as const;

class VersionFigures {
  readonly records: PromptRecord[] = [];
  add(r: PromptRecord): void {
    this.records.push(r);
  }

  stats(version: string | null, template: string | null, prices: ReadonlyMap<string, PriceRow>): PromptVersionStats {
    let input = 0;
    let output = 0;
    let cachedInput = 0;
    let cost: number | null = null;
    let errors = 0;
    const unpriced = new Set<string | null>();
    const durations: number[] = [];
    let firstMs: number | null = null;
    let lastMs: number | null = null;
    for (const r of this.records) {
      for (const m of r.byModel) {
        input += m.input;
        output += m.output;
        cachedInput += m.cacheRead + m.cacheWrite;
        const price = resolvePrice(m.model, prices);
        if (price) cost = (cost ?? 0) + costAt(price, m);
        else unpriced.add(m.model);
      }
      if (r.state === 'ERROR') errors++;
      if (r.durationMs !== null) durations.push(r.durationMs);
      firstMs = firstMs === null ? r.timestampMs : Math.min(firstMs, r.timestampMs);
      lastMs = lastMs === null ? r.timestampMs : Math.max(lastMs, r.timestampMs);
    }
    durations.sort((a, b) => a - b);
    const { p50, p90 } = percentiles(durations);
    const traces = this.records.length;
    return {
      version,
      template: template === null ? null : template.slice(0, MAX_TEMPLATE),
      traces,
      input,
      output,
      cachedInput,
      cost,
      unpricedModels: [...unpriced].sort(compareNames).slice(0, 50),
      latencyP50: p50,
      latencyP90: p90,
      errors,
      errorRate: traces === 0 ? null : errors / traces,
      firstMs,
      lastMs,
    };
  }
}

/** The key a SharedInput names its input by (the input itself may be long and hold any character). */
export const inputKey = (input: string): string => createHash('sha256').update(input).digest('hex').slice(0, 16);

/** Versions newest first: numerically when both are numbers (MLflow's registry), else by text. */
export function compareVersions(a: string | null, b: string | null): number {
  if (a !== null && b !== null && /^\d+$/.test(a) && /^\d+$/.test(b)) return Number(b) - Number(a);
  return compareNames(b, a);
}

function sharedInputs(versions: Map<string | null, VersionFigures>): SharedInput[] {
  const byInput = new Map<string, Set<string>>();
  for (const [version, figures] of versions) {
    if (version === null) continue;
    for (const r of figures.records) {
      if (r.input === null) continue;
      let set = byInput.get(r.input);
      if (!set) byInput.set(r.input, (set = new Set()));
      set.add(version);
    }
  }
  return [...byInput]
    .filter(([, set]) => set.size > 1)
    .map(([input, set]) => ({ inputKey: inputKey(input), input, versions: [...set].sort(compareVersions) }))
    .sort((a, b) => b.versions.length - a.versions.length || compareNames(a.input, b.input))
    .slice(0, MAX_SHARED_INPUTS);
}

export function groupPrompts(records: readonly PromptRecord[], context: PromptContext, priceRows: readonly PriceRow[]): PromptsResult {
  const prices = new Map(priceRows.map((p) => [p.model, p]));
  const templates = new Map<string, RegistryVersion>(context.registry.map((v) => [`${v.name}\n${v.version}`, v]));
  const groups = new Map<string, { traces: Set<string>; versions: Map<string | null, VersionFigures> }>();
  let ungrouped = 0;
  let spansPending = 0;
  for (const r of records) {
    if (!r.spansRead) spansPending++;
    const member = memberships(r);
    if (member.length === 0) ungrouped++;
    for (const { key, version } of member) {
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { traces: new Set(), versions: new Map() }));
      group.traces.add(r.traceId);
      let figures = group.versions.get(version);
      if (!figures) group.versions.set(version, (figures = new VersionFigures()));
      figures.add(r);
    }
  }
  const prompts: PromptGroup[] = [...groups].map(([key, group]) => {
    const kind = KINDS[key.slice(0, 1) as keyof typeof KINDS];
    const name = key.slice(2);
    const template = kind === 'template' ? (context.templates.get(name) ?? null) : null;
    const text = kind === 'system' ? (context.systems.get(name) ?? null) : (template?.text ?? null);
    const versions = [...group.versions]
      .map(([version, figures]) => figures.stats(version, kind === 'registered' ? (templates.get(`${name}\n${version}`)?.template ?? null) : text, prices))
      .sort((a, b) => compareVersions(a.version, b.version));
    return {
      key,
      kind,
      name: kind === 'registered' ? name : (text ?? name).slice(0, SYSTEM_NAME),
      variables: template?.variables ?? [],
      traces: group.traces.size,
      versions,
      sharedInputs: sharedInputs(group.versions),
    };
  });
  prompts.sort((a, b) => b.traces - a.traces || compareNames(a.key, b.key));
  return { prompts: prompts.slice(0, MAX_PROMPTS), omitted: Math.max(0, prompts.length - MAX_PROMPTS), traces: records.length, ungrouped, spansPending };
}

export interface PromptTracesQuery {
  key: string;
  version?: string;
  inputKey?: string;
  pageSize?: number;
  pageToken?: string;
}

/** A prompt's traces, newest first: of one version, or of one input; paged by offset. */
export function promptTraces(records: readonly PromptRecord[], query: PromptTracesQuery): PromptTracesResult {
  const rows: PromptTraceRow[] = [];
  for (const r of records) {
    if (query.inputKey !== undefined && (r.input === null || inputKey(r.input) !== query.inputKey)) continue;
    const member = memberships(r).find((m) => m.key === query.key && (query.version === undefined || m.version === query.version));
    if (!member) continue;
    const top = r.byModel[0];
    rows.push({
      traceId: r.traceId,
      experimentId: r.experimentId,
      version: member.version,
      timestampMs: r.timestampMs,
      durationMs: r.durationMs,
      state: r.state,
      model: top?.model ?? null,
      totalTokens: r.byModel.length === 0 ? null : r.byModel.reduce((sum, m) => sum + m.total, 0),
      input: r.input,
      output: r.output,
    });
  }
  rows.sort((a, b) => b.timestampMs - a.timestampMs || compareNames(a.traceId, b.traceId));
  const size = query.pageSize ?? 50;
  const start = query.pageToken === undefined ? 0 : Number(query.pageToken);
  const end = start + size;
  return { traces: rows.slice(start, end), nextPageToken: end < rows.length ? String(end) : null, total: rows.length };
}
