import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ContainerSASPermissions, generateBlobSASQueryParameters, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { BlobPipelineOptions } from '../../electron/azure/blob-client.js';
import { repoRoot } from './repo.js';

// Starts the Azurite blob service as one child process (see /work/shared/notes/AZURITE.md):
// its entry is run directly so that there is exactly one pid to stop, on a port nobody else holds.

export const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
/** Azurite's well-known development key: public, documented, and only valid against the emulator. */
export const AZURITE_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** For `gcAfterMs`: longer than any whole test run (CI gives it 90 minutes). */
export const LONGER_THAN_A_RUN_MS = 6 * 60 * 60_000;

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
const START_ATTEMPTS = 3;
const OUTPUT_TAIL = 4_000;

// Preloaded into Azurite: exit when our end of its stdin closes, i.e. when this process dies in a way
// that skips 'exit' handlers (SIGKILL, a runner's timeout), so no orphan keeps holding memory and a port.
const EXIT_WITH_PARENT = `data:text/javascript,${encodeURIComponent("process.stdin.on('end', () => process.exit(0)).on('error', () => process.exit(0)).resume();")}`;

export interface AzuriteOptions {
  /** Default true. With false and no location, a temporary directory is used and removed on stop. */
  inMemory?: boolean;
  /** Persist to this directory (--location) instead of memory. */
  location?: string;
  /**
   * Serve HTTPS with a self-signed certificate made for this instance and accept bearer tokens
   * (`--oauth basic`): unsigned JWTs from ./jwt.ts. Shared key still works too.
   */
  oauth?: boolean;
  /**
   * Put Azurite's extent garbage collection off until this long after start (its default is 10 minutes).
   * Its pass walks every blob with offset-paged Loki queries and holds Azurite's only thread for minutes
   * once a test run has written tens of thousands of blobs: every request in flight then times out. The
   * shared instances of a test run live past 10 minutes and are thrown away whole, so they defer it.
   */
  gcAfterMs?: number;
}

export interface AzuriteInstance {
  endpoint: string;
  connectionString: string;
  accountName: string;
  accountKey: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export interface OAuthAzuriteInstance extends AzuriteInstance {
  /** PEM of the certificate the instance serves (it is its own CA). */
  ca: string;
  /** Pipeline options that make a Blob client trust `ca`: give them to every client of this instance. */
  pipelineOptions: BlobPipelineOptions;
}

// Every live child, killed synchronously if the host process exits without calling stop().
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** A port that was free a moment ago: bind port 0, read what the OS chose, release it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('Could not read the bound port.'))));
    });
  });
}

/** A read-and-list SAS for one container, signed with Azurite's well-known key, valid for an hour. */
export function azuriteContainerSas(container: string): string {
  return generateBlobSASQueryParameters(
    { containerName: container, permissions: ContainerSASPermissions.parse('rl'), expiresOn: new Date(Date.now() + 3_600_000) },
    new StorageSharedKeyCredential(AZURITE_ACCOUNT_NAME, AZURITE_ACCOUNT_KEY),
  ).toString();
}

export function azuriteConnectionString(endpoint: string): string {
  const protocol = new URL(endpoint).protocol.replace(':', '');
  return `DefaultEndpointsProtocol=${protocol};AccountName=${AZURITE_ACCOUNT_NAME};AccountKey=${AZURITE_ACCOUNT_KEY};BlobEndpoint=${endpoint};`;
}

interface Tls {
  dir: string;
  certPath: string;
  keyPath: string;
  cert: string;
}

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with the system's openssl (Debian has it;
 * Node has no X.509 writer). It is its own CA, so trusting it as `ca` is enough.
 */
async function makeCertificate(): Promise<Tls> {
  const dir = await mkdtemp(path.join(tmpdir(), 'stratus-azurite-tls-'));
  const certPath = path.join(dir, 'cert.pem');
  const keyPath = path.join(dir, 'key.pem');
  try {
    await promisify(execFile)('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout', keyPath, '-out', certPath,
    ]);
    return { dir, certPath, keyPath, cert: await readFile(certPath, 'utf8') };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`Could not make a self-signed certificate with openssl: ${(err as Error).message}`);
  }
}

