import type { MlflowTokensChannel } from '../../../shared/channels/mlflow-tokens.js';
import type { TokensLatency, TokensSummary } from '../../../shared/schemas/mlflow-tokens.js';
import { spy, WORKSPACE_ID, type DomainCases } from './cases.js';

const EMPTY_SUMMARY: TokensSummary = {
  totals: { input: 0, output: 0, total: 0, traces: 0, tracesWithUsage: 0 },
  days: [],
  models: [],
  users: [],
  userCount: 0,
  sessions: [],
  sessionCount: 0,
  perTrace: { p50: null, p90: null, p99: null },
  topTraces: [],
  cost: { total: null, unpricedModels: [], catalogDate: '2025-09-01' },
  mismatches: { count: 0, traceIds: [] },
};

const EMPTY_LATENCY: TokensLatency = { traces: { count: 0, p50: null, p90: null, p99: null, errors: 0, errorRate: null }, days: [], spanTypes: [], models: [], spansRead: true };

export const mlflowTokensCases: DomainCases<MlflowTokensChannel> = {
  spies: {
    'mlflow.tokens.summary': (args) => spy('mlflow.tokens.summary', args, EMPTY_SUMMARY),
    'mlflow.tokens.latency': (args) => spy('mlflow.tokens.latency', args, EMPTY_LATENCY),
    'mlflow.tokens.prices.get': (args) => spy('mlflow.tokens.prices.get', args, { rows: [] }),
    'mlflow.tokens.prices.set': (args) => spy('mlflow.tokens.prices.set', args, { rows: [] }),
    'mlflow.tokens.prices.workspace.get': (args) => spy('mlflow.tokens.prices.workspace.get', args, { saved: true, rows: [] }),
    'mlflow.tokens.prices.workspace.set': (args) => spy('mlflow.tokens.prices.workspace.set', args, { saved: true, rows: [] }),
    'mlflow.tokens.cache.clear': (args) => spy('mlflow.tokens.cache.clear', args, { applicable: true, traces: 0 }),
    'mlflow.tokens.cache.status': (args) => spy('mlflow.tokens.cache.status', args, null),
    'mlflow.tokens.cache.cancel': (args) => spy('mlflow.tokens.cache.cancel', args, { cancelled: false }),
  },
  baselines: {
    'mlflow.tokens.summary': [
      { args: { workspaceId: WORKSPACE_ID, experimentIds: ['1', '4'] } },
      { args: { workspaceId: WORKSPACE_ID, experimentIds: ['4'], from: 1794700000000, to: 1794800000000, topN: 20 }, optional: ['from', 'to', 'topN'] },
    ],
    'mlflow.tokens.latency': [
      { args: { workspaceId: WORKSPACE_ID, experimentIds: ['1'] } },
      { args: { workspaceId: WORKSPACE_ID, experimentIds: ['4'], from: 1794700000000, to: 1794800000000 }, optional: ['from', 'to'] },
    ],
    'mlflow.tokens.prices.get': [{ args: {} }],
    'mlflow.tokens.prices.set': [
      { args: { rows: [{ model: 'gpt-4o', inputPer1M: 2.5, outputPer1M: 10 }] } },
      { args: { rows: [] } },
    ],
    'mlflow.tokens.prices.workspace.get': [{ args: { workspaceId: WORKSPACE_ID } }],
    'mlflow.tokens.prices.workspace.set': [
      { args: { workspaceId: WORKSPACE_ID, rows: [{ model: 'gpt-4o', inputPer1M: 2, outputPer1M: 8, cachedInputPer1M: null }] } },
      { args: { workspaceId: WORKSPACE_ID, rows: [] } },
    ],
    'mlflow.tokens.cache.clear': [{ args: { workspaceId: WORKSPACE_ID } }],
    'mlflow.tokens.cache.status': [{ args: { workspaceId: WORKSPACE_ID } }],
    'mlflow.tokens.cache.cancel': [{ args: { workspaceId: WORKSPACE_ID } }],
  },
};
