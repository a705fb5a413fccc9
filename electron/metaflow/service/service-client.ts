import type { z } from 'zod';
import { StratusError, type ErrorCode } from '../../../shared/errors.js';
import { redactSecrets } from '../../security/redact.js';
import { checkServiceUrl, serviceHeaders, type ServiceSecrets } from './service-auth.js';
import { WireArtifact, WireFlow, WireMetadata, WireRun, WireStep, WireTagMutation, WireTask } from './service-wire.js';

// HTTP to one Metaflow metadata service (plain Node fetch). Every request goes to the configured URL: paths are
// built from encoded segments and redirects are refused, so the auth headers never reach another host. The
// service answers JSON as text/plain, 404 `{}` for an unknown object and a JSON string for a refusal; each
// becomes a StratusError that quotes the service's reason, scrubbed of the secrets.

const TIMEOUT_MS = 30_000;
/** Page size for cursor-paged lists (the service's own default is 50). */
export const PAGE_SIZE = 200;
/** Pages followed for one whole list before giving up: a cursor that never ends is a broken service. */
const MAX_PAGES = 10_000;

/** Tag mutation arrived in metaflow-service 2.3.0 (`PATCH …/tag/mutate`). */
export const TAG_MUTATION_VERSION = [2, 3, 0] as const;

export interface RunFilters {
  /** `status:eq`: the service derives it from `end` attempt outcomes and heartbeats. */
  status?: readonly ('completed' | 'failed' | 'running')[];
  /** `user:eq`. */
  user?: string;
  /** `_tags:any` / `_tags:all` over tags and system tags. */
  tagsAny?: readonly string[];
  tagsAll?: readonly string[];
  /** `ts_epoch:ge` / `ts_epoch:lt`: the start time, epoch ms. */
  startedFrom?: number;
  startedBefore?: number;
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; undefined on the last page. */
  next?: string;
}

export class ServiceRefusal extends StratusError {
  constructor(
    readonly status: number,
    code: ErrorCode,
    message: string,
    readonly reason: string,
  ) {
    super({ code, message });
  }
}

function codeFor(status: number): ErrorCode {
  if (status === 401) return 'AUTH_FAILED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429) return 'THROTTLED';
  if (status === 400 || status === 409 || status === 422) return 'INVALID_ARGUMENT';
  return status >= 500 ? 'UNREACHABLE' : 'INTERNAL';
}

const seg = (s: string) => encodeURIComponent(s);

/** `2.5.1` → [2, 5, 1]; undefined when not a version. */
export function parseVersion(text: string | null | undefined): number[] | undefined {
  const match = /^\s*(\d+)\.(\d+)(?:\.(\d+))?/.exec(text ?? '');
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined;
}

export function versionAtLeast(version: readonly number[], wanted: readonly number[]): boolean {
  for (let i = 0; i < wanted.length; i++) {
    const a = version[i] ?? 0;
    if (a !== wanted[i]) return a > wanted[i];
  }
  return true;
}

export class MetadataServiceClient {
  readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly secrets: string[];
  private version?: Promise<string | null>;

  constructor(url: string, secrets: ServiceSecrets = {}) {
    this.headers = serviceHeaders(secrets);
    this.secrets = Object.values(this.headers).filter((v) => v.length >= 4);
    const checked = checkServiceUrl(url, Object.keys(this.headers).length > 0);
    this.base = checked.href.replace(/\/+$/, '');
  }

  /** The service's version from `/ping`'s METADATA_SERVICE_VERSION header (null if it sends none), fetched once. */
  serviceVersion(): Promise<string | null> {
    this.version ??= this.request('GET', '/ping').then(({ response }) => response.headers.get('METADATA_SERVICE_VERSION'));
    this.version.catch(() => (this.version = undefined));
    return this.version;
  }

  flows(): Promise<WireFlow[]> {
    return this.all('/flows', WireFlow);
  }

  runsPage(flow: string, opts: { limit?: number; cursor?: string; filters?: RunFilters } = {}): Promise<Page<WireRun>> {
    return this.page(`/flows/${seg(flow)}/runs`, WireRun, opts.limit ?? PAGE_SIZE, opts.cursor, filterQuery(opts.filters));
  }

  runs(flow: string, filters?: RunFilters): Promise<WireRun[]> {
    return this.all(`/flows/${seg(flow)}/runs`, WireRun, filterQuery(filters));
  }

  async run(flow: string, run: string): Promise<WireRun> {
    return this.one(`/flows/${seg(flow)}/runs/${seg(run)}`, WireRun, `The run ${flow}/${run}`);
  }

  steps(flow: string, run: string): Promise<WireStep[]> {
    return this.all(`/flows/${seg(flow)}/runs/${seg(run)}/steps`, WireStep);
  }

  tasks(flow: string, run: string, step: string): Promise<WireTask[]> {
    return this.all(`/flows/${seg(flow)}/runs/${seg(run)}/steps/${seg(step)}/tasks`, WireTask);
  }

  task(flow: string, run: string, step: string, task: string): Promise<WireTask> {
    return this.one(`/flows/${seg(flow)}/runs/${seg(run)}/steps/${seg(step)}/tasks/${seg(task)}`, WireTask, `The task ${flow}/${run}/${step}/${task}`);
  }

  runMetadata(flow: string, run: string): Promise<WireMetadata[]> {
    return this.all(`/flows/${seg(flow)}/runs/${seg(run)}/metadata`, WireMetadata);
  }

  taskMetadata(flow: string, run: string, step: string, task: string): Promise<WireMetadata[]> {
    return this.all(`/flows/${seg(flow)}/runs/${seg(run)}/steps/${seg(step)}/tasks/${seg(task)}/metadata`, WireMetadata);
  }