/** Resolves once anything answers HTTP(S) on the port (an unauthenticated request gets a 4xx, which is enough). */
function probe(port: number, ca: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const options = { host: HOST, port, path: `/${AZURITE_ACCOUNT_NAME}?comp=list`, timeout: 1_000 };
    const onResponse = (res: http.IncomingMessage) => {
      res.resume();
      resolve(true);
    };
    const req = ca === undefined ? http.get(options, onResponse) : https.get({ ...options, ca }, onResponse);
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

class EarlyExit extends Error {}

const AZURITE_DIST = path.join(repoRoot, 'node_modules/azurite/dist/src');

// Preloaded into Azurite: its GC manager reads the interval from this constant when it is constructed.
function gcPreload(gcAfterMs: number): string {
  const constants = JSON.stringify(path.join(AZURITE_DIST, 'blob/utils/constants.js'));
  const code = `import { createRequire } from 'node:module'; createRequire(${constants})(${constants}).DEFAULT_GC_INTERVAL_MS = ${gcAfterMs};`;
  return `data:text/javascript,${encodeURIComponent(code)}`;
}

async function launch(location: string | undefined, tls: Tls | undefined, gcAfterMs: number | undefined): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const main = path.join(AZURITE_DIST, 'blob/main.js');
  const persistence = location === undefined ? ['--inMemoryPersistence'] : ['--location', location];
  const oauth = tls === undefined ? [] : ['--oauth', 'basic', '--cert', tls.certPath, '--key', tls.keyPath];
  const preloads = [EXIT_WITH_PARENT, ...(gcAfterMs === undefined ? [] : [gcPreload(gcAfterMs)])].map((url) => `--import=${url}`);
  const args = [...preloads, main, '--blobHost', HOST, '--blobPort', String(port), ...persistence, ...oauth,
    '--silent', '--disableTelemetry', '--skipApiVersionCheck'];
  // cwd is a scratch directory so that nothing Azurite might write lands in the repository.
  const child = spawn(process.execPath, args, { cwd: tmpdir(), stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(child);
  installExitHook();
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  child.once('exit', () => {
    exited = true;
    live.delete(child);
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) throw new EarlyExit(`Azurite exited during startup on port ${port} (code ${child.exitCode}):\n${output}`);
    if (await probe(port, tls?.cert)) return { child, port };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`Azurite did not answer on port ${port} within ${READY_TIMEOUT_MS} ms:\n${output}`);
}

export function startAzurite(opts: AzuriteOptions & { oauth: true }): Promise<OAuthAzuriteInstance>;
export function startAzurite(opts?: AzuriteOptions): Promise<AzuriteInstance>;
export async function startAzurite(opts: AzuriteOptions = {}): Promise<AzuriteInstance | OAuthAzuriteInstance> {
  const tls = opts.oauth === true ? await makeCertificate() : undefined;
  let location = opts.location;
  let scratch: string | undefined;
  if (location === undefined && opts.inMemory === false) {
    scratch = await mkdtemp(path.join(tmpdir(), 'stratus-azurite-'));
    location = scratch;
  }
  const cleanUp = async () => {
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
    if (tls !== undefined) await rm(tls.dir, { recursive: true, force: true });
  };
  let started: { child: ChildProcess; port: number } | undefined;
  for (let attempt = 1; started === undefined; attempt++) {
    try {
      started = await launch(location, tls, opts.gcAfterMs);
    } catch (err) {
      // Another process may take the probed port between our bind and Azurite's: try a new one.
      if (!(err instanceof EarlyExit) || attempt >= START_ATTEMPTS) {
        await cleanUp();
        throw err;
      }
    }
  }
  const { child, port } = started;
  const endpoint = `${tls === undefined ? 'http' : 'https'}://${HOST}:${port}/${AZURITE_ACCOUNT_NAME}`;
  let stopping: Promise<void> | undefined;
  const instance: AzuriteInstance = {
    endpoint,
    connectionString: azuriteConnectionString(endpoint),
    accountName: AZURITE_ACCOUNT_NAME,
    accountKey: AZURITE_ACCOUNT_KEY,
    port,
    pid: child.pid ?? -1,
    stop() {
      stopping ??= (async () => {
        // A graceful stop waits for clients' keep-alive sockets to time out (about 5 s); only a
        // caller's --location holds data worth that wait.
        child.kill(opts.location === undefined ? 'SIGKILL' : 'SIGTERM');
        if (!(await waitForExit(child, STOP_GRACE_MS))) {
          child.kill('SIGKILL');
          await waitForExit(child, STOP_GRACE_MS);
        }
        live.delete(child);
        await cleanUp();
      })();
      return stopping;
    },
  };
  return tls === undefined ? instance : { ...instance, ca: tls.cert, pipelineOptions: { tlsOptions: { ca: tls.cert } } };
}
