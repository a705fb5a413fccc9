import Database from 'better-sqlite3';
import { SourceError } from '../tokens/usage-sync.js';
import { spanUsageFromJson, traceUsage, type SpanUsage } from '../tokens/trace-usage.js';
import { LINKED_PROMPTS_TAG, parseLinkedPrompts, spanPromptFacts, systemFingerprint } from './prompt-facts.js';
import type { PromptContext, PromptRecord, PromptRecords, RegistryVersion, TemplateText } from './prompt-record.js';

// Prompt records and the prompt registry straight from an MLflow sqlite store, opened read-only in
// the trace cache worker: trace_info and its linked-prompts tag, and per trace the content of the
// spans that matter (the root, LLM and chat-model spans, spans with usage) — the other spans only
// by id, for MLflow's usage rule. Read in short statements so MLflow can write between them.

const IS_PROMPT = 'mlflow.prompt.is_prompt';
const PROMPT_TEXT = 'mlflow.prompt.text';
/** Traces per statement of the span read. */
const CHUNK = 500;

type TraceRow = [traceId: string, experimentId: string | number, timestampMs: number, durationMs: number | null, status: string];
type SpanRow = [traceId: string, spanId: string, parentId: string | null, content: string | null];

export function openReadOnly(file: string): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new SourceError(`Cannot open the MLflow database ${file}: ${(err as Error).message}`, 'NOT_FOUND');
  }
  if (!tables(db).has('trace_info')) {
    db.close();
    throw new SourceError(`${file} is not an MLflow tracking database with traces (no trace_info table).`, 'CORRUPT_DATA');
  }
  return db;
}

function tables(db: Database.Database): Set<string> {
  return new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
}

/** Registered prompt versions (registered models tagged mlflow.prompt.is_prompt) with their templates. */
export function sqliteRegistry(db: Database.Database): RegistryVersion[] {
  const have = tables(db);
  if (!['registered_model_tags', 'model_versions', 'model_version_tags'].every((t) => have.has(t))) return [];
  const rows = db
    .prepare(
      `SELECT v.name, v.version, v.creation_time, (SELECT value FROM model_version_tags t WHERE t.name = v.name AND t.version = v.version AND t.key = ?)
       FROM model_versions v WHERE v.name IN (SELECT name FROM registered_model_tags WHERE key = ? AND value = 'true')`,
    )
    .raw()
    .all(PROMPT_TEXT, IS_PROMPT) as [string, number, number | null, string | null][];
  return rows.map(([name, version, createdMs, template]) => ({ name, version: String(version), template, createdMs }));
}

export function sqlitePromptRecords(db: Database.Database, experimentIds: readonly string[]): PromptRecords {
  const systems = new Map<string, string>();
  const templates = new Map<string, TemplateText>();
  if (experimentIds.length === 0) return { records: [], systems, templates };
  const have = tables(db);
  const marks = experimentIds.map(() => '?').join(',');
  const traces = db
    .prepare(`SELECT request_id, experiment_id, timestamp_ms, execution_time_ms, status FROM trace_info WHERE experiment_id IN (${marks})`)
    .raw()
    .all(...experimentIds) as TraceRow[];
  const linked = new Map<string, string>();
  for (const [id, value] of db.prepare('SELECT request_id, value FROM trace_tags WHERE key = ?').raw().iterate(LINKED_PROMPTS_TAG) as Iterable<[string, string]>) {
    linked.set(id, value);
  }
  const spanQuery = (n: number) =>
    db
      .prepare(
        `SELECT trace_id, span_id, parent_span_id,
           CASE WHEN parent_span_id IS NULL OR type IN ('LLM', 'CHAT_MODEL') OR instr(content, '"mlflow.chat.tokenUsage"') > 0
             OR (type = 'CHAIN' AND instr(content, 'PromptValue') > 0) THEN content END
         FROM spans WHERE trace_id IN (${Array(n).fill('?').join(',')})`,
      )
      .raw();
  const records: PromptRecord[] = [];
  for (let i = 0; i < traces.length; i += CHUNK) {
    const chunk = traces.slice(i, i + CHUNK);
    const spans = new Map<string, SpanRow[]>();
    if (have.has('spans')) {
      for (const row of spanQuery(chunk.length).all(...chunk.map((t) => t[0])) as SpanRow[]) {
        const list = spans.get(row[0]);
        if (list) list.push(row);
        else spans.set(row[0], [row]);
      }
    }
    for (const [traceId, experimentId, timestampMs, durationMs, status] of chunk) {
      const rows = spans.get(traceId) ?? [];
      const parsed: unknown[] = [];
      const usage: SpanUsage[] = [];
      for (const [, spanId, parentId, content] of rows) {
        let json: unknown = null;
        try {
          json = content === null ? null : JSON.parse(content);
        } catch {
          // A corrupt span row: counted as a span without usage.
        }
        if (json !== null && typeof json === 'object') {
          parsed.push(json);
          usage.push({ ...spanUsageFromJson(json), spanId, parentId });
        } else {
          usage.push({ spanId, parentId, usage: null, model: null, cache: null });
        }
      }
      const facts = spanPromptFacts(parsed);
      let systemHash: string | null = null;
      if (facts.system !== null && facts.system !== '') {
        systemHash = systemFingerprint(facts.system);
        systems.set(systemHash, facts.system);
      }
      if (facts.template) templates.set(facts.template.hash, { text: facts.template.text, variables: facts.template.variables });
      records.push({
        traceId,
        experimentId: String(experimentId),
        timestampMs,
        durationMs,
        state: status,
        linked: parseLinkedPrompts(linked.get(traceId)),
        templateHash: facts.template?.hash ?? null,
        systemHash,
        input: facts.input,
        output: facts.output,
        byModel: traceUsage(usage).byModel,
        spansRead: true,
      });
    }
  }
  return { records, systems, templates };
}

export function sqlitePromptContext(db: Database.Database, { systems, templates }: PromptRecords): PromptContext {
  return { registry: sqliteRegistry(db), systems, templates };
}
