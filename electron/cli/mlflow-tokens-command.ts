import { parseArgs } from 'node:util';
import { StratusError } from '../../shared/errors.js';
import { tokensCsv } from '../../shared/export/tokens-export.js';
import type { LatencyStats, TokensLatency, TokensSummary } from '../../shared/schemas/mlflow-tokens.js';
import { createIdentityProvider } from '../azure/identity.js';
import { ArtifactRoots } from '../mlflow/artifact-roots.js';
import { openMlflowSource } from '../mlflow/open-source.js';
import { PriceStore, priceFile } from '../mlflow/tokens/price-store.js';
import { sourceLatency, summarizeSource } from '../mlflow/tokens/summarize-source.js';
import { TokenAnalytics } from '../mlflow/tokens/token-analytics.js';
import { TraceCaches, type TraceOrigin } from '../mlflow/trace-cache/trace-caches.js';
import { traceOrigin } from '../mlflow/trace-cache/trace-origin.js';
import { defaultUserDataDir } from '../user-data.js';
import { instant } from './instant.js';
import { printTable, usageError } from './output.js';
import { commandTrackingUri, savedWorkspaceNamed } from './saved-workspace.js';
import { envForTrackingUri } from './tracking-env.js';

// `stratus mlflow tokens …`: the token usage summary the app shows, from the same cache and price
// table (under the user-data folder), so a script and the app agree on every number.

export const MLFLOW_TOKENS_USAGE = `usage: stratus mlflow tokens [options]

Token usage of LLM traces (MLflow's rule), per day, model, user and session, with cost from the
app's price table and the shipped price catalog (cached prompt tokens at the cached rate), and
latency and errors: p50/p90/p99 of trace durations overall and per day, of span durations per
span type and per model.

options:
  --tracking-uri URI   sqlite:///<path>/mlflow.db, an mlruns folder, or http(s)://server
                       (default: the --workspace's, else MLFLOW_TRACKING_URI)
  --workspace NAME     a workspace saved in the app: its own prices win over the prices
                       for all workspaces, as in the app
  --experiment NAME    an experiment by name (repeatable)
  --all-experiments    every experiment
  --from DATE          traces started at or after (YYYY-MM-DD in UTC, or an ISO time)
  --to DATE            traces started before (exclusive)
  --top N              traces listed by tokens (default 10, at most 100)
  --json               the whole summary as JSON (latency under "latency")
  --csv                tokens per day and model as CSV
  --clear-cache        a tracking server's traces are kept in a local cache, synced each time
                       (only new traces are fetched): forget it first and read them all again`;

/** The CLI's own trace caches, apart from the app's workspaces. */
const CLI_SCOPE = 'cli';

const latencyRow = (r: LatencyStats) => ({
  count: r.count,
  p50_ms: r.p50 ?? '',
  p90_ms: r.p90 ?? '',
  p99_ms: r.p99 ?? '',
  errors: r.errors,
  error_rate: r.errorRate === null ? '' : r.errorRate.toFixed(4),
});
const LATENCY_COLUMNS = ['count', 'p50_ms', 'p90_ms', 'p99_ms', 'errors', 'error_rate'];

function printLatency(l: TokensLatency): void {
  const t = l.traces;
  process.stdout.write(`\nlatency per trace: p50 ${t.p50 ?? '-'} ms, p90 ${t.p90 ?? '-'} ms, p99 ${t.p99 ?? '-'} ms; errors ${t.errors} of ${t.count}\n\n`);
  if (l.spansRead) {
    printTable(l.spanTypes.map((r) => ({ span_type: r.spanType ?? '(none)', ...latencyRow(r) })), ['span_type', ...LATENCY_COLUMNS]);
    process.stdout.write('\n');
    printTable(l.models.map((r) => ({ model: r.model ?? '(unknown)', ...latencyRow(r) })), ['model', ...LATENCY_COLUMNS]);
    process.stdout.write('\n');
  } else {
    process.stdout.write('span latency: not available (this source lists traces without their spans)\n\n');
  }
  printTable(l.days.map((r) => ({ day: r.day, ...latencyRow(r) })), ['day', ...LATENCY_COLUMNS]);
  process.stdout.write('\n');
}

