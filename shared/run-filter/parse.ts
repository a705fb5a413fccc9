// MLflow's run search grammar (mlflow/utils/search_utils.py, SearchUtils.parse_search_filter),
// hand-written because MLflow's own parser is Python over sqlparse: clauses joined by AND (MLflow has
// no OR), each `<entity>.<key> <comparator> <value>`. Metrics and numeric attributes take numbers and
// = != < <= > >=; params, tags and string attributes take quoted strings and = != LIKE ILIKE; only
// attributes.run_id takes IN / NOT IN with a parenthesised list. A key may be backticked or
// double-quoted (metrics.`a b`). Errors name the 1-based column where the text went wrong.

export const NUMERIC_OPS = ['=', '!=', '<', '<=', '>', '>='] as const;
export const STRING_OPS = ['=', '!=', 'LIKE', 'ILIKE'] as const;
export type NumericOp = (typeof NUMERIC_OPS)[number];
export type StringOp = (typeof STRING_OPS)[number];

export const STRING_ATTRIBUTES = ['run_id', 'run_name', 'status', 'user_id', 'artifact_uri'] as const;
export const NUMERIC_ATTRIBUTES = ['start_time', 'end_time'] as const;
export type StringAttribute = (typeof STRING_ATTRIBUTES)[number];
export type NumericAttribute = (typeof NUMERIC_ATTRIBUTES)[number];

export type RunClause =
  | { entity: 'metric'; key: string; op: NumericOp; value: number }
  | { entity: 'param' | 'tag'; key: string; op: StringOp; value: string }
  | { entity: 'attribute'; key: StringAttribute; op: StringOp; value: string }
  | { entity: 'attribute'; key: NumericAttribute; op: NumericOp; value: number }
  | { entity: 'attribute'; key: 'run_id'; op: 'IN' | 'NOT IN'; values: string[] };

/** Longest filter accepted (the IPC contract bounds it the same). */
export const MAX_RUN_FILTER_LENGTH = 4000;

export class RunFilterError extends Error {
  constructor(
    readonly detail: string,
    /** 1-based column in the filter text. */
    readonly column: number,
  ) {
    super(`Search: ${detail} (at column ${column}).`);
    this.name = 'RunFilterError';
  }
}

const ENTITY_PREFIXES: Record<string, 'metric' | 'param' | 'tag' | 'attribute'> = {
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
};

// MLflow's aliases for attribute names.
const ATTRIBUTE_ALIASES: Record<string, StringAttribute | NumericAttribute> = { created: 'start_time', Created: 'start_time', 'run name': 'run_name', 'Run name': 'run_name' };

const WORD = /[A-Za-z0-9_\-/:]/;

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  fail(detail: string, at = this.pos): never {
    throw new RunFilterError(detail, at + 1);
  }
  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }
  done(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }
  /** A bare word (letters, digits, _ - / : and dots between them). */
  word(allowDots: boolean): string {
    const start = this.pos;
    while (this.pos < this.text.length && (WORD.test(this.text[this.pos]) || (allowDots && this.text[this.pos] === '.'))) this.pos++;
    return this.text.slice(start, this.pos);
  }
  quoted(): string {
    const quote = this.text[this.pos];
    const start = this.pos;
    const end = this.text.indexOf(quote, this.pos + 1);
    if (end < 0) this.fail(`the ${quote === '`' ? 'backtick' : 'quote'} opened here is never closed`, start);
    this.pos = end + 1;
    return this.text.slice(start + 1, end);
  }
  keyword(): string {
    this.skipSpace();
    const start = this.pos;
    const w = this.word(false);
    this.pos = start;
    return w.toUpperCase();
  }
}

function identifier(c: Cursor): { entity: RunClause['entity']; key: string; at: number } {
  c.skipSpace();
  const at = c.pos;
  const first = c.text[c.pos];
  if (first === '`' || first === '"') return { entity: 'attribute', key: c.quoted(), at };
  const prefix = c.word(false);
  if (prefix === '') c.fail(c.pos >= c.text.length ? 'expected a name such as metrics.acc, params.model, tags.team or attributes.status, but the search ends' : `expected a name such as metrics.acc, but found “${c.text[c.pos]}”`);
  if (c.text[c.pos] !== '.') return { entity: 'attribute', key: prefix, at };
  const entity = ENTITY_PREFIXES[prefix.toLowerCase()];
  if (!entity) c.fail(`“${prefix}” is not one of metrics, params, tags or attributes`, at);
  c.pos++;
  const next = c.text[c.pos];
  const key = next === '`' || next === '"' ? c.quoted() : c.word(true);
  if (key === '') c.fail(`expected a ${entity} name after “${prefix}.”`);
  return { entity, key, at };
}

