import { parseArgs } from 'node:util';
import { StratusError } from '../../shared/errors.js';
import { promptsCsv } from '../../shared/export/prompts-export.js';
import type { PromptsResult } from '../../shared/schemas/mlflow-prompts.js';
import { createIdentityProvider } from '../azure/identity.js';
import { ArtifactRoots } from '../mlflow/artifact-roots.js';
import { openMlflowSource } from '../mlflow/open-source.js';
import { promptsOf } from '../mlflow/prompts/source-prompts.js';
import { traceOrigin } from '../mlflow/trace-cache/trace-origin.js';
import { PriceStore, priceFile } from '../mlflow/tokens/price-store.js';
import { TraceCaches } from '../mlflow/trace-cache/trace-caches.js';
import { defaultUserDataDir } from '../user-data.js';
import { printTable, usageError } from './output.js';
import { commandTrackingUri, savedWorkspaceNamed } from './saved-workspace.js';
import { envForTrackingUri } from './tracking-env.js';

// `stratus mlflow prompts <experiment>…`: the Prompts view's table, from the same trace cache and
// price table as the app (a tracking server's spans are all read first, so every trace is grouped).

export const MLFLOW_PROMPTS_USAGE = `usage: stratus mlflow prompts <experiment>… [options]

Traces grouped by the registered prompt version MLflow linked to them, else by their system
prompt: per prompt and version, traces, tokens, cost, latency p50/p90 and errors.

options:
  --tracking-uri URI   sqlite:///<path>/mlflow.db or http(s)://server
                       (default: the --workspace's, else MLFLOW_TRACKING_URI)
  --workspace NAME     a workspace saved in the app: its own prices win over the prices
                       for all workspaces, as in the app
  --json               the whole result as JSON (templates and inputs shared by versions included)
  --csv                one row per prompt version`;

const CLI_SCOPE = 'cli';

function printPrompts(result: PromptsResult): void {
  process.stdout.write(`traces: ${result.traces} (${result.ungrouped} name no prompt)\n\n`);
  printTable(
    result.prompts.flatMap((p) =>
      p.versions.map((v) => ({
        prompt: p.kind === 'registered' ? p.name : `${p.kind} ${p.key.slice(2)}`,
        version: v.version ?? '',
        traces: v.traces,
        input: v.input,
        output: v.output,
        cached: v.cachedInput,
        cost: v.cost === null ? '' : v.cost.toFixed(4),
        p50_ms: v.latencyP50 ?? '',
        p90_ms: v.latencyP90 ?? '',
        errors: v.errors,
      })),
    ),
    ['prompt', 'version', 'traces', 'input', 'output', 'cached', 'cost', 'p50_ms', 'p90_ms', 'errors'],
  );
  const unpriced = [...new Set(result.prompts.flatMap((p) => p.versions.flatMap((v) => v.unpricedModels)))];
  if (unpriced.length > 0) process.stdout.write(`\nno price for: ${unpriced.map((m) => m ?? '(unknown model)').join(', ')}\n`);
}

export async function mlflowPromptsCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'tracking-uri': { type: 'string' },
      workspace: { type: 'string' },
      json: { type: 'boolean', default: false },
      csv: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${MLFLOW_PROMPTS_USAGE}\n`);
    return;
  }
  if (positionals.length === 0) throw usageError(MLFLOW_PROMPTS_USAGE);
  if (values.csv && values.json) throw usageError('Use --csv or --json, not both.');
  const userDataDir = defaultUserDataDir(process.env);
  const workspace = values.workspace === undefined ? undefined : await savedWorkspaceNamed(userDataDir, values.workspace);
  const uri = commandTrackingUri(values['tracking-uri'], workspace);
  if (!uri) throw usageError('No tracking store: pass --tracking-uri URI or --workspace NAME, or set MLFLOW_TRACKING_URI.');

  const env = envForTrackingUri(uri);
  const source = await openMlflowSource(uri, env, new ArtifactRoots(env, createIdentityProvider(), undefined));
  const prices = new PriceStore(priceFile(userDataDir));
  const caches = new TraceCaches(userDataDir);
  try {
    const experiments = await source.experiments('all');
    const experimentIds = positionals.map((name) => {
      const found = experiments.find((e) => e.name === name);
      if (!found) throw new StratusError({ code: 'NOT_FOUND', message: `There is no experiment named "${name}" in ${source.info.uri}.` });
      return found.experimentId;
    });
    const server = traceOrigin(source, CLI_SCOPE);
    if (server) {
      await caches.sync(server, experimentIds);
      caches.readSpans(server);
      await caches.spansRead(server);
    }
    const result = await promptsOf(source, experimentIds, { caches, scope: CLI_SCOPE }, prices.effective(workspace?.savedId));
    if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else if (values.csv) process.stdout.write(`${promptsCsv(result)}\r\n`);
    else printPrompts(result);
  } finally {
    prices.close();
    await caches.close();
    await source.close();
  }
}