function printSummary(s: TokensSummary, latency: TokensLatency): void {
  const t = s.totals;
  process.stdout.write(`traces: ${t.traces} (${t.tracesWithUsage} with token usage)\n`);
  process.stdout.write(`tokens: ${t.total} (input ${t.input}, output ${t.output})\n`);
  process.stdout.write(`per trace: p50 ${s.perTrace.p50 ?? '-'}, p90 ${s.perTrace.p90 ?? '-'}, p99 ${s.perTrace.p99 ?? '-'}\n`);
  const unpriced = s.cost.unpricedModels.map((m) => m ?? '(unknown model)');
  process.stdout.write(`cost: ${s.cost.total === null ? 'no prices' : `$${s.cost.total.toFixed(4)}`} (price catalog of ${s.cost.catalogDate})\n`);
  if (unpriced.length > 0) process.stdout.write(`no price for: ${unpriced.join(', ')}\n`);
  if (!latency.spansRead) process.stdout.write('cached prompt tokens: not seen (this source lists traces without their spans), priced at the input rate\n');
  if (s.mismatches.count > 0) process.stdout.write(`mismatches with MLflow's stored totals: ${s.mismatches.count}\n`);
  process.stdout.write('\n');
  printTable(
    s.models.map((m) => ({
      model: m.model ?? '(unknown)',
      traces: m.traces,
      input: m.input,
      output: m.output,
      total: m.total,
      cached: m.cacheRead + m.cacheWrite,
      cost: m.cost === null ? '' : m.cost.toFixed(4),
      price: m.priceSource === null ? 'none' : m.priceSource === 'catalog' ? `catalog ${m.priceModel ?? ''}` : m.priceSource === 'workspace' ? "workspace's" : 'yours',
    })),
    ['model', 'traces', 'input', 'output', 'total', 'cached', 'cost', 'price'],
  );
  printLatency(latency);
  process.stdout.write('\n');
  printTable(
    s.topTraces.map((r) => ({ trace_id: r.traceId, name: r.name, started: new Date(r.timestamp).toISOString(), model: r.model, total: r.total })),
    ['trace_id', 'name', 'started', 'model', 'total'],
  );
}

/** A script waits for whole numbers: the sync and every span read finish before the summary (progress on stderr). */
async function syncServer(caches: TraceCaches, server: TraceOrigin, experimentIds: string[], clear: boolean): Promise<void> {
  if (clear) process.stderr.write(`cleared the trace cache (${(await caches.clear(server)).traces} traces)\n`);
  await caches.sync(server, experimentIds, { onProgress: (p) => process.stderr.write(`\rlisting traces: ${p.listed}`) });
  process.stderr.write('\n');
  caches.readSpans(server);
  await caches.spansRead(server);
}

export async function mlflowTokensCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'tracking-uri': { type: 'string' },
      workspace: { type: 'string' },
      experiment: { type: 'string', multiple: true, default: [] },
      'all-experiments': { type: 'boolean', default: false },
      from: { type: 'string' },
      to: { type: 'string' },
      top: { type: 'string' },
      json: { type: 'boolean', default: false },
      'clear-cache': { type: 'boolean', default: false },
      csv: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${MLFLOW_TOKENS_USAGE}\n`);
    return;
  }
  if (positionals.length > 0) throw usageError(MLFLOW_TOKENS_USAGE);
  if (values.csv && values.json) throw usageError('Use --csv or --json, not both.');
  if (values['all-experiments'] === (values.experiment.length > 0)) throw usageError('Name the experiments: --experiment NAME (repeatable) or --all-experiments.');
  const from = instant(values.from, 'from');
  const to = instant(values.to, 'to');
  if (from !== undefined && to !== undefined && from >= to) throw usageError('--from must be before --to.');
  const topN = values.top === undefined ? undefined : Number(values.top);
  if (topN !== undefined && !(Number.isInteger(topN) && topN >= 1 && topN <= 100)) throw usageError('--top takes a number from 1 to 100.');
  const userDataDir = defaultUserDataDir(process.env);
  const workspace = values.workspace === undefined ? undefined : await savedWorkspaceNamed(userDataDir, values.workspace);
  const uri = commandTrackingUri(values['tracking-uri'], workspace);
  if (!uri) throw usageError('No tracking store: pass --tracking-uri URI or --workspace NAME, or set MLFLOW_TRACKING_URI.');

  const env = envForTrackingUri(uri);
  const source = await openMlflowSource(uri, env, new ArtifactRoots(env, createIdentityProvider(), undefined));
  const analytics = new TokenAnalytics(userDataDir);
  const prices = new PriceStore(priceFile(userDataDir));
  const traceCaches = new TraceCaches(userDataDir);
  try {
    const experiments = await source.experiments('all');
    const chosen = values['all-experiments']
      ? experiments
      : values.experiment.map((name) => {
          const found = experiments.find((e) => e.name === name);
          if (!found) throw new StratusError({ code: 'NOT_FOUND', message: `There is no experiment named "${name}" in ${source.info.uri}.` });
          return found;
        });
    const filter = { experimentIds: chosen.map((e) => e.experimentId), from, to, topN };
    const origin = traceOrigin(source, CLI_SCOPE);
    if (origin) await syncServer(traceCaches, origin, filter.experimentIds, values['clear-cache']);
    // The summary and the latency read the cache synced just above: one sync per command, not one per figure.
    const use = { caches: traceCaches, scope: CLI_SCOPE, synced: true };
    const summary = await summarizeSource(source, filter, analytics, prices.effective(workspace?.savedId), use);
    const latency = await sourceLatency(source, filter, analytics, use);
    if (values.json) process.stdout.write(`${JSON.stringify({ ...summary, latency }, null, 2)}\n`);
    else if (values.csv) process.stdout.write(`${tokensCsv(summary)}\r\n`);
    else printSummary(summary, latency);
  } finally {
    prices.close();
    await traceCaches.close();
    await analytics.close();
    await source.close();
  }
}
