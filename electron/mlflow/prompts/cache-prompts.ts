import type Database from 'better-sqlite3';
import type { TraceUsageRecord } from '../tokens/aggregate.js';
import { parseLinkedPrompts } from './prompt-facts.js';
import type { PromptRecord, PromptRecords, TemplateText } from './prompt-record.js';
import { templateOfRow } from './template-facts.js';

// Prompt records from a tracking server's trace cache (../trace-cache/): each cached trace's usage
// records (as the token summary reads them) joined with the prompt columns of migrations 2 and 8.

type PromptColumns = [traceId: string, linked: string | null, systemHash: string | null, input: string | null, output: string | null, spans: number, templateHash: string | null];

export function cachedPromptRecords(
  db: Database.Database,
  experimentIds: readonly string[],
  usage: readonly TraceUsageRecord[],
): PromptRecords {
  const systems = new Map<string, string>();
  const templates = new Map<string, TemplateText>();
  if (experimentIds.length === 0) return { records: [], systems, templates };
  const marks = experimentIds.map(() => '?').join(',');
  const columns = new Map<string, PromptColumns>();
  const rows = db
    .prepare(`SELECT trace_id, linked_prompts, system_hash, prompt_input, prompt_output, spans, template_hash FROM traces WHERE experiment_id IN (${marks})`)
    .raw()
    .iterate(...experimentIds) as Iterable<PromptColumns>;
  for (const row of rows) columns.set(row[0], row);
  const texts = db
    .prepare(`SELECT s.hash, s.text FROM system_prompts s WHERE s.hash IN (SELECT system_hash FROM traces WHERE experiment_id IN (${marks}))`)
    .raw()
    .iterate(...experimentIds) as Iterable<[string, string]>;
  for (const [hash, text] of texts) systems.set(hash, text);
  const used = db
    .prepare(`SELECT hash, text, variables FROM prompt_templates WHERE hash IN (SELECT template_hash FROM traces WHERE experiment_id IN (${marks}))`)
    .raw()
    .iterate(...experimentIds) as Iterable<[string, string, string]>;
  for (const [hash, text, variables] of used) templates.set(hash, templateOfRow(text, variables));
  const records = usage.map((u): PromptRecord => {
    const [, linked, systemHash, input, output, spans, templateHash] = columns.get(u.traceId) ?? [u.traceId, null, null, null, null, 0, null];
    return {
      traceId: u.traceId,
      experimentId: u.experimentId,
      timestampMs: u.timestamp,
      durationMs: u.durationMs,
      state: u.status,
      linked: parseLinkedPrompts(linked),
      templateHash,
      systemHash,
      input,
      output,
      byModel: u.byModel,
      spansRead: spans !== 0,
    };
  });
  return { records, systems, templates };
}
