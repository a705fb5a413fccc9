import type { WorkspaceChannel } from '../../../shared/channels/workspace.js';
import type { WorkspaceInfo } from '../../../shared/contract.js';
import { spy, WORKSPACE_ID, type DomainCases } from './cases.js';

const SPY_ID = '00000000-0000-4000-8000-000000000000';
const SPY_INFO: WorkspaceInfo = { id: SPY_ID, kind: 'azure', sysroot: 'spy', endpoint: 'spy', authMethod: 'spy' };
export const SYSROOT = 'metaflow-fixture/ds';
export const ENDPOINT = 'https://acct.blob.core.windows.net';
export const CONNECTION_STRING = 'AccountName=acct;AccountKey=a2V5';

export const workspaceCases: DomainCases<WorkspaceChannel> = {
  spies: {
    'workspace.defaults': (args) => spy('workspace.defaults', args, {}),
    'workspace.open': (args) => spy('workspace.open', args, SPY_INFO),
    'workspace.list': (args) => spy('workspace.list', args, { workspaces: [], secretsPersisted: false }),
    'workspace.save': (args) => spy('workspace.save', args, { id: args.id ?? SPY_ID, config: args.config, hasSecret: args.secret !== undefined }),
    'workspace.remove': (args) => spy('workspace.remove', args, { removed: true }),
    'workspace.connect': (args) => spy('workspace.connect', args, SPY_INFO),
    'workspace.useSysroot': (args) => spy('workspace.useSysroot', args, SPY_INFO),
    'workspace.get': (args) => spy('workspace.get', args, SPY_INFO),
    'workspace.import': (args) => spy('workspace.import', args, { candidates: [] }),
    'workspace.openSample': (args) =>
      spy('workspace.openSample', args, { id: SPY_ID, config: { kind: 'local', name: 'Sample workspace', path: '/home/ds/sample' }, hasSecret: false }),
    'settings.get': (args) => spy('settings.get', args, { debugLogging: false }),
    'settings.set': (args) => spy('settings.set', args, args),
  },
  // Together the baselines hold every field of every argument shape, each credential and workspace kind.
  baselines: {
    'workspace.defaults': [{ args: {} }],
    'workspace.open': [
      // Azure, with `kind` left out as older callers do.
      { args: { sysroot: SYSROOT, endpoint: 'http://127.0.0.1:10000/devstoreaccount1', credential: { kind: 'environment' } } },
      {
        args: {
          kind: 'azure',
          sysroot: 'metaflow-fixture',
          endpoint: ENDPOINT,
          credential: { kind: 'connectionString', connectionString: CONNECTION_STRING },
          cardRoot: 'metaflow-fixture/cards',
          mlflowTrackingUri: 'sqlite:////home/ds/mlflow.db',
        },
        optional: ['kind', 'cardRoot', 'mlflowTrackingUri'],
      },
      { args: { sysroot: 'abc/a/b', endpoint: `${ENDPOINT}/`, credential: { kind: 'accountKey', accountKey: 'a2V5' } } },
      { args: { kind: 'azure', sysroot: SYSROOT, endpoint: ENDPOINT, credential: { kind: 'sas', sas: 'sv=2024-11-04&sp=rl&se=2030-01-01T00%3A00%3A00Z&sig=c2ln' } }, optional: ['kind'] },
      { args: { sysroot: SYSROOT, endpoint: ENDPOINT, credential: { kind: 'identity', tenantId: 'contoso.onmicrosoft.com' } }, optional: ['credential.tenantId'] },
      { args: { kind: 'local', path: '/home/ds/work', mlflowTrackingUri: 'http://127.0.0.1:5000' }, optional: ['mlflowTrackingUri'] },
      { args: { kind: 'local', path: 'C:\\Users\\ds\\work' } },
    ],
    'workspace.list': [{ args: {} }],
    'workspace.save': [
      {
        args: {
          config: { kind: 'azure', name: 'Prod', sysroot: SYSROOT, endpoint: ENDPOINT, auth: 'connectionString', cardRoot: 'metaflow-fixture/cards', mlflowTrackingUri: 'https://mlflow.example.com' },
          secret: CONNECTION_STRING,
        },
        optional: ['config.cardRoot', 'config.mlflowTrackingUri', 'secret'],
      },
      {
        args: { id: WORKSPACE_ID, config: { kind: 'azure', name: 'Dev', sysroot: SYSROOT, endpoint: ENDPOINT, auth: 'identity', tenantId: 'contoso.onmicrosoft.com' } },
        optional: ['id', 'config.tenantId'],
      },
      { args: { config: { kind: 'local', name: 'Laptop', path: '/home/ds/work', mlflowTrackingUri: 'http://127.0.0.1:5000' } }, optional: ['config.mlflowTrackingUri'] },
    ],
    'workspace.remove': [{ args: { id: WORKSPACE_ID } }],
    'workspace.connect': [{ args: { id: WORKSPACE_ID } }],
    'workspace.useSysroot': [{ args: { id: WORKSPACE_ID, sysroot: SYSROOT } }, { args: { id: WORKSPACE_ID, path: '/home/ds/work' } }],
    'workspace.get': [{ args: { id: WORKSPACE_ID } }],
    'workspace.import': [{ args: {} }],
    'workspace.openSample': [{ args: {} }],
    'settings.get': [{ args: {} }],
    'settings.set': [{ args: { debugLogging: true } }, { args: { debugLogging: false } }],
  },
};
