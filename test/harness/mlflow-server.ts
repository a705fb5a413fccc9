import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { BlobServiceClient } from '@azure/storage-blob';
import { freePort, type AzuriteInstance } from './azurite.js';
import { repoRoot } from './repo.js';

// A real MLflow tracking server from the kit (../shared/tools/mlflow-server: MLflow from source on
// Debian's python3 packages): started on a random port over an sqlite store in a temp folder, its
// artifacts (traces.json) in Azurite, and traces written by the kit's own generator (gen-traces.py).
// Without the Debian packages the tests that need it skip, naming the apt-get line.

const run = promisify(execFile);

export const MLFLOW_KIT = process.env.MLFLOW_SERVER_KIT ?? path.resolve(repoRoot, '../shared/tools/mlflow-server');
export const MLFLOW_KIT_CONTAINER = 'mlflow';
const PYTHON = '/usr/bin/python3';

/** Why the kit cannot run here (packages or the kit missing), or null when it can. */
export function mlflowKitMissing(): string | null {
  const install = `apt-get install -y --no-install-recommends $(cat ${path.join(MLFLOW_KIT, 'apt-packages.txt')})`;
  if (!existsSync(path.join(MLFLOW_KIT, 'start.sh'))) return `the MLflow server kit is not at ${MLFLOW_KIT} (set MLFLOW_SERVER_KIT)`;
  try {
    execFileSync(PYTHON, ['-c', 'import flask, flask_cors, sqlalchemy, alembic, fastapi, uvicorn, pandas, azure.storage.blob'], { stdio: 'ignore' });
    execFileSync('curl', ['--version'], { stdio: 'ignore' });
    return null;
  } catch {
    return `the MLflow server kit needs Debian packages: ${install}`;
  }
}

/** The kit's environment pointed at this Azurite: MLflow and the generator read and write blobs there. */
function kitEnv(azurite: AzuriteInstance): NodeJS.ProcessEnv {
  return { ...process.env, AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, AZURITE_PORT: String(azurite.port) };
}

/** The wasbs:// root MLflow writes under (the endpoint in the connection string sends it to Azurite). */
export function kitArtifactRoot(prefix: string): string {
  return `wasbs://${MLFLOW_KIT_CONTAINER}@devstoreaccount1.blob.core.windows.net/${prefix}`;
}

export async function createKitContainer(azurite: AzuriteInstance): Promise<void> {
  await BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(MLFLOW_KIT_CONTAINER).createIfNotExists();
}

export interface GenerateOptions {
  experiments?: number;
  experiment?: string;
  seed?: number;
  days?: number;
  endMs?: number;
  artifactRoot: string;
}

/** Writes `n` traces with the kit's generator in bulk mode straight into the sqlite store (server running or not). */
export async function generateTraces(azurite: AzuriteInstance, dbFile: string, n: number, options: GenerateOptions): Promise<void> {
  const args = [path.join(MLFLOW_KIT, 'gen-traces.py'), String(n), '--mode', 'bulk', '--tracking-uri', `sqlite:///${dbFile}`, '--artifact-location', options.artifactRoot];
  args.push('--experiments', String(options.experiments ?? 1), '--seed', String(options.seed ?? 42), '--progress', String(Math.max(n, 1)));
  if (options.experiment) args.push('--experiment', options.experiment);
  if (options.days !== undefined) args.push('--days', String(options.days));
  if (options.endMs !== undefined) args.push('--end-ms', String(options.endMs));
  // At least 2 traces/s: bulk does ~30/s alone, 4–5/s on a machine loaded by other work.
  await run(PYTHON, args, { env: kitEnv(azurite), maxBuffer: 16 * 1024 * 1024, timeout: 5 * 60_000 + n * 500 });
}

export interface MlflowServer {
  uri: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** Starts `mlflow server` on a free port over `dbFile` (created and migrated if missing), ready when this resolves. */
export async function startMlflowServer(azurite: AzuriteInstance, dbFile: string, artifactRoot: string): Promise<MlflowServer> {
  const port = await freePort();
  const { stdout } = await run(path.join(MLFLOW_KIT, 'start.sh'), [String(port), `sqlite:///${dbFile}`, artifactRoot], {
    env: { ...kitEnv(azurite), MLFLOW_WORKDIR: path.join(path.dirname(dbFile), `server-${port}`) },
    timeout: 200_000,
  });
  const pid = Number(stdout.trim().split('\n').pop());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`start.sh printed no pid: ${stdout}`);
  let stopped: Promise<void> | undefined;
  return {
    uri: `http://127.0.0.1:${port}`,
    port,
    pid,
    stop: () => (stopped ??= run(path.join(MLFLOW_KIT, 'stop.sh'), [String(pid)], { timeout: 30_000 }).then(() => undefined)),
  };
}

/** What gen-prompt-traces.py wrote, as it reports it: the tests' expected grouping comes from here. */
export interface GeneratedPromptTraces {
  experiment_id: string;
  prompts: Record<string, string[]>;
  variables: Record<string, Record<string, string>>;
  traces: {
    trace_id: string;
    prompt: { name: string; version: string } | null;
    /** A LangChain template's text as the Prompts view rebuilds it; absent for the other traces. */
    template?: string;
    system: string;
    input: string;
    output: string | null;
    error: boolean;
    model: string;
  }[];
}

/**
 * Writes traces linked to two registered prompts (two versions each) and traces with unregistered
 * system prompts, through MLflow's own prompt registry and tracing API, into the sqlite store.
 * Without Azurite the artifact root must be a local `file://` folder.
 */
export async function generatePromptTraces(azurite: AzuriteInstance | null, dbFile: string, artifactRoot: string, seed = 7): Promise<GeneratedPromptTraces> {
  const script = path.join(repoRoot, 'test/harness/gen-prompt-traces.py');
  const env = { ...(azurite ? kitEnv(azurite) : process.env), PYTHONPATH: path.join(MLFLOW_KIT, 'pylib'), MLFLOW_ENABLE_ASYNC_TRACE_LOGGING: 'false', MLFLOW_DISABLE_TELEMETRY: 'true', GIT_PYTHON_REFRESH: 'quiet', PYTHONPYCACHEPREFIX: '/tmp/mlflow-kit-pycache' };
  const { stdout } = await run(PYTHON, [script, '--tracking-uri', `sqlite:///${dbFile}`, '--artifact-location', artifactRoot, '--seed', String(seed)], {
    env,
    maxBuffer: 16 * 1024 * 1024,
    timeout: 10 * 60_000,
  });
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as GeneratedPromptTraces;
}
