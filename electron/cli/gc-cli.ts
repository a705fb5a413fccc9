import path from 'node:path';
import { parseArgs } from 'node:util';
import type { GcPlan, GcReport } from '../../shared/schemas/gc.js';
import { GcPlanArgs } from '../../shared/schemas/gc.js';
import { softDeleteText } from '../../shared/soft-delete.js';
import { GcService } from '../gc/gc-service.js';
import { gcWorkspace } from '../gc/gc-workspace.js';
import { GcJournal, JOURNAL_FILE } from '../gc/journal.js';
import { withCliServices } from './cli-services.js';
import { defaultUserDataDir } from '../user-data.js';
import { openTarget } from './metaflow-target.js';
import { printTable, usageError } from './output.js';
import { envForTrackingUri } from './tracking-env.js';

// `stratus gc …`: plan (a dry run, kept in the journal), run a plan, list past runs.

export const GC_USAGE = `usage: stratus gc <command> [<sysroot>] [options]

commands:
  plan      what gc would delete (a dry run); prints the plan id
  run       execute a plan: stratus gc run <sysroot> --plan <id> --confirm <workspace name>
  history   past plans and runs

target: <container>/<prefix> on Azure, or --local <folder> for a local datastore

plan options:
  --flow F (repeatable)   Metaflow: only these flows
  --grace-hours N         Metaflow: keep blobs younger than N hours (default 168, at least 1)
  --mlflow URI            MLflow instead of Metaflow: sqlite:////path/mlflow.db, or a
                          tracking server http(s)://… (artifacts only)
  --older-than 30d        MLflow: only runs deleted at least this long ago
  --traces                MLflow: also traces.json left behind by deleted traces
run options:
  --mlflow URI            the tracking server of the plan again, for MLFLOW_TRACKING_TOKEN and the
                          like (else they go only to MLFLOW_TRACKING_URI's server)
options: --endpoint URL  --local <folder>  --json

The journal is gc.db in the user data folder (STRATUS_USER_DATA).`;

export async function gcCli(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      endpoint: { type: 'string' },
      local: { type: 'string' },
      flow: { type: 'string', multiple: true },
      'grace-hours': { type: 'string' },
      mlflow: { type: 'string' },
      'older-than': { type: 'string' },
      traces: { type: 'boolean', default: false },
      plan: { type: 'string' },
      confirm: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${GC_USAGE}\n`);
    return;
  }
  const [command, target = '', ...rest] = positionals;
  if (rest.length > 0 || (command !== 'plan' && command !== 'run' && command !== 'history')) throw usageError(GC_USAGE);
  const journal = GcJournal.open(path.join(defaultUserDataDir(process.env), JOURNAL_FILE));
  try {
    if (command === 'history') {
      const history = new GcService(journal, () => {
        throw usageError('history needs no workspace');
      }).history();
      if (values.json) process.stdout.write(`${JSON.stringify(history, null, 2)}\n`);
      else printTable(history.runs.map((r) => ({ ...r, createdAt: new Date(r.createdAt).toISOString() })), ['planId', 'target', 'workspaceName', 'createdAt', 'state', 'planned', 'deleted', 'deletedBytes']);
      return;
    }
    if (values.local === undefined && target === '') throw usageError(GC_USAGE);
    await withCliServices(async (services) => {
      const { workspaceId } = await openTarget(services, { target, endpoint: values.endpoint, local: values.local }, process.env);
      const gc = new GcService(
        journal,
        () => gcWorkspace(services.workspaces.get(workspaceId)),
        (p) => {
          if (!values.json) process.stderr.write(`\r${p.phase} ${p.done}/${p.total}${p.phase === 'done' ? '\n' : ''}`);
        },
        envForTrackingUri(values.mlflow),
      );
      if (command === 'plan') {
        const args = GcPlanArgs.safeParse({
          workspaceId,
          target: values.mlflow === undefined ? 'metaflow' : 'mlflow',
          flows: values.flow,
          graceHours: values['grace-hours'] === undefined ? undefined : Number(values['grace-hours']),
          trackingUri: values.mlflow,
          olderThan: values['older-than'],
          includeTraces: values.traces || undefined,
        });
        if (!args.success) throw usageError(args.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
        printPlan(await gc.plan(args.data), values.json);
        return;
      }
      if (values.plan === undefined || values.confirm === undefined) throw usageError('run needs --plan <id> and --confirm <workspace name>.');
      printReport(await gc.execute(values.plan, values.confirm), values.json);
    });
  } finally {
    journal.close();
  }
}

function printPlan(plan: GcPlan, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    return;
  }
  printTable(plan.groups.map((g) => ({ ...g, blocked: g.blocked ?? '' })), ['name', 'objects', 'bytes', 'candidates', 'candidateBytes', 'recent', 'runs', 'blocked']);
  for (const note of plan.notes) process.stdout.write(`note: ${note}\n`);
  process.stdout.write(`soft delete: ${softDeleteText(plan.softDelete)}\n`);
  process.stdout.write(`plan ${plan.planId}: ${plan.candidates} object(s), ${plan.candidateBytes} bytes; run it with --plan ${plan.planId} --confirm "${plan.workspaceName}"\n`);
}

function printReport(report: GcReport, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `\ndeleted ${report.deleted} (${report.deletedBytes} bytes), already gone ${report.gone}, changed since plan ${report.changed}, referenced again ${report.reachable}, failed ${report.failed}\n`,
  );
  if (report.target === 'mlflow') process.stdout.write(`runs removed ${report.runsRemoved}, experiments removed ${report.experimentsRemoved}\n`);
  for (const p of report.problems) process.stdout.write(`  ${p.name}: ${p.detail}\n`);
  for (const note of report.notes) process.stdout.write(`note: ${note}\n`);
  if (report.softDelete) process.stdout.write(`soft delete: ${softDeleteText(report.softDelete)}\n`);
}
