import { parseArgs } from 'node:util';
import { UsageArgs, type UsageRow } from '../../shared/schemas/usage.js';
import { withCliServices } from './cli-services.js';
import { openTarget } from './metaflow-target.js';
import { printTable, usageError } from './output.js';

// `stratus usage <sysroot>`: the usage view's figures (per flow, or a flow's runs, or a run's
// steps) with gc's would-free per flow, built the same way (the CLI keeps no index, so a temporary one).

export const USAGE_USAGE = `usage: stratus usage [<sysroot>] [options]

Storage per flow (or, with --flow, per run; with --run too, per step): artifact bytes unique to it
and shared with other runs, unreferenced (flows), what gc would free now (flows), logs, cards and
artifact bytes per access tier.

target: <container>/<prefix> on Azure, or --local <folder> for a local datastore

options:
  --flow F     the flow's runs
  --run R      the run's steps (with --flow)
  --json       the figures as JSON
  --endpoint URL  --local <folder>`;

function tiers(row: UsageRow): string {
  return Object.entries(row.tiers)
    .map(([tier, bytes]) => `${tier}=${bytes}`)
    .join(' ');
}

export async function usageCli(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      endpoint: { type: 'string' },
      local: { type: 'string' },
      flow: { type: 'string' },
      run: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE_USAGE}\n`);
    return;
  }
  const [target = '', ...rest] = positionals;
  if (rest.length > 0 || (values.local === undefined && target === '')) throw usageError(USAGE_USAGE);
  await withCliServices(async (services) => {
    const { workspaceId } = await openTarget(services, { target, endpoint: values.endpoint, local: values.local }, process.env);
    const args = UsageArgs.safeParse({ workspaceId, flow: values.flow, run: values.run });
    if (!args.success) throw usageError(args.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const build = await services.usage.build(workspaceId);
    const table = await services.usage.table(args.data);
    const gcFree = table.level === 'flows' ? await services.usage.gcFree(workspaceId) : undefined;
    const free = new Map(gcFree?.flows.map((f) => [f.flow, f.candidateBytes]));
    const rows = table.rows.map((r) => (gcFree ? { ...r, gcWouldFreeBytes: free.get(r.name) ?? 0 } : r));
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ level: table.level, build, rows, total: table.total, ...(gcFree ? { gcGraceHours: gcFree.graceHours } : {}) }, null, 2)}\n`);
      return;
    }
    const columns = ['name', 'tasks', 'uniqueBytes', 'uniqueCount', 'sharedBytes', 'sharedCount', 'logBytes', 'cardBytes', 'tiers'];
    if (table.level === 'flows') columns.splice(1, 0, 'runs', 'unreferencedBytes', 'gcWouldFreeBytes');
    printTable(
      rows.map((r) => ({ ...r, tiers: tiers(r) })),
      columns,
    );
    if (table.total > table.rows.length) process.stdout.write(`the largest ${table.rows.length} of ${table.total} shown\n`);
  });
}
