import { parseArgs } from 'node:util';
import { StratusError } from '../../shared/errors.js';
import { runJson, runsCsv } from '../../shared/export/runs-export.js';
import type { Experiment, LifecycleView, MlflowRun, TraceRow } from '../../shared/schemas/mlflow.js';
import { createIdentityProvider } from '../azure/identity.js';
import { ArtifactRoots } from '../mlflow/artifact-roots.js';
import { runQuery, traceQuery } from '../mlflow/queries.js';
import { openMlflowSource } from '../mlflow/open-source.js';
import type { MlflowSource } from '../mlflow/source.js';
import { mlflowPromptsCommand, MLFLOW_PROMPTS_USAGE } from './mlflow-prompts-command.js';
import { mlflowTokensCommand, MLFLOW_TOKENS_USAGE } from './mlflow-tokens-command.js';
import { printTable, usageError } from './output.js';
import { envForTrackingUri } from './tracking-env.js';
import { mlflowUsageCommand, MLFLOW_USAGE_COMMAND } from './usage-mlflow.js';

// `stratus mlflow …`: experiments, runs and traces of an MLflow tracking store, read by the same
// sources the app uses. --json prints snake_case keys, as MLflow names them.

export const MLFLOW_USAGE = `usage: stratus mlflow <command> [options]

commands:
  experiments   experiments (--view active|deleted|all, default active)
  runs          runs with params, latest metrics and tags of the chosen experiments
  traces        traces with their token usage as Stratus computes it (MLflow's rule)
  tokens        token usage per day, model, user and session, with cost (see below)
  prompts       traces grouped by prompt and version, with tokens, cost, latency, errors (see below)
  usage         bytes per experiment and run, by tier, and what gc would free (see below)

options:
  --tracking-uri URI     sqlite:///<path>/mlflow.db, an mlruns folder, or http(s)://server
                         (default MLFLOW_TRACKING_URI)
  --experiment NAME      an experiment by name (repeatable)
  --all-experiments      every experiment in the view
  --view active|deleted|all
  --filter TEXT          runs only: MLflow's search, e.g. "metrics.acc > 0.9 and params.model = 'x'"
  --json
  --csv                  runs only: one row per run, a column per param, metric and tag

A server is reached with MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN;
wasbs:// artifacts with AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_ACCESS_KEY or an Azure identity.

${MLFLOW_TOKENS_USAGE}

${MLFLOW_PROMPTS_USAGE}

${MLFLOW_USAGE_COMMAND}`;

const COMMANDS = ['experiments', 'runs', 'traces'] as const;
type Command = (typeof COMMANDS)[number];
const VIEWS: readonly LifecycleView[] = ['active', 'deleted', 'all'];

/** MLflow's own JSON names (snake_case) for the fields the CLI prints, in this order. */
function snakeFields<T extends object>(value: T, keys: readonly (keyof T & string)[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), value[key]]));
}

const EXPERIMENT_FIELDS = ['experimentId', 'name', 'lifecycleStage', 'artifactLocation', 'creationTime', 'lastUpdateTime', 'tags'] as const;
const TRACE_FIELDS = ['traceId', 'experimentId', 'timestampMs', 'durationMs', 'name', 'state', 'model', 'user', 'session'] as const;

const experimentJson = (e: Experiment) => snakeFields(e, EXPERIMENT_FIELDS);

function traceJson(t: TraceRow) {
  return {
    ...snakeFields(t, TRACE_FIELDS),
    // Absent (not null) when no span carries usage, so `jq 'select(.tokens)'` reads naturally.
    ...(t.tokens ? { tokens: t.tokens } : {}),
    ...(t.storedTokens ? { stored_tokens: t.storedTokens } : {}),
    token_mismatch: t.tokenMismatch,
    span_count: t.spanCount,
  };
}

/** --view filters runs, not the experiments they are looked for in: a deleted run lives in an active experiment. */
async function chosenExperiments(source: MlflowSource, names: string[], all: boolean): Promise<Experiment[]> {
  const experiments = await source.experiments('all');
  if (all) return experiments;
  return names.map((name) => {
    const found = experiments.find((e) => e.name === name);
    if (!found) throw new StratusError({ code: 'NOT_FOUND', message: `There is no experiment named "${name}" in ${source.info.uri}.` });
    return found;
  });
}

