import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './azurite.js';
import { repoRoot } from './repo.js';

// Starts the real Metaflow metadata service (Netflix/metaflow-service on a throw-away Postgres restored from the
// fixture's dump) through the fixture's own start-service.sh, as Azurite is started: on a free port, stopped by
// the state dir the script prints. Needs Debian packages; without them the tests that use it skip, naming them.

export const SERVICE_FIXTURE_DIR = path.resolve(repoRoot, '../shared/fixtures/metaflow-service');
export const SERVICE_APT_LINE = 'apt-get install -y postgresql python3-aiohttp python3-aiopg python3-psycopg2 python3-packaging python3-boto3';

const START_ATTEMPTS = 3;

/** Why the service cannot start on this machine, or undefined when it can. */
export function serviceUnavailable(): string | undefined {
  if (!existsSync(path.join(SERVICE_FIXTURE_DIR, 'start-service.sh'))) return `The metaflow-service fixture is not at ${SERVICE_FIXTURE_DIR}.`;
  const pgRoot = '/usr/lib/postgresql';
  const hasPostgres = existsSync(pgRoot) && readdirSync(pgRoot).some((v) => existsSync(path.join(pgRoot, v, 'bin/initdb')));
  let hasPython = false;
  try {
    // The python start-service.sh runs: MFSVC_PYTHON, else Debian's, whose packages these are.
    execFileSync(process.env.MFSVC_PYTHON ?? '/usr/bin/python3', ['-c', 'import aiohttp, aiopg, psycopg2, packaging, boto3'], { stdio: 'ignore' });
    hasPython = true;
  } catch {
    // Reported below with the install line.
  }
  if (hasPostgres && hasPython) return undefined;
  return `The Metaflow metadata service tests need Debian packages: ${SERVICE_APT_LINE}`;
}

export interface MetaflowService {
  /** `http://127.0.0.1:<port>/`, as METAFLOW_SERVICE_URL names it. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * `env`: variables the service reads (RUN_INACTIVE_CUTOFF_TIME…); `dump`: another dump than the fixture's; `port`: the
 * port of a service stopped before, to start it again at the same URL (no retry on another port then).
 */
export async function startMetaflowService(opts: { env?: Record<string, string>; dump?: string; port?: number } = {}): Promise<MetaflowService> {
  const script = path.join(SERVICE_FIXTURE_DIR, 'start-service.sh');
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort());
    try {
      const { stdout } = await promisify(execFile)(script, [String(port), ...(opts.dump === undefined ? [] : [opts.dump])], {
        env: { ...process.env, ...opts.env },
        cwd: SERVICE_FIXTURE_DIR,
        timeout: 120_000,
      });
      const state = /^state dir: (\S+)/m.exec(stdout)?.[1];
      if (state === undefined) throw new Error(`start-service.sh did not print its state dir:\n${stdout}`);
      let stopping: Promise<void> | undefined;
      return {
        url: `http://127.0.0.1:${port}/`,
        port,
        stop: () => (stopping ??= promisify(execFile)(path.join(SERVICE_FIXTURE_DIR, 'stop-service.sh'), [state]).then(() => undefined)),
      };
    } catch (err) {
      // Another process may take the probed port between our bind and the service's: try a new one.
      if (opts.port !== undefined || attempt >= START_ATTEMPTS || !/already in use|address already/i.test(String((err as { stderr?: string }).stderr ?? err))) throw err;
    }
  }
}
