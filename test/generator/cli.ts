import { parseArgs } from 'node:util';
import { BlobServiceClient } from '@azure/storage-blob';
import { generateDatastore, type DatastoreTarget } from '../../electron/sample/metaflow-datastore.js';

// Makes a synthetic Metaflow datastore for benchmarks and manual checks:
//   npx tsx test/generator/cli.ts --out <folder> --flow BigFlow --runs 10000
// or, into a blob container (Azurite creates only ~270 blobs/s, so keep those small):
//   AZURE_STORAGE_CONNECTION_STRING=… npx tsx test/generator/cli.ts --container c --prefix ds/ --flow F --runs 50

const USAGE = `usage: tsx test/generator/cli.ts (--out <folder> | --container <name>) --flow <Flow> --runs <n> [options]

  --out <folder>        write to a folder (open it as a local workspace)
  --container <name>    write to this container, made if missing (AZURE_STORAGE_CONNECTION_STRING)
  --prefix <p/>         blob prefix of the sysroot ('' by default; ends in '/')
  --steps <n>           real steps per run, start and end included (default 4)
  --foreach <n>         foreach width; 0 for a linear flow (default 0)
  --failed-every <n>    every nth run fails (default 10; 0: none)
  --running-every <n>   every nth run is still running (default 100; 0: none)
  --retry-every <n>     every nth run retries a task once (default 7; 0: none)
  --artifacts <n>       user artifacts per task (default 4)
  --seed <n>            (default 1)`;

function count(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} takes a whole number, not "${value}".`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      container: { type: 'string' },
      prefix: { type: 'string', default: '' },
      flow: { type: 'string' },
      runs: { type: 'string' },
      steps: { type: 'string' },
      foreach: { type: 'string' },
      'failed-every': { type: 'string' },
      'running-every': { type: 'string' },
      'retry-every': { type: 'string' },
      artifacts: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const runs = count(values.runs, 'runs');
  if (values.help || values.flow === undefined || runs === undefined || (values.out === undefined) === (values.container === undefined)) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  let target: DatastoreTarget;
  if (values.out !== undefined) target = { folder: values.out, prefix: values.prefix };
  else {
    const connection = process.env.AZURE_STORAGE_CONNECTION_STRING;
    if (!connection) throw new Error('--container needs AZURE_STORAGE_CONNECTION_STRING.');
    const container = BlobServiceClient.fromConnectionString(connection).getContainerClient(values.container ?? '');
    await container.createIfNotExists();
    target = { container, prefix: values.prefix };
  }
  const started = performance.now();
  const progressEvery = Math.max(1, Math.floor(runs / 20));
  const result = await generateDatastore(target, {
    flow: values.flow,
    runs,
    stepsPerRun: count(values.steps, 'steps'),
    foreachWidth: count(values.foreach, 'foreach'),
    failedEvery: count(values['failed-every'], 'failed-every'),
    runningEvery: count(values['running-every'], 'running-every'),
    retryEvery: count(values['retry-every'], 'retry-every'),
    artifactsPerTask: count(values.artifacts, 'artifacts'),
    seed: count(values.seed, 'seed'),
    onRun: (done) => {
      if (done % progressEvery === 0) process.stderr.write(`\r${done}/${runs} runs`);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const statuses = new Map<string, number>();
  for (const run of result.runs) statuses.set(run.status, (statuses.get(run.status) ?? 0) + 1);
  process.stderr.write('\n');
  console.log(
    `${result.flow}: ${result.runs.length} runs (${[...statuses].map(([s, n]) => `${n} ${s}`).join(', ')}), ` +
      `${result.blobs} blobs (${result.casBlobs} in the CAS), ${(result.bytes / 2 ** 20).toFixed(1)} MiB in ${seconds.toFixed(1)} s ` +
      `(${Math.round(result.blobs / seconds)} blobs/s)`,
  );
}

main().catch((err: unknown) => {
  console.error(`generator: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
