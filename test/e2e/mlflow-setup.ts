import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { generateMlflowTraceStore } from '../../electron/sample/mlflow-traces.js';
import { copyMlflowDb, loadMlflowArtifacts } from '../harness/mlflow-fixture.js';

// The MLflow side of the e2e environment: a scratch copy of the shared fixture's mlflow.db, the
// fixture's artifact blobs in Azurite where its wasbs:// URIs point, and a generated store whose
// one trace has BIG_TRACE_SPANS spans.

export const BIG_TRACE_SPANS = 30_000;

const KEYS = { fixtureUri: 'STRATUS_E2E_MLFLOW_URI', bigTraceUri: 'STRATUS_E2E_MLFLOW_BIG_URI', fixtureDb: 'STRATUS_E2E_MLFLOW_DB' } as const;

export type MlflowE2eEnvironment = Record<keyof typeof KEYS, string>;

export async function setUpMlflow(connectionString: string, scratch: string): Promise<MlflowE2eEnvironment> {
  const fixtureDir = path.join(scratch, 'mlflow-fixture');
  const bigDir = path.join(scratch, 'mlflow-big-trace');
  await Promise.all([mkdir(fixtureDir), mkdir(bigDir)]);
  const fixtureDb = await copyMlflowDb(fixtureDir);
  await loadMlflowArtifacts(connectionString);
  const bigDb = path.join(bigDir, 'mlflow.db');
  generateMlflowTraceStore(bigDb, { traces: 1, spans: BIG_TRACE_SPANS, experiments: 1, seed: 30 });
  return { fixtureUri: `sqlite:///${fixtureDb}`, bigTraceUri: `sqlite:///${bigDb}`, fixtureDb };
}

export function publishMlflowEnvironment(values: MlflowE2eEnvironment): void {
  for (const [key, name] of Object.entries(KEYS) as [keyof typeof KEYS, string][]) process.env[name] = values[key];
}

export function mlflowE2eEnvironment(): MlflowE2eEnvironment {
  const read = (name: string) => {
    const value = process.env[name];
    if (value === undefined) throw new Error(`${name} is not set: run the e2e tests through playwright.config.ts (its globalSetup).`);
    return value;
  };
  return { fixtureUri: read(KEYS.fixtureUri), bigTraceUri: read(KEYS.bigTraceUri), fixtureDb: read(KEYS.fixtureDb) };
}
