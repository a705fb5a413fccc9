import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createServices } from '../../electron/services.js';
import type { Channel } from '../../shared/contract.js';
import type { StratusErrorShape } from '../../shared/errors.js';
import { AZURITE_ACCOUNT_KEY, AZURITE_ACCOUNT_NAME, azuriteContainerSas } from '../harness/azurite.js';

// Credentials taken from the environment go only to the endpoint they were configured with. A
// recording server on another loopback port stands in for a host the renderer names (a workspace's
// endpoint or tracking URI); it must receive none of them, and what the renderer gets back must quote
// none, even where the configured server itself echoes the request it received.

const endpoint = inject('endpoint');
const sysroot = inject('sysroot');
const container = inject('container');

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** Answers every request with `answer` and keeps what it received. */
class RecordingServer {
  readonly seen: Seen[] = [];
  answer: (res: ServerResponse, request: Seen) => void = (res, request) => refuseEchoing(res, request);
  private server?: Server;
  base = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
      this.seen.push(request);
      req.resume();
      req.on('end', () => this.answer(res, request));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Everything the server received, as one text to search for secrets. */
  received(): string {
    return JSON.stringify(this.seen);
  }
}

/** What a hostile or careless server does: refuse, quoting the request line and headers it got. */
function refuseEchoing(res: ServerResponse, request: Seen, extra = ''): void {
  const echo = `${request.method} ${decodeURIComponent(request.url)} ${JSON.stringify(request.headers)} ${extra}`;
  if (request.url.startsWith('/api/')) {
    res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error_code: 'UNAUTHENTICATED', message: echo }));
    return;
  }
  const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  res
    .writeHead(403, { 'content-type': 'application/xml', 'x-ms-error-code': 'AuthenticationFailed' })
    .end(
      `<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code><Message>Refused ${xml(echo)}</Message>` +
        `<AuthenticationErrorDetail>${xml(echo)}</AuthenticationErrorDetail></Error>`,
    );
}

const EXPERIMENTS = JSON.stringify({ experiments: [{ experiment_id: '0', name: 'Default', lifecycle_stage: 'active' }] });


type Reply = { ok: true; value: unknown } | { ok: false; error: StratusErrorShape };

let scratch: string;
let configured: RecordingServer;
let other: RecordingServer;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'stratus-env-credentials-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

beforeEach(async () => {
  configured = new RecordingServer();
  other = new RecordingServer();
  await Promise.all([configured.start(), other.start()]);
});

afterEach(async () => {
  await Promise.all([configured.stop(), other.stop()]);
});

function session(env: Record<string, string>) {
  const services = createServices({ env, userDataDir: path.join(scratch, 'user-data') });
  // The local workspace these tests open is a folder the user chose, as in the app's dialog.
  const granted = services.localAccess.grant(scratch);
  const replies: Reply[] = [];
  const call = async (channel: Channel, args: unknown): Promise<Reply> => {
    await granted;
    const reply = await services.router.dispatch(channel, args);
    replies.push(reply);
    return reply;
  };
  return { call, replies: () => JSON.stringify(replies) };
}

function failure(reply: Reply): StratusErrorShape {
  if (reply.ok) throw new Error(`expected a failure, got ${JSON.stringify(reply.value).slice(0, 300)}`);
  return reply.error;
}

