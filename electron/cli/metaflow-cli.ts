import { parseArgs } from 'node:util';
import { RunStatus } from '../../shared/schemas/metaflow.js';
import { StaleAfterHours } from '../../shared/schemas/workspace.js';
import { withCliServices } from './cli-services.js';
import { instant } from './instant.js';
import { METAFLOW_COMMANDS, runMetaflowCommand, type CommandOptions, type MetaflowCommand } from './metaflow-commands.js';
import { isTagAction, runTagCommand } from './metaflow-tag-cli.js';
import { usageError } from './output.js';

// `stratus metaflow …`: the Metaflow commands.

export const METAFLOW_USAGE = `usage: stratus metaflow <command> <target> [options]

commands:
  ls        flows, runs, steps, tasks, or a task's artifacts (name, sha, size, type)
  runs      a flow's runs with status, times, user and tags       (target down to the flow)
  run       a run's steps, tasks, DAG and parameters               (target down to the run)
  task      a task's attempts and artifacts                         (target down to the task)
  artifact  a task's artifact, decoded: stratus metaflow artifact <task target> <name> [--full]
  logs      a task's log: --stream stdout|stderr (default stdout)
  tag       edit a run's user tags on the metadata service:
            tag add <run target> TAG…   tag remove <run target> TAG…   tag replace <run target> OLD NEW

target: <container>/<prefix>[/<Flow>[/<run>[/<step>[/<task>]]]] on Azure,
        or [<Flow>[/<run>…]] inside a local datastore folder given with --local <folder>

options: --endpoint URL  --sysroot <container>/<prefix>  --local <folder>  --attempt N  --json
         --status running|stale|succeeded|failed   (runs: only those)
         --stale-after HOURS   unfinished runs with no activity for this long are stale (default 2)
         --service URL   the Metaflow metadata service (default METAFLOW_SERVICE_URL when
                         METAFLOW_DEFAULT_METADATA=service): users, tags, heartbeats, tag editing
         --namespace TAG|all   runs: the namespace (default user:<you>, as Metaflow's client)
         --user NAME  --tag TAG (repeatable, any of them)   runs: filters run on the service
         --since TIME  --until TIME   runs: started at or after / before (YYYY-MM-DD in UTC, an ISO
                         time, or a span back from now: 7d, 12h); on the service when there is one

Times come from Metaflow's own records (attempt.json, log lines); where only a blob's Last-Modified
exists they are marked ≈, and --json gives the reason in "approximate".

Credentials come from the environment, as in the app: AZURE_STORAGE_CONNECTION_STRING,
AZURE_STORAGE_ACCESS_KEY, or an Azure identity (DefaultAzureCredential).
The endpoint defaults to METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT. METAFLOW_SERVICE_AUTH_KEY and
METAFLOW_SERVICE_HEADERS are sent only to the service METAFLOW_SERVICE_URL names.`;

function isCommand(value: string | undefined): value is MetaflowCommand {
  return (METAFLOW_COMMANDS as readonly string[]).includes(value ?? '');
}

export async function metaflowCli(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      endpoint: { type: 'string' },
      sysroot: { type: 'string' },
      local: { type: 'string' },
      attempt: { type: 'string' },
      stream: { type: 'string', default: 'stdout' },
      full: { type: 'boolean', default: false },
      status: { type: 'string' },
      'stale-after': { type: 'string' },
      service: { type: 'string' },
      namespace: { type: 'string' },
      user: { type: 'string' },
      tag: { type: 'string', multiple: true },
      since: { type: 'string' },
      until: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${METAFLOW_USAGE}\n`);
    return;
  }
  if (positionals[0] === 'tag') {
    const [, action, tagTarget = '', ...tags] = positionals;
    if (!isTagAction(action) || tagTarget === '') throw usageError(METAFLOW_USAGE);
    const target = { target: tagTarget, endpoint: values.endpoint, sysroot: values.sysroot, local: values.local, service: values.service, json: values.json };
    await withCliServices((services) => runTagCommand(services, action, tags, target, process.env));
    return;
  }
  const [command, target = '', name, ...rest] = positionals;
  const targetNeeded = values.local === undefined && target === '';
  if (!isCommand(command) || targetNeeded || rest.length > 0 || (name !== undefined && command !== 'artifact')) {
    throw usageError(METAFLOW_USAGE);
  }
  const attempt = values.attempt === undefined ? undefined : Number(values.attempt);
  if (attempt !== undefined && !(Number.isInteger(attempt) && attempt >= 0)) throw usageError('--attempt takes a number: 0, 1, …');
  if (values.stream !== 'stdout' && values.stream !== 'stderr') throw usageError('--stream is stdout or stderr.');
  const status = values.status === undefined ? undefined : RunStatus.safeParse(values.status);
  if (status !== undefined && !status.success) throw usageError('--status is running, stale, succeeded or failed.');
  const staleAfterHours = values['stale-after'] === undefined ? undefined : StaleAfterHours.safeParse(Number(values['stale-after']));
  if (staleAfterHours !== undefined && !staleAfterHours.success) throw usageError(`--stale-after: ${staleAfterHours.error.issues[0]?.message ?? 'a number of hours'}.`);
  const now = Date.now();
  const since = instant(values.since, 'since', now);
  const until = instant(values.until, 'until', now);
  if (since !== undefined && until !== undefined && since >= until) throw usageError('--since must be before --until.');
  const options: CommandOptions = {
    target,
    endpoint: values.endpoint,
    sysroot: values.sysroot,
    local: values.local,
    json: values.json,
    attempt,
    stream: values.stream,
    full: values.full,
    name,
    status: status?.data,
    staleAfterHours: staleAfterHours?.data,
    service: values.service,
    query: {
      ...(values.namespace === undefined ? {} : values.namespace === 'all' ? { allNamespaces: true } : { namespace: values.namespace }),
      ...(values.user === undefined ? {} : { user: values.user }),
      ...(values.tag === undefined ? {} : { tags: values.tag }),
      ...(since === undefined ? {} : { since }),
      ...(until === undefined ? {} : { until }),
    },
  };
  await withCliServices((services) => runMetaflowCommand(services, command, options, process.env));
}