async function allRuns(source: MlflowSource, experimentIds: string[], view: LifecycleView, filter: string | undefined): Promise<MlflowRun[]> {
  const runs: MlflowRun[] = [];
  let pageToken: string | undefined;
  do {
    const page = await source.runs(runQuery({ experimentIds, view, pageToken, filter }));
    runs.push(...page.runs);
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken);
  return runs;
}

async function allTraces(source: MlflowSource, experimentIds: string[]): Promise<TraceRow[]> {
  const traces: TraceRow[] = [];
  let pageToken: string | undefined;
  do {
    const page = await source.traces(traceQuery({ experimentIds, pageSize: 500, pageToken }));
    traces.push(...page.traces);
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken);
  return traces;
}

async function runCommand(source: MlflowSource, command: Command, options: { names: string[]; all: boolean; view: LifecycleView; json: boolean; csv: boolean; filter?: string }) {
  const print = (rows: Record<string, unknown>[], columns: string[]) =>
    options.json ? process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`) : printTable(rows, columns);
  if (command === 'experiments') {
    const experiments = await source.experiments(options.view);
    print(experiments.map(experimentJson), ['experiment_id', 'name', 'lifecycle_stage', 'artifact_location']);
    return;
  }
  if (!options.all && options.names.length === 0) throw usageError('Name the experiments: --experiment NAME (repeatable) or --all-experiments.');
  const experiments = await chosenExperiments(source, options.names, options.all);
  const ids = experiments.map((e) => e.experimentId);
  if (ids.length === 0) return print([], []);
  if (command === 'runs') {
    const runs = await allRuns(source, ids, options.view, options.filter);
    if (options.csv) return process.stdout.write(runsCsv(runs) + '\r\n');
    print(runs.map(runJson), ['run_id', 'experiment_id', 'name', 'status', 'lifecycle_stage', 'user', 'duration_ms']);
    return;
  }
  const traces = (await allTraces(source, ids)).map(traceJson);
  if (options.json) return print(traces, []);
  printTable(
    traces.map((t) => ({ ...t, input: t.tokens?.input, output: t.tokens?.output, total: t.tokens?.total, mismatch: t.token_mismatch ? 'MISMATCH' : '' })),
    ['trace_id', 'name', 'state', 'duration_ms', 'model', 'input', 'output', 'total', 'mismatch'],
  );
}

export async function mlflowCli(argv: string[]): Promise<void> {
  // `tokens` has options of its own (--from, --to, --top): it parses them itself; so does `prompts`.
  if (argv[0] === 'tokens') return mlflowTokensCommand(argv.slice(1));
  if (argv[0] === 'prompts') return mlflowPromptsCommand(argv.slice(1));
  if (argv[0] === 'usage') return mlflowUsageCommand(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'tracking-uri': { type: 'string' },
      experiment: { type: 'string', multiple: true, default: [] },
      'all-experiments': { type: 'boolean', default: false },
      view: { type: 'string', default: 'active' },
      json: { type: 'boolean', default: false },
      csv: { type: 'boolean', default: false },
      filter: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${MLFLOW_USAGE}\n`);
    return;
  }
  const [command, ...rest] = positionals;
  if (!(COMMANDS as readonly string[]).includes(command ?? '') || rest.length > 0) throw usageError(MLFLOW_USAGE);
  if (!(VIEWS as readonly string[]).includes(values.view)) throw usageError('--view is active, deleted or all.');
  if (values.csv && values.json) throw usageError('Use --csv or --json, not both.');
  if ((values.csv || values.filter !== undefined) && command !== 'runs') throw usageError('--csv and --filter are for `stratus mlflow runs` (and `tokens --csv`).');
  if (values['all-experiments'] && values.experiment.length > 0) throw usageError('Use --experiment NAME or --all-experiments, not both.');
  const uri = values['tracking-uri'] ?? process.env.MLFLOW_TRACKING_URI;
  if (!uri) throw usageError('No tracking store: pass --tracking-uri URI or set MLFLOW_TRACKING_URI.');
  const identity = createIdentityProvider();
  const env = envForTrackingUri(uri);
  const source = await openMlflowSource(uri, env, new ArtifactRoots(env, identity, undefined));
  try {
    await runCommand(source, command as Command, { names: values.experiment, all: values['all-experiments'], view: values.view as LifecycleView, json: values.json, csv: values.csv, filter: values.filter });
  } finally {
    await source.close();
  }
}