async function workspaceWithTracking(call: ReturnType<typeof session>['call'], uri: string): Promise<string> {
  const reply = await call('workspace.open', { kind: 'local', path: scratch, mlflowTrackingUri: uri });
  if (!reply.ok) throw new Error(`workspace.open failed: ${reply.error.message}`);
  return (reply.value as { id: string }).id;
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('MLflow credentials from the environment', () => {
  const cases: [string, (uri: string) => Record<string, string>, string, string[]][] = [
    ['MLFLOW_TRACKING_TOKEN', (uri) => ({ MLFLOW_TRACKING_URI: uri, MLFLOW_TRACKING_TOKEN: 'env-token-4f9a2c' }), 'Bearer env-token-4f9a2c', ['env-token-4f9a2c']],
    [
      'MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD',
      (uri) => ({ MLFLOW_TRACKING_URI: uri, MLFLOW_TRACKING_USERNAME: 'ds', MLFLOW_TRACKING_PASSWORD: 'env-pass-7d1e' }),
      basic('ds', 'env-pass-7d1e'),
      ['env-pass-7d1e', Buffer.from('ds:env-pass-7d1e').toString('base64')],
    ],
    [
      'the user info of MLFLOW_TRACKING_URI',
      (uri) => ({ MLFLOW_TRACKING_URI: uri.replace('http://', 'http://ds:uri-pass-93b0@') }),
      basic('ds', 'uri-pass-93b0'),
      ['uri-pass-93b0', Buffer.from('ds:uri-pass-93b0').toString('base64')],
    ],
  ];

  it.each(cases)('%s goes to MLFLOW_TRACKING_URI\'s server only: another port receives none and the reply quotes none', async (_label, envFor, header, secrets) => {
    const { call, replies } = session(envFor(configured.base));
    configured.answer = (res, request) => {
      if (request.headers.authorization === header) res.writeHead(200, { 'content-type': 'application/json' }).end(EXPERIMENTS);
      else refuseEchoing(res, request);
    };

    const elsewhere = await workspaceWithTracking(call, other.base);
    const refused = failure(await call('mlflow.experiments', { workspaceId: elsewhere, view: 'all' }));
    expect(refused.code).toBe('AUTH_FAILED');
    expect(refused.hint).toContain(`MLFLOW_TRACKING_URI's server, ${configured.base}`);
    expect(other.seen.length).toBeGreaterThan(0);
    expect(other.seen.every((r) => r.headers.authorization === undefined)).toBe(true);

    // The configured server still gets them, so the workspace pointed at it works.
    const home = await workspaceWithTracking(call, configured.base);
    const listed = await call('mlflow.experiments', { workspaceId: home, view: 'all' });
    expect(listed.ok).toBe(true);
    expect(configured.seen.map((r) => r.headers.authorization)).toContain(header);

    for (const secret of secrets) {
      expect(other.received()).not.toContain(secret);
      expect(replies()).not.toContain(secret);
    }
  });

  it('cuts what the configured server echoes of its credentials out of the error the renderer gets', async () => {
    const token = 'env-token-echoed-61c7';
    const { call, replies } = session({ MLFLOW_TRACKING_URI: configured.base, MLFLOW_TRACKING_TOKEN: token });
    configured.answer = (res, request) => refuseEchoing(res, request, `token=${token} ${encodeURIComponent(token)}`);
    const workspaceId = await workspaceWithTracking(call, configured.base);
    const refused = failure(await call('mlflow.experiments', { workspaceId, view: 'all' }));
    expect(configured.received()).toContain(token);
    expect(refused.message).toMatch(/rejected the credentials for POST \/api\/2\.0\/mlflow\/experiments\/search: POST/);
    expect(replies()).not.toContain(token);
  });
});

describe('Azure storage credentials from the environment', () => {
  const cases: [string, () => Record<string, string>, string, () => string[]][] = [
    ['a SAS connection string', () => ({ AZURE_STORAGE_CONNECTION_STRING: `BlobEndpoint=${endpoint};SharedAccessSignature=${azuriteContainerSas(container)}` }), 'AZURE_STORAGE_CONNECTION_STRING', () => ['sig=', 'sig%3D']],
    ['an account key connection string', () => ({ AZURE_STORAGE_CONNECTION_STRING: inject('connectionString') }), 'AZURE_STORAGE_CONNECTION_STRING', () => [AZURITE_ACCOUNT_KEY, 'SharedKey']],
    [
      'AZURE_STORAGE_ACCESS_KEY',
      () => ({ AZURE_STORAGE_ACCESS_KEY: AZURITE_ACCOUNT_KEY, METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT: endpoint }),
      'AZURE_STORAGE_ACCESS_KEY',
      () => [AZURITE_ACCOUNT_KEY, 'SharedKey'],
    ],
  ];

  it.each(cases)('%s goes to its own endpoint only: another port receives no request and the reply holds no secret', async (_label, envFor, variable, secretsOf) => {
    const { call, replies } = session(envFor());
    const hostile = `${other.base}/${AZURITE_ACCOUNT_NAME}`;
    const refused = failure(await call('workspace.open', { sysroot, endpoint: hostile, credential: { kind: 'environment' } }));
    expect(refused.code).toBe('AUTH_FAILED');
    expect(refused.message).toContain(variable);
    expect(refused.message).toContain(hostile);
    expect(other.seen.map((r) => `${r.method} ${r.url} ${r.headers.authorization ?? ''}`)).toEqual([]);

    // The endpoint it was configured with still opens.
    const opened = await call('workspace.open', { sysroot, endpoint, credential: { kind: 'environment' } });
    expect(opened.ok).toBe(true);
    for (const secret of secretsOf()) expect(replies()).not.toContain(secret);
  });

  it('cuts a SAS its own endpoint echoes out of the error the renderer gets', async () => {
    const sas = azuriteContainerSas(container);
    const signature = new URLSearchParams(sas).get('sig') ?? '';
    expect(signature.length).toBeGreaterThan(10);
    const { call, replies } = session({ AZURE_STORAGE_CONNECTION_STRING: `BlobEndpoint=${configured.base}/${AZURITE_ACCOUNT_NAME};SharedAccessSignature=${sas}` });
    configured.answer = (res, request) => refuseEchoing(res, request, `signature ${signature}`);
    const refused = failure(await call('workspace.open', { sysroot, endpoint: `${configured.base}/${AZURITE_ACCOUNT_NAME}`, credential: { kind: 'environment' } }));
    expect(refused.code).toBe('AUTH_FAILED');
    expect(configured.received()).toContain(encodeURIComponent(signature));
    expect(replies()).not.toContain(signature);
    expect(replies()).not.toContain(encodeURIComponent(signature));
  });
});
