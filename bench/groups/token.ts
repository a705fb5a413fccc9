import type { TokenCredential } from '@azure/core-auth';
import { BlobServiceClient, StorageSharedKeyCredential, type ContainerClient } from '@azure/storage-blob';
import { createBlobClient, PIPELINE_OPTIONS } from '../../electron/azure/blob-client.js';
import { createIdentityProvider } from '../../electron/azure/identity.js';
import { TokenCache } from '../../electron/azure/token-cache.js';
import { startAzurite, type OAuthAzuriteInstance } from '../../test/harness/azurite.js';
import { CountingCredential } from '../../test/harness/jwt.js';
import type { Report } from '../report.js';

// What the app's token cache saves: 10,000 small Blob requests over 20 clients, with a credential
// as slow as the Azure CLI, through the cache (one identity for every client) and, as the baseline,
// with a credential per client handed to the SDK, which caches a token per client pipeline.

const OPERATIONS = 10_000;
const WARM_UP_OPERATIONS = 1_000;
const CLIENTS = 20;
const IN_FLIGHT = 40;
const TOKEN_LATENCY_MS = 700;
// The machine is shared (Azurite, tests, other work): the median of a few runs, taken in alternating order.
const REPEATS = 3;
const CONTAINER = 'bench-token';
const BLOBS = 10;

type Schedule = 'at once' | 'in turn';

interface Setup {
  containers: ContainerClient[];
  calls(): number;
}

/** One of four small requests, by turn: container properties, blob exists, blob properties, a listing page. */
async function operation(container: ContainerClient, i: number): Promise<void> {
  const blob = container.getBlobClient(`blob-${i % BLOBS}`);
  switch (i % 4) {
    case 0:
      await container.getProperties();
      return;
    case 1:
      if (!(await blob.exists())) throw new Error(`${blob.name} is missing`);
      return;
    case 2:
      await blob.getProperties();
      return;
    default:
      await container.listBlobsFlat().byPage({ maxPageSize: 5 }).next();
  }
}

/**
 * `total` requests over the containers, IN_FLIGHT at a time: shared by all clients at once, or
 * client after client (as a user opens one workspace, then another).
 */
async function workload(containers: ContainerClient[], schedule: Schedule, total: number): Promise<void> {
  let done = 0;
  const run = async (share: ContainerClient[], count: number) => {
    const end = done + count;
    const worker = async (container: ContainerClient) => {
      while (done < end) await operation(container, done++);
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, (_, i) => worker(share[i % share.length])));
  };
  if (schedule === 'at once') await run(containers, total);
  else for (const container of containers) await run([container], total / containers.length);
}

/** The app's way: every client from one identity, so all share the token cache. */
function withCache(azurite: OAuthAzuriteInstance): Setup {
  const credential = new CountingCredential({ latencyMs: TOKEN_LATENCY_MS });
  const identity = { ...createIdentityProvider(new TokenCache(), () => credential), pipelineOptions: azurite.pipelineOptions };
  const containers = Array.from({ length: CLIENTS }, () =>
    createBlobClient(azurite.endpoint, { kind: 'identity' }, {}, identity).client.getContainerClient(CONTAINER),
  );
  return { containers, calls: () => credential.calls };
}

function credentialPerClient(azurite: OAuthAzuriteInstance): Setup {
  const credentials = Array.from({ length: CLIENTS }, () => new CountingCredential({ latencyMs: TOKEN_LATENCY_MS }));
  const sdkClient = (credential: TokenCredential) =>
    new BlobServiceClient(azurite.endpoint, credential, { ...PIPELINE_OPTIONS, ...azurite.pipelineOptions });
  return {
    containers: credentials.map((credential) => sdkClient(credential).getContainerClient(CONTAINER)),
    calls: () => credentials.reduce((sum, credential) => sum + credential.calls, 0),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function measure(setup: Setup, schedule: Schedule): Promise<{ ms: number; calls: number }> {
  const started = performance.now();
  await workload(setup.containers, schedule, OPERATIONS);
  return { ms: Math.round(performance.now() - started), calls: setup.calls() };
}

export async function run(report: Report): Promise<void> {
  const azurite = await startAzurite({ oauth: true });
  try {
    const key = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
    const admin = new BlobServiceClient(azurite.endpoint, key, azurite.pipelineOptions).getContainerClient(CONTAINER);
    await admin.create();
    for (let i = 0; i < BLOBS; i++) await admin.getBlockBlobClient(`blob-${i}`).upload('x', 1);

    const sides = { cache: withCache, baseline: credentialPerClient };
    // Connections, and the JIT on both code paths, warmed before anything is timed.
    for (const make of Object.values(sides)) await workload(make(azurite).containers, 'at once', WARM_UP_OPERATIONS);

    const label = `${OPERATIONS} ops/${CLIENTS} clients`;
    const baselineName = 'credential per client';
    for (const schedule of ['at once', 'in turn'] as const) {
      const runs = { cache: [] as { ms: number; calls: number }[], baseline: [] as { ms: number; calls: number }[] };
      for (let i = 0; i < REPEATS; i++) {
        const order = i % 2 === 0 ? (['cache', 'baseline'] as const) : (['baseline', 'cache'] as const);
        for (const side of order) runs[side].push(await measure(sides[side](azurite), schedule));
      }
      const calls = (side: keyof typeof runs) => median(runs[side].map((r) => r.calls));
      const ms = (side: keyof typeof runs) => median(runs[side].map((r) => r.ms));
      report({ name: `token getToken calls ${label} ${schedule}`, value: calls('cache'), unit: 'calls', baseline: { name: baselineName, value: calls('baseline') } });
      report({ name: `token wall time ${label} ${schedule}`, value: ms('cache'), unit: 'ms', baseline: { name: baselineName, value: ms('baseline') } });
    }
  } finally {
    await azurite.stop();
  }
}
