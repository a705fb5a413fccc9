import type { MetaflowChannel } from '../../../shared/channels/metaflow.js';
import type { RunSummary, TaskSummary } from '../../../shared/contract.js';
import { spy, WORKSPACE_ID, type DomainCases } from './cases.js';

const SPY_RUN: RunSummary = { flow: 'F', id: '1', status: 'running', startedAt: null, finishedAt: null, durationMs: null, user: null, tags: null, systemTags: null, lastActivityAt: null, approximate: null, failure: null };
const SPY_TASK: TaskSummary = { step: 'start', id: '1', status: 'running', attempts: [], cloned: false, caught: null, problems: [] };
const TASK = { flow: 'RetryFlow', run: '1795327214776270', step: 'flaky', task: '2' };

export const metaflowCases: DomainCases<MetaflowChannel> = {
  spies: {
    'metaflow.list': (args) => spy('metaflow.list', args, { level: 'flows', entries: [] }),
    'metaflow.flowSummary': (args) => spy('metaflow.flowSummary', args, { flow: 'F', runCount: 0, latest: null }),
    'metaflow.runs': (args) => spy('metaflow.runs', args, { runs: [], metadata: 'none', fromIndex: false }),
    'metaflow.runsVisible': (args) => spy('metaflow.runsVisible', args, null),
    'metaflow.run': (args) => spy('metaflow.run', args, { summary: SPY_RUN, steps: [], tasks: [], parameters: [], resumed: null, problems: [] }),
    'metaflow.tasksVisible': (args) => spy('metaflow.tasksVisible', args, null),
    'metaflow.task': (args) => spy('metaflow.task', args, { task: SPY_TASK, attempt: 0, artifacts: [], artifactProblem: null, cards: [] }),
    'metaflow.artifact': (args) => spy('metaflow.artifact', args, { value: { kind: 'none' }, complete: true, bytesRead: 4, totalBytes: 4, loadable: true, blob: 'F/data/ab/abcdef' }),
    'metaflow.artifactTier': (args) => spy('metaflow.artifactTier', args, { accessTier: 'Hot', archiveStatus: null }),
    'metaflow.artifactTiers': (args) => spy('metaflow.artifactTiers', args, { tiers: [] }),
    'metaflow.rehydrate': (args) => spy('metaflow.rehydrate', args, { accessTier: 'Archive', archiveStatus: 'rehydrate-pending-to-hot' }),
    'metaflow.artifactFile': (args) => spy('metaflow.artifactFile', args, { fileName: 'x.pkl', mimeType: 'application/octet-stream', base64: '' }),
    'metaflow.logs': (args) => spy('metaflow.logs', args, { lines: [], bytes: 0, live: false }),
    'metaflow.tags': (args) => spy('metaflow.tags', args, SPY_RUN),
    'metaflow.card': (args) => spy('metaflow.card', args, { cardId: 'spy' }),
  },
  hostile(field, _valid, common) {
    switch (field) {
      case 'namespace':
      case 'tags':
      case 'add':
      case 'remove':
        return [...common, 'x'.repeat(501)];
      case 'status':
        return [...common, 'completed', 'RUNNING', 'all', '__proto__'];
      case 'cursor':
        return [...common, 'has space', '{"ts_epoch": 1}', 'x'.repeat(4097)];
      case 'tier':
        return [...common, 'hot', 'Archive', 'Cold', 'Premium', '__proto__'];
      case 'priority':
        return [...common, 'high', 'Urgent', 'Rehydrate', '__proto__'];
      default:
        return undefined;
    }
  },
  baselines: {
    'metaflow.list': [
      { args: { workspaceId: WORKSPACE_ID } },
      { args: { workspaceId: WORKSPACE_ID, flow: 'RetryFlow', run: '1795327214776270', step: 'flaky', task: '2' }, optional: ['task'] },
    ],
    'metaflow.flowSummary': [{ args: { workspaceId: WORKSPACE_ID, flow: 'RetryFlow' } }],
    'metaflow.runs': [
      { args: { workspaceId: WORKSPACE_ID, flow: 'RetryFlow' } },
      { args: { workspaceId: WORKSPACE_ID, flow: 'RetryFlow', query: { namespace: 'user:alice', tags: ['team:red'], status: 'failed', limit: 50 } }, optional: ['query', 'query.namespace', 'query.tags', 'query.status', 'query.limit'] },
      { args: { workspaceId: WORKSPACE_ID, flow: 'RetryFlow', progressive: true }, optional: ['progressive'] },
    ],
    'metaflow.runsVisible': [{ args: { workspaceId: WORKSPACE_ID, flow: 'RetryFlow', ids: ['1795327214776270', 'argo-x'] } }],
    'metaflow.tags': [{ args: { workspaceId: WORKSPACE_ID, flow: 'RetryFlow', run: '4', add: ['triaged'], remove: ['expected-failure'] } }],
    'metaflow.run': [{ args: { workspaceId: WORKSPACE_ID, flow: 'RetryFlow', run: '1795327214776270', progressive: true }, optional: ['progressive'] }],
    'metaflow.tasksVisible': [{ args: { workspaceId: WORKSPACE_ID, flow: 'RetryFlow', run: '1795327214776270', tasks: [{ step: 'flaky', task: '2' }] } }],
    'metaflow.task': [{ args: { workspaceId: WORKSPACE_ID, ...TASK, attempt: 1 }, optional: ['attempt'] }],
    'metaflow.artifact': [{ args: { workspaceId: WORKSPACE_ID, ...TASK, name: '_task_ok', full: true }, optional: ['full'] }],
    'metaflow.artifactTier': [{ args: { workspaceId: WORKSPACE_ID, ...TASK, name: 'df' } }],
    'metaflow.artifactTiers': [{ args: { workspaceId: WORKSPACE_ID, ...TASK, names: ['df', '_task_ok'] } }],
    'metaflow.rehydrate': [
      { args: { workspaceId: WORKSPACE_ID, ...TASK, name: 'df', tier: 'Hot', priority: 'Standard' } },
      { args: { workspaceId: WORKSPACE_ID, ...TASK, name: 'df', tier: 'Cool', priority: 'High' } },
    ],
    'metaflow.artifactFile': [
      { args: { workspaceId: WORKSPACE_ID, ...TASK, name: 'df', format: 'json' } },
      { args: { workspaceId: WORKSPACE_ID, ...TASK, name: 'df', format: 'pickle' } },
    ],
    'metaflow.logs': [
      { args: { workspaceId: WORKSPACE_ID, ...TASK, stream: 'stdout' } },
      { args: { workspaceId: WORKSPACE_ID, ...TASK, stream: 'stderr', attempt: 0 }, optional: ['attempt'] },
    ],
    'metaflow.card': [{ args: { workspaceId: WORKSPACE_ID, ...TASK, file: 'default-654039f12611499ab439dd0b41fe8565.html' } }],
  },
};
