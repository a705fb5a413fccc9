import type { GcChannel } from '../../../shared/channels/gc.js';
import type { GcReport } from '../../../shared/schemas/gc.js';
import { spy, WORKSPACE_ID, type DomainCases } from './cases.js';

const PLAN_ID = '0b7d9a52-3c1e-4f6a-9d2b-8e1f2a3b4c5d';
const REPORT: GcReport = {
  planId: PLAN_ID,
  target: 'metaflow',
  workspaceName: 'Prod',
  state: 'done',
  startedAt: 1,
  finishedAt: 2,
  planned: 0,
  deleted: 0,
  deletedBytes: 0,
  gone: 0,
  changed: 0,
  reachable: 0,
  failed: 0,
  problems: [],
  runsRemoved: 0,
  experimentsRemoved: 0,
  rowsRemoved: {},
  notes: [],
};

export const gcCases: DomainCases<GcChannel> = {
  spies: {
    'gc.plan': (args) =>
      spy('gc.plan', args, { planId: PLAN_ID, target: 'metaflow', workspaceName: 'Prod', createdAt: 1, groups: [], candidates: 0, candidateBytes: 0, sample: [], requests: 0, notes: [], softDelete: { state: 'enabled', days: 7, detail: null } }),
    'gc.execute': (args) => spy('gc.execute', args, REPORT),
    'gc.history': (args) => spy('gc.history', args, { runs: [] }),
  },
  baselines: {
    'gc.plan': [
      { args: { workspaceId: WORKSPACE_ID, target: 'metaflow', flows: ['RetryFlow'], graceHours: 168 }, optional: ['flows', 'graceHours'] },
      {
        args: { workspaceId: WORKSPACE_ID, target: 'mlflow', olderThan: '30d', trackingUri: 'sqlite:////home/ds/mlflow.db', includeTraces: true },
        optional: ['olderThan', 'trackingUri', 'includeTraces'],
      },
    ],
    'gc.execute': [{ args: { planId: PLAN_ID, confirm: 'Prod' } }],
    'gc.history': [{ args: {} }],
  },
  hostile(field, valid, common) {
    switch (field) {
      case 'target':
        return [...common, 'METAFLOW', 'both', 'azure', '__proto__', 'constructor'];
      case 'planId':
        return [...common, 'not-a-uuid', `${valid}x`, `${valid}/../x`, '../x'];
      case 'olderThan':
        return [...common, 'd', '30', '1x', '-1d', '1.5d', '1d 2h', 'h1', '1d1d', `${'9'.repeat(40)}d`];
      case 'trackingUri':
        return [...common, 'databricks', 'sqlite://', 'sqlite:///', 'http://', 'https:// x', 'file:///home/ds/mlflow.db', 'ftp://host/x', `sqlite:///${'x'.repeat(4097)}`];
      case 'confirm':
        return [...common, 'x'.repeat(4097)];
      default:
        return undefined;
    }
  },
};
