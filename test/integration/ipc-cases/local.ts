import type { LocalChannel } from '../../../shared/channels/local.js';
import { spy, type DomainCases } from './cases.js';

export const localCases: DomainCases<LocalChannel> = {
  spies: {
    'local.choose': (args) => spy('local.choose', args, { path: '/home/ds/Downloads' }),
    'local.granted': (args) => spy('local.granted', args, { paths: ['/home/ds/Downloads'] }),
  },
  baselines: {
    'local.choose': [{ args: { kind: 'folder' } }, { args: { kind: 'file' } }],
    'local.granted': [{ args: {} }],
  },
};
