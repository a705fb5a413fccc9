import { BlobServiceClient, newPipeline, type Pipeline, type StoragePipelineOptions } from '@azure/storage-blob';
import https from 'node:https';
import type { Agent } from 'node:http';
import type { RequestPool } from './request-pool.js';

// The transfer engine's view of a workspace's service client: the same credential and policies
// (shared key, SAS, or the app's bearer-token cache), sent through the pool's keep-alive agent, and
// without the SDK's retries, which the engine does itself (retry.ts).

/** StorageClient keeps its pipeline protected; its shape is public API (Pipeline). */
interface WithPipeline {
  pipeline: Pipeline;
}

type Options = StoragePipelineOptions & { agent?: Agent; tlsOptions?: { ca?: string | Buffer | (string | Buffer)[] } };

// A backstop only: a silent connection is noticed by the stall watchdog (stall-watch.ts) much sooner.
const TRY_TIMEOUT_MS = 10 * 60_000;

export function transferServiceClient(service: BlobServiceClient, pool: RequestPool): BlobServiceClient {
  const source = (service as unknown as WithPipeline).pipeline;
  const options = source.options as Options;
  const secure = service.url.startsWith('https:');
  // A custom CA (tests against a self-signed emulator) must go into the agent: an agent overrides tlsOptions.
  const agent = secure ? (options.tlsOptions?.ca ? new https.Agent({ keepAlive: true, ca: options.tlsOptions.ca }) : pool.agents.https) : pool.agents.http;
  const transferOptions: Options = { ...options, agent, retryOptions: { maxTries: 1, tryTimeoutInMs: TRY_TIMEOUT_MS } };
  const pipeline = newPipeline(service.credential, transferOptions);
  pipeline.factories.push(...source.factories);
  return new BlobServiceClient(service.url, pipeline);
}
