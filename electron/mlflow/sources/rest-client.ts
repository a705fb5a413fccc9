import { StratusError } from '../../../shared/errors.js';
import type { Env } from '../../azure/blob-client.js';
import { redactSecrets } from '../../security/redact.js';
import { trackingAuth, type TrackingAuth } from './tracking-auth.js';

// HTTP to an MLflow tracking server, authenticated as tracking-auth.ts decides. What the server
// answers on an error is quoted to the user, scrubbed of any credential it might echo.

const TIMEOUT_MS = 30_000;
/** A 429 or 503 is tried again this many times, after the wait the server asks for (Retry-After). */
const THROTTLE_RETRIES = 4;
const MAX_RETRY_WAIT_MS = 60_000;
const DEFAULT_RETRY_WAIT_MS = 1_000;

/** Retry-After as seconds or an HTTP date, in ms from now, bounded; the default when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  if (header === null || header.trim() === '') return DEFAULT_RETRY_WAIT_MS;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) ? Math.min(MAX_RETRY_WAIT_MS, Math.max(0, ms)) : DEFAULT_RETRY_WAIT_MS;
}

export class RestError extends StratusError {
  constructor(
    readonly status: number,
    message: string,
    hint?: string,
  ) {
    super({ code: status === 401 ? 'AUTH_FAILED' : status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : status === 429 ? 'THROTTLED' : 'INTERNAL', message, hint });
  }
}

/** The server URI without credentials (shown to the user) — user info in the URI is used, never shown. */
export function redactUri(uri: string): string {
  try {
    const url = new URL(uri);
    url.username = '';
    url.password = '';
    return url.href.replace(/\/$/, '');
  } catch {
    return uri;
  }
}

export type Query = Record<string, string | number | readonly string[] | undefined>;

export class RestClient {
  private readonly base: string;
  private readonly auth: TrackingAuth;

  constructor(uri: string, env: Env) {
    const url = new URL(uri);
    this.auth = trackingAuth(uri, env);
    url.username = '';
    url.password = '';
    this.base = url.href.replace(/\/+$/, '');
  }

  get display(): string {
    return this.base;
  }

  async json<T>(method: 'GET' | 'POST', path: string, options: { query?: Query; body?: unknown } = {}): Promise<T> {
    const response = await this.request(method, path, options);
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new StratusError({ code: 'CORRUPT_DATA', message: `The MLflow server answered ${method} ${path} with something that is not JSON.` });
    }
  }

  async bytes(path: string, query: Query, maxBytes: number): Promise<{ size: number; read: () => Promise<Buffer> }> {
    const response = await this.request('GET', path, { query });
    const length = Number(response.headers.get('content-length'));
    if (Number.isFinite(length) && length > maxBytes) {
      await response.body?.cancel();
      return { size: length, read: () => Promise.reject(new Error('too large')) };
    }
    const buffer = Buffer.from(await response.arrayBuffer());
    return { size: buffer.length, read: () => Promise.resolve(buffer) };
  }

  private async request(method: string, path: string, options: { query?: Query; body?: unknown }): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const response = await this.send(method, path, options);
      if ((response.status !== 429 && response.status !== 503) || attempt >= THROTTLE_RETRIES) return this.checked(method, path, response);
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, retryAfterMs(response.headers.get('retry-after'))));
    }
  }

  private async send(method: string, path: string, { query, body }: { query?: Query; body?: unknown }): Promise<Response> {
    const url = new URL(`${this.base}${path}`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) url.searchParams.append(key, v);
      else url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.auth.header) headers.authorization = this.auth.header;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
      throw new StratusError({ code: 'UNREACHABLE', message: `The MLflow server at ${this.base} did not answer (${cause}).`, hint: 'Check the tracking URI and that the server is running.' });
    }
    return response;
  }

  private async checked(method: string, path: string, response: Response): Promise<Response> {
    if (!response.ok) {
      const detail = await response.text().catch(() => '');
      let message = detail.slice(0, 300);
      try {
        message = (JSON.parse(detail) as { message?: string }).message ?? message;
      } catch {
        // Not JSON (an HTML 404 page): the status says enough.
      }
      const what = response.status === 401 ? 'rejected the credentials' : response.status === 403 ? 'refused access' : `answered ${response.status}`;
      const quoted = message ? `: ${redactSecrets(message, this.auth.secrets)}` : '';
      const hint = response.status === 401 || response.status === 403 ? this.auth.withheld : undefined;
      throw new RestError(response.status, `The MLflow server ${what} for ${method} ${path}${quoted}.`, hint);
    }
    return response;
  }
}
