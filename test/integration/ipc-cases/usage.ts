import type { UsageChannel } from '../../../shared/channels/usage.js';
import { spy, WORKSPACE_ID, type DomainCases } from './cases.js';

export const usageCases: DomainCases<UsageChannel> = {
  spies: {
    'usage.metaflowBuild': (args) => spy('usage.metaflowBuild', args, { flows: 0, runs: 0, scanned: 0, requests: 0, builtAt: 1 }),
    'usage.metaflow': (args) => spy('usage.metaflow', args, { level: 'flows', rows: [], total: 0, builtAt: null }),
    'usage.metaflowGcFree': (args) => spy('usage.metaflowGcFree', args, { graceHours: 168, flows: [] }),
    'usage.setRunTier': (args) => spy('usage.setRunTier', args, { changed: 0, bytes: 0, failed: [], failedCount: 0 }),
  },
  baselines: {
    'usage.metaflowBuild': [{ args: { workspaceId: WORKSPACE_ID } }],
    'usage.metaflow': [{ args: { workspaceId: WORKSPACE_ID, flow: 'RetryFlow', run: '1795327214776270', sort: 'uniqueBytes' }, optional: ['sort', 'run'] }],
    'usage.metaflowGcFree': [{ args: { workspaceId: WORKSPACE_ID } }],
    'usage.setRunTier': [{ args: { workspaceId: WORKSPACE_ID, flow: 'ArtifactTypesFlow', run: '1795327214776270', newTier: 'Cool', confirm: 'metaflow-fixture' } }],
  },
  hostile: (field, _valid, common) => {
    switch (field) {
      case 'sort':
        return [...common, 'UNIQUEBYTES', 'size', '__proto__'];
      case 'confirm':
        return [...common, 'a'.repeat(64)];
      default:
        return undefined;
    }
  },
};
