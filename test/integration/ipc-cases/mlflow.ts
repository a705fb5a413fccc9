import type { MlflowChannel } from '../../../shared/channels/mlflow.js';
import type { MlflowRun, TraceRow } from '../../../shared/schemas/mlflow.js';
import { spy, WORKSPACE_ID, type DomainCases } from './cases.js';

const SOURCE = { kind: 'sqlite', uri: 'sqlite:////home/ds/mlflow.db' } as const;
const RUN_ID = 'd90d823ba24a4929bef2381830403acb';
const TRACE_ID = 'tr-9531985d5d9dc9f81818e811892f902b';
const SPY_RUN: MlflowRun = {
  runId: RUN_ID,
  experimentId: '1',
  name: 'r',
  status: 'FINISHED',
  lifecycleStage: 'active',
  user: null,
  startTime: null,
  endTime: null,
  durationMs: null,
  parentRunId: null,
  artifactUri: null,
  params: {},
  metrics: {},
  tags: {},
};
const SPY_TRACE: TraceRow = {
  traceId: TRACE_ID,
  experimentId: '4',
  timestampMs: 0,
  durationMs: null,
  name: null,
  state: 'OK',
  requestPreview: null,
  responsePreview: null,
  model: null,
  user: null,
  session: null,
  tags: {},
  tokens: null,
  storedTokens: null,
  tokenMismatch: false,
  spanCount: null,
};

export const mlflowCases: DomainCases<MlflowChannel> = {
  spies: {
    'mlflow.status': (args) => spy('mlflow.status', args, { configured: true, source: SOURCE }),
    'mlflow.experiments': (args) => spy('mlflow.experiments', args, { experiments: [], source: SOURCE }),
    'mlflow.runs': (args) => spy('mlflow.runs', args, { runs: [], nextPageToken: null }),
    'mlflow.run': (args) => spy('mlflow.run', args, { run: SPY_RUN, description: null, inputs: [], deletedTime: null, childRunIds: [] }),
    'mlflow.metricHistory': (args) => spy('mlflow.metricHistory', args, { key: 'loss', series: [] }),
    'mlflow.artifacts': (args) => spy('mlflow.artifacts', args, { rootUri: 'wasbs://c@a.blob.core.windows.net/x', path: '', entries: [] }),
    'mlflow.artifact': (args) => spy('mlflow.artifact', args, { kind: 'binary', path: 'x.bin', size: 1 }),
    'mlflow.traces': (args) => spy('mlflow.traces', args, { traces: [], nextPageToken: null, total: 0 }),
    'mlflow.trace': (args) => spy('mlflow.trace', args, { info: SPY_TRACE, metadata: {}, assessments: [], spans: [], spanTotal: 0, spanSource: null, problems: [], spanPayloads: 'included' }),
    'mlflow.span': (args) =>
      spy('mlflow.span', args, {
        spanId: 'e315128862c33a4f',
        parentId: null,
        name: 's',
        type: null,
        status: 'OK',
        statusMessage: '',
        startMs: 0,
        endMs: null,
        inputs: null,
        outputs: null,
        attributes: {},
        events: [],
        exceptions: [],
        messageFormat: null,
        model: null,
        usage: null,
        truncated: false,
      }),
  },
  baselines: {
    'mlflow.status': [{ args: { workspaceId: WORKSPACE_ID } }],
    'mlflow.experiments': [{ args: { workspaceId: WORKSPACE_ID, view: 'deleted' }, optional: ['view'] }],
    'mlflow.runs': [
      { args: { workspaceId: WORKSPACE_ID, experimentIds: ['1', '2'] } },
      { args: { workspaceId: WORKSPACE_ID, experimentIds: ['1'], view: 'all', maxResults: 50, pageToken: 'eyJvZmZzZXQiOjUwfQ' }, optional: ['view', 'maxResults', 'pageToken'] },
    ],
    'mlflow.run': [{ args: { workspaceId: WORKSPACE_ID, runId: RUN_ID } }],
    'mlflow.metricHistory': [{ args: { workspaceId: WORKSPACE_ID, runIds: [RUN_ID], key: 'train_loss' } }],
    'mlflow.artifacts': [
      { args: { workspaceId: WORKSPACE_ID, runId: RUN_ID } },
      { args: { workspaceId: WORKSPACE_ID, runId: RUN_ID, path: 'model_dir/weights' }, optional: ['path'] },
    ],
    'mlflow.artifact': [{ args: { workspaceId: WORKSPACE_ID, runId: RUN_ID, path: 'notes/summary.txt' } }],
    'mlflow.traces': [
      { args: { workspaceId: WORKSPACE_ID, experimentIds: ['4'] } },
      {
        args: {
          workspaceId: WORKSPACE_ID,
          experimentIds: ['1', '4'],
          filter: { states: ['ERROR'], tag: { key: 'env', value: 'prod' }, user: 'alice', session: 'session-1', fromMs: 0, toMs: 1, minTokens: 0, maxTokens: 9, text: 'refund' },
          sort: { by: 'tokens', order: 'desc' },
          pageSize: 50,
          pageToken: 'eyJvZmZzZXQiOjUwfQ',
        },
        optional: ['filter', 'filter.tag', 'filter.tag.value', 'filter.user', 'filter.session', 'filter.text', 'filter.states', 'filter.fromMs', 'filter.toMs', 'filter.minTokens', 'filter.maxTokens', 'sort', 'pageSize', 'pageToken'],
      },
    ],
    'mlflow.trace': [
      { args: { workspaceId: WORKSPACE_ID, traceId: TRACE_ID } },
      { args: { workspaceId: WORKSPACE_ID, traceId: TRACE_ID, spanOffset: 2000, spanLimit: 2000 }, optional: ['spanOffset', 'spanLimit'] },
    ],
    'mlflow.span': [{ args: { workspaceId: WORKSPACE_ID, traceId: TRACE_ID, spanId: 'e315128862c33a4f' } }],
  },
  hostile(field, valid, common) {
    const ids = [...common, '../x', `${valid}/x`, 'has space', `${valid}?x=1`, 'ünïcode'];
    switch (field) {
      case 'view':
        return [...common, 'ACTIVE', 'both', 'active_only', '__proto__'];
      case 'runId':
        return [...ids, '.', '..', 'x'.repeat(65)];
      case 'traceId':
        return [...ids, 'x'.repeat(129)];
      case 'spanId':
        return [...ids, 'x'.repeat(65)];
      case 'artifactPath':
        // Artifact paths are relative to the run's artifact root.
        return [...common, '/etc/passwd', '..', '../x', 'a/../../x', 'a//b', 'a/./b', 'a/', '\\x', 'a\\b', 'x'.repeat(1025)];
      case 'key':
      case 'user':
      case 'session':
        return [...common, 'x'.repeat(251)];
      case 'value':
        return [...common, 'x'.repeat(1001)];
      case 'text':
        return [...common, 'x'.repeat(501)];
      case 'by':
        return [...common, 'Tokens', 'timestamp_ms', 'cost', '__proto__'];
      case 'order':
        return [...common, 'ASC', 'up', '__proto__'];
      default:
        return undefined;
    }
  },
};
