import { describeTier, REHYDRATE_TRADEOFF } from '../../shared/access-tier.js';
import type { RunListQuery, RunStatus, RunSummary } from '../../shared/schemas/metaflow.js';
import type { Env } from '../azure/blob-client.js';
import type { FlowPath } from '../metaflow/layout.js';
import type { Services } from '../services.js';
import { startedWithin } from '../metaflow/service/service-runs.js';
import { call } from './call.js';
import { openTarget, type TargetOptions } from './metaflow-target.js';
import { printTable, usageError } from './output.js';

// `stratus metaflow ls|runs|run|task|artifact|logs`: each prints a table, or JSON with --json.

export const METAFLOW_COMMANDS = ['ls', 'runs', 'run', 'task', 'artifact', 'logs'] as const;
export type MetaflowCommand = (typeof METAFLOW_COMMANDS)[number];

export interface CommandOptions extends TargetOptions {
  json: boolean;
  attempt?: number;
  stream: 'stdout' | 'stderr';
  full: boolean;
  /** The artifact name, for `artifact`. */
  name?: string;
  /** `runs`: only runs with this status. */
  status?: RunStatus;
  /** `runs` with a service: the namespace (a tag, or null for all; default the user's), user and tags. */
  query?: Omit<RunListQuery, 'cursor' | 'limit' | 'status'>;
}

function need<K extends keyof FlowPath>(path: FlowPath, keys: K[], command: string): Required<Pick<FlowPath, K>> {
  for (const key of keys) if (path[key] === undefined) throw usageError(`stratus metaflow ${command} needs a path down to the ${key}.`);
  return path as Required<Pick<FlowPath, K>>;
}

function print(json: boolean, value: unknown, table: () => void): void {
  if (json) process.stdout.write(`${JSON.stringify(value, null, 1)}\n`);
  else table();
}

const time = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());
/** A time from blob Last-Modified is marked; `--json` carries the reason in `approximate`. */
const approx = (text: string, approximate: string | null) => (approximate && text !== '' ? `≈${text}` : text);

export async function runMetaflowCommand(services: Services, command: MetaflowCommand, options: CommandOptions, env: Env): Promise<void> {
  const { workspaceId, path } = await openTarget(services, options, env);
  const attempt = options.attempt;
  switch (command) {
    case 'ls': {
      const listing = await call(services, 'metaflow.list', { workspaceId, ...path });
      return print(options.json, listing.entries, () => {
        if (listing.level === 'artifacts') process.stdout.write(`attempt ${listing.attempt}\n`);
        printTable(listing.entries, listing.level === 'artifacts' ? ['name', 'type', 'size', 'sha'] : ['name']);
      });
    }
    case 'runs': {
      const { flow } = need(path, ['flow'], command);
      const runs = await listRuns(services, workspaceId, flow, options);
      return print(options.json, runs, () =>
        printTable(
          runs.map((r) => ({
            ...r,
            name: r.id,
            started: approx(time(r.startedAt), r.approximate),
            durationMs: approx(r.durationMs === null ? '' : String(r.durationMs), r.approximate),
            lastActivity: r.status === 'stale' ? time(r.lastHeartbeatAt ?? r.lastActivityAt) : '',
            tags: r.tags?.join(',') ?? '',
          })),
          ['name', 'status', 'started', 'durationMs', 'lastActivity', 'user', 'tags'],
        ),
      );
    }
    case 'run': {
      const { flow, run } = need(path, ['flow', 'run'], command);
      const detail = await call(services, 'metaflow.run', { workspaceId, flow, run });
      return print(options.json, detail, () => {
        const { summary } = detail;
        process.stdout.write(
          `${flow}/${run}: ${summary.status}, started ${approx(time(summary.startedAt), summary.approximate)}, ` +
            `duration ${approx(summary.durationMs === null ? '?' : `${summary.durationMs} ms`, summary.approximate)}` +
            `${summary.status === 'stale' ? `, no activity since ${time(summary.lastActivityAt)}` : ''}` +
            `${summary.lastHeartbeatAt == null ? '' : `, last heartbeat ${time(summary.lastHeartbeatAt)}`}` +
            `${summary.user === null ? '' : `, user ${summary.user}`}${summary.tags === null ? '' : `, tags ${summary.tags.join(',')}`}\n`,
        );
        printTable(detail.steps, ['name', 'type', 'taskCount', 'status']);
        for (const problem of detail.problems) process.stdout.write(`warning: ${problem}\n`);
        for (const task of detail.tasks) for (const problem of task.problems) process.stdout.write(`warning: ${task.step}/${task.id}: ${problem}\n`);
        if (summary.approximate) process.stdout.write(`note: ≈ times are approximate: ${summary.approximate}\n`);
      });
    }
    case 'task': {
      const ref = need(path, ['flow', 'run', 'step', 'task'], command);
      const detail = await call(services, 'metaflow.task', { workspaceId, ...ref, attempt });
      return print(options.json, detail, () => {
        printTable(detail.task.attempts.map((a) => ({ ...a, started: time(a.startedAt), finished: time(a.finishedAt) })), ['attempt', 'status', 'started', 'finished']);
        printTable(detail.artifacts, ['name', 'type', 'size', 'sha']);
      });
    }
    case 'artifact': {
      const ref = need(path, ['flow', 'run', 'step', 'task'], command);
      if (!options.name) throw usageError('stratus metaflow artifact needs the artifact name after the task path.');
      const preview = await call(services, 'metaflow.artifact', { workspaceId, ...ref, attempt, name: options.name, full: options.full });
      // An archived blob has no value to print: say so on stdout (it is the answer, not a failure).
      if (preview.archived && !options.json) {
        process.stdout.write(`${options.name}: ${describeTier(preview.archived)}; blob ${preview.blob}\n`);
        process.stdout.write(`Rehydrate it (Set Blob Tier to Hot or Cool) before reading it. ${REHYDRATE_TRADEOFF.Standard} ${REHYDRATE_TRADEOFF.High}\n`);
        return;
      }
      return print(true, options.json ? preview : preview.value, () => undefined);
    }
    case 'logs': {
      const ref = need(path, ['flow', 'run', 'step', 'task'], command);
      const logs = await call(services, 'metaflow.logs', { workspaceId, ...ref, attempt, stream: options.stream });
      return print(options.json, logs.lines, () => {
        for (const line of logs.lines) process.stdout.write(`${line.text}\n`);
      });
    }
  }
}

/** Every run of the flow (all pages of a service's list), with the filters the service runs for us. */
async function listRuns(services: Services, workspaceId: string, flow: string, options: CommandOptions): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  let cursor: string | undefined;
  do {
    const query = { ...options.query, ...(options.status === undefined ? {} : { status: options.status }), ...(cursor === undefined ? {} : { cursor }), limit: 500 };
    const list = await call(services, 'metaflow.runs', { workspaceId, flow, query });
    // A datastore's list is not filtered by main (the app filters it on screen): status and times apply here.
    runs.push(...list.runs.filter((r) => (options.status === undefined || r.status === options.status) && startedWithin(r, options.query?.since, options.query?.until)));
    cursor = list.next;
  } while (cursor !== undefined);
  return runs;
}