function comparator(c: Cursor): { op: string; at: number } {
  c.skipSpace();
  const at = c.pos;
  const two = c.text.slice(c.pos, c.pos + 2);
  if (['!=', '<=', '>=', '<>', '=='].includes(two)) {
    c.pos += 2;
    if (two === '<>' || two === '==') c.fail(`MLflow does not know “${two}”: use ${two === '<>' ? '!=' : '='}`, at);
    return { op: two, at };
  }
  if (['=', '<', '>'].includes(c.text[c.pos])) return { op: c.text[c.pos++], at };
  const word = c.keyword();
  if (word === 'LIKE' || word === 'ILIKE' || word === 'IN') {
    c.pos += word.length;
    return { op: word, at };
  }
  if (word === 'NOT') {
    c.pos += 3;
    const after = c.keyword();
    if (after === 'IN') {
      c.pos += 2;
      return { op: 'NOT IN', at };
    }
    c.fail(`MLflow has NOT only in NOT IN${after === 'LIKE' ? ' (there is no NOT LIKE)' : ''}`, at);
  }
  if (word === 'IS') c.fail('MLflow run search has no IS NULL here: compare with a value', at);
  c.fail(c.pos >= c.text.length ? 'expected a comparison (=, !=, <, <=, >, >=, LIKE, ILIKE, IN), but the search ends' : `expected a comparison (=, !=, <, <=, >, >=, LIKE, ILIKE, IN), but found “${c.word(true) || c.text[c.pos]}”`, at);
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/;

function numberValue(c: Cursor, what: string): number {
  c.skipSpace();
  const at = c.pos;
  const m = NUMBER.exec(c.text.slice(c.pos));
  if (!m) {
    const quoted = c.text[c.pos] === "'" || c.text[c.pos] === '"';
    c.fail(`${what} takes a number${quoted ? ', not a quoted string' : ''}`, at);
  }
  c.pos += m[0].length;
  return Number(m[0]);
}

function stringValue(c: Cursor, what: string): string {
  c.skipSpace();
  const q = c.text[c.pos];
  if (q !== "'" && q !== '"') c.fail(`${what} takes a quoted string, e.g. 'value'`);
  return c.quoted();
}

function listValue(c: Cursor): string[] {
  c.skipSpace();
  if (c.text[c.pos] !== '(') c.fail("IN takes a list in parentheses, e.g. ('a', 'b')");
  c.pos++;
  const values: string[] = [];
  for (;;) {
    values.push(stringValue(c, 'each item of the list'));
    c.skipSpace();
    if (c.text[c.pos] === ',') {
      c.pos++;
      continue;
    }
    if (c.text[c.pos] === ')') {
      c.pos++;
      return values;
    }
    c.fail('expected “,” or “)” in the list');
  }
}

function clause(c: Cursor): RunClause {
  const { entity, key: rawKey, at } = identifier(c);
  const { op, at: opAt } = comparator(c);
  const isList = op === 'IN' || op === 'NOT IN';
  if (entity === 'attribute') {
    const key = ATTRIBUTE_ALIASES[rawKey] ?? rawKey;
    if ((NUMERIC_ATTRIBUTES as readonly string[]).includes(key)) {
      if (!(NUMERIC_OPS as readonly string[]).includes(op)) c.fail(`attributes.${key} is a time: compare it with ${NUMERIC_OPS.join(' ')}`, opAt);
      return { entity, key: key as NumericAttribute, op: op as NumericOp, value: numberValue(c, `attributes.${key}`) };
    }
    if (!(STRING_ATTRIBUTES as readonly string[]).includes(key)) {
      c.fail(`“${rawKey}” is not a run attribute (${[...STRING_ATTRIBUTES, ...NUMERIC_ATTRIBUTES].join(', ')}); use metrics., params. or tags. for the others`, at);
    }
    if (isList) {
      if (key !== 'run_id') c.fail('MLflow takes IN and NOT IN only for attributes.run_id', opAt);
      return { entity, key: 'run_id', op: op as 'IN' | 'NOT IN', values: listValue(c) };
    }
    if (!(STRING_OPS as readonly string[]).includes(op)) c.fail(`attributes.${key} is text: compare it with ${STRING_OPS.join(', ')}`, opAt);
    return { entity, key: key as StringAttribute, op: op as StringOp, value: stringValue(c, `attributes.${key}`) };
  }
  if (entity === 'metric') {
    if (!(NUMERIC_OPS as readonly string[]).includes(op)) c.fail(`metrics compare with ${NUMERIC_OPS.join(' ')}, not ${op}`, opAt);
    return { entity, key: rawKey, op: op as NumericOp, value: numberValue(c, `metrics.${rawKey}`) };
  }
  const plural = entity === 'param' ? 'params' : 'tags';
  if (isList) c.fail(`MLflow takes IN and NOT IN only for attributes.run_id, not ${plural}`, opAt);
  if (!(STRING_OPS as readonly string[]).includes(op)) c.fail(`${plural} are text: compare them with ${STRING_OPS.join(', ')}`, opAt);
  return { entity, key: rawKey, op: op as StringOp, value: stringValue(c, `${plural}.${rawKey}`) };
}

/** The clauses of a filter, all of which a run must match; none for blank text. Throws RunFilterError. */
export function parseRunFilter(text: string): RunClause[] {
  const c = new Cursor(text);
  if (text.length > MAX_RUN_FILTER_LENGTH) c.fail(`the search is longer than ${MAX_RUN_FILTER_LENGTH} characters`, MAX_RUN_FILTER_LENGTH);
  const out: RunClause[] = [];
  if (c.done()) return out;
  for (;;) {
    out.push(clause(c));
    if (c.done()) return out;
    const at = c.pos;
    const word = c.keyword();
    if (word === 'AND') {
      c.pos += 3;
      if (c.done()) c.fail('the search ends after AND: add a condition or remove AND', at);
      continue;
    }
    if (word === 'OR') c.fail('MLflow search has no OR: every condition must hold (join them with AND); for several run ids use attributes.run_id IN (…)', at);
    c.fail(`expected AND between conditions, but found “${c.word(true) || c.text[c.pos]}”`, at);
  }
}

const GRAMMAR_START = new RegExp(
  `^\\s*(\`|"|(${Object.keys(ENTITY_PREFIXES).join('|')})\\.|(${[...STRING_ATTRIBUTES, ...NUMERIC_ATTRIBUTES, 'created'].join('|')})\\s*(=|!=|<|>|\\s(i?like|in|not)\\b))`,
  'i',
);

/** True when the text is meant as the grammar (it starts with metrics., params., tags., attributes. or an attribute compared) rather than words to look for such as `lr=0.1`. */
export function looksLikeRunFilter(text: string): boolean {
  return GRAMMAR_START.test(text);
}