  runArtifacts(flow: string, run: string): Promise<WireArtifact[]> {
    return this.all(`/flows/${seg(flow)}/runs/${seg(run)}/artifacts`, WireArtifact);
  }

  taskArtifacts(flow: string, run: string, step: string, task: string, attempt?: number): Promise<WireArtifact[]> {
    const at = attempt === undefined ? '' : `/attempt/${attempt}`;
    return this.all(`/flows/${seg(flow)}/runs/${seg(run)}/steps/${seg(step)}/tasks/${seg(task)}${at}/artifacts`, WireArtifact);
  }

  /** Adds and removes user tags in one request, as Run.add_tag/remove_tag/replace_tag do; the run's user tags after it. */
  async mutateTags(flow: string, run: string, add: readonly string[], remove: readonly string[]): Promise<string[]> {
    const version = await this.serviceVersion();
    const parsed = parseVersion(version);
    if (parsed === undefined || !versionAtLeast(parsed, TAG_MUTATION_VERSION)) {
      throw new StratusError({
        code: 'INVALID_ARGUMENT',
        message: `This metadata service (version ${version ?? 'unknown'}) cannot edit tags; that needs version ${TAG_MUTATION_VERSION.join('.')} or newer.`,
      });
    }
    const body = { tags_to_add: [...add], tags_to_remove: [...remove] };
    const { text } = await this.request('PATCH', `/flows/${seg(flow)}/runs/${seg(run)}/tag/mutate`, body, `The run ${flow}/${run}`);
    return this.parse(text, WireTagMutation, 'PATCH tag/mutate').tags;
  }

  private async one<T extends z.ZodType>(path: string, schema: T, what: string): Promise<z.output<T>> {
    const { text } = await this.request('GET', path, undefined, what);
    return this.parse(text, schema, path);
  }

  private async page<T extends z.ZodType>(path: string, schema: T, limit: number, cursor: string | undefined, query: [string, string][]): Promise<Page<z.output<T>>> {
    const params = new URLSearchParams([...query, ['_limit', String(limit)], ...(cursor === undefined ? [] : [['_cursor', cursor] as [string, string]])]);
    const { text, response } = await this.request('GET', `${path}?${params.toString().replace(/%3A/g, ':')}`);
    const items = this.parse(text, schema.array(), path);
    const next = response.headers.get('X-Next-Cursor');
    return { items, next: next === null || next === '' || items.length === 0 ? undefined : next };
  }

  /** Every item of a list, following the cursor. */
  private async all<T extends z.ZodType>(path: string, schema: T, query: [string, string][] = []): Promise<z.output<T>[]> {
    const items: z.output<T>[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const page = await this.page(path, schema, PAGE_SIZE, cursor, query);
      items.push(...page.items);
      if (page.next === undefined) return items;
      cursor = page.next;
    }
    throw new StratusError({ code: 'CORRUPT_DATA', message: `The metadata service kept paging ${path} past ${MAX_PAGES} pages.` });
  }

  private parse<T extends z.ZodType>(text: string, schema: T, path: string): z.output<T> {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new StratusError({ code: 'CORRUPT_DATA', message: `The metadata service answered ${path} with something that is not JSON.` });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new StratusError({ code: 'CORRUPT_DATA', message: `The metadata service's answer to ${path} is not what Metaflow writes.`, detail: parsed.error.message.slice(0, 500) });
    }
    return parsed.data;
  }

  private async request(method: string, path: string, body?: unknown, what?: string): Promise<{ response: Response; text: string }> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'error',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      text = await response.text();
    } catch (err) {
      const e = err as Error & { cause?: { message?: string } };
      const cause = e.name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : (e.cause?.message ?? e.message);
      throw new StratusError({
        code: 'UNREACHABLE',
        message: `The Metaflow metadata service at ${this.base} did not answer (${redactSecrets(cause, this.secrets)}).`,
        hint: 'Check the service URL (METAFLOW_SERVICE_URL) and that the service is running.',
      });
    }
    if (response.ok) return { response, text };
    const reason = redactSecrets(refusalReason(text), this.secrets).slice(0, 500);
    const message =
      response.status === 404 && what !== undefined
        ? `${what} is not in the metadata service.`
        : `The metadata service refused ${method} ${path.split('?')[0]} (${response.status})${reason ? `: ${reason}` : '.'}`;
    throw new ServiceRefusal(response.status, codeFor(response.status), message, reason);
  }
}

/** The service's reason: a JSON string, a JSON object's message, or the text itself; '' for `{}`. */
function refusalReason(text: string): string {
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json === 'string') return json;
    if (typeof json === 'object' && json !== null) {
      const record = json as Record<string, unknown>;
      for (const key of ['message', 'detail', 'error']) if (typeof record[key] === 'string') return record[key];
      return '';
    }
  } catch {
    // Plain text, such as aiohttp's "404: Not Found".
  }
  return text.trim();
}

function filterQuery(filters: RunFilters | undefined): [string, string][] {
  const query: [string, string][] = [];
  if (!filters) return query;
  if (filters.status && filters.status.length > 0) query.push(['status:eq', filters.status.join(',')]);
  if (filters.user !== undefined) query.push(['user:eq', filters.user]);
  if (filters.tagsAny && filters.tagsAny.length > 0) query.push(['_tags:any', filters.tagsAny.join(',')]);
  if (filters.tagsAll && filters.tagsAll.length > 0) query.push(['_tags:all', filters.tagsAll.join(',')]);
  if (filters.startedFrom !== undefined) query.push(['ts_epoch:ge', String(filters.startedFrom)]);
  if (filters.startedBefore !== undefined) query.push(['ts_epoch:lt', String(filters.startedBefore)]);
  return query;
}
