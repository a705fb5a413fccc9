import type { TransferChannel } from '../../../shared/channels/transfer.js';
import type { TransferTotals } from '../../../shared/schemas/transfer.js';
import { spy, WORKSPACE_ID, type DomainCases } from './cases.js';

const JOB_ID = '0d6e6c5a-3f7b-4d8e-9a1b-2c3d4e5f6a7b';
const TOTALS: TransferTotals = {
  jobs: 0, queued: 0, running: 0, paused: 0, done: 0, failed: 0, cancelled: 0, conflicts: 0,
  bytes: 0, bytesDone: 0, rate: 0, etaSeconds: null, concurrency: 32, retries: 0,
};
const FOLDER = '/home/ds/Downloads';

export const transferCases: DomainCases<TransferChannel> = {
  spies: {
    'transfer.list': (args) => spy('transfer.list', args, { jobs: [], totals: TOTALS }),
    'transfer.upload': (args) => spy('transfer.upload', args, { jobIds: [JOB_ID] }),
    'transfer.uploadToRun': (args) => spy('transfer.uploadToRun', args, { jobIds: [JOB_ID] }),
    'transfer.download': (args) => spy('transfer.download', args, { jobIds: [JOB_ID] }),
    'transfer.downloadFromRun': (args) => spy('transfer.downloadFromRun', args, { jobIds: [JOB_ID] }),
    'transfer.pause': (args) => spy('transfer.pause', args, { affected: 1 }),
    'transfer.resume': (args) => spy('transfer.resume', args, { affected: 1 }),
    'transfer.cancel': (args) => spy('transfer.cancel', args, { affected: 1 }),
    'transfer.resolveConflict': (args) => spy('transfer.resolveConflict', args, { affected: 1 }),
    'transfer.retry': (args) => spy('transfer.retry', args, { affected: 1 }),
    'transfer.clearFinished': (args) => spy('transfer.clearFinished', args, { affected: 2 }),
    'transfer.unfinished': (args) => spy('transfer.unfinished', args, { jobs: [] }),
    'transfer.resumeUnfinished': (args) => spy('transfer.resumeUnfinished', args, { jobIds: [] }),
    'transfer.discardUnfinished': (args) => spy('transfer.discardUnfinished', args, { affected: 0 }),
  },
  baselines: {
    'transfer.list': [{ args: {} }],
    'transfer.upload': [
      { args: { workspaceId: WORKSPACE_ID, container: 'data', prefix: 'drops/2024/', files: [{ path: '/home/ds/model.bin', name: 'model.bin' }] } },
      { args: { workspaceId: WORKSPACE_ID, container: 'data', prefix: '', files: [{ path: 'C:\\Users\\ds\\set', name: 'set' }] } },
    ],
    'transfer.uploadToRun': [
      { args: { workspaceId: WORKSPACE_ID, runId: 'a1b2c3d4e5f6', path: 'model/weights', files: [{ path: '/home/ds/model.bin', name: 'model.bin' }] }, optional: ['path'] },
    ],
    'transfer.download': [
      { args: { workspaceId: WORKSPACE_ID, container: 'data', blobs: ['models/model.bin'], targetFolder: FOLDER } },
      { args: { workspaceId: WORKSPACE_ID, container: 'data', prefix: 'datasets/', targetFolder: FOLDER } },
    ],
    'transfer.downloadFromRun': [{ args: { workspaceId: WORKSPACE_ID, runId: 'a1b2c3d4e5f6', path: 'model/weights.bin', targetFolder: FOLDER }, optional: ['path'] }],
    'transfer.pause': [{ args: { jobId: JOB_ID } }, { args: { all: true } }],
    'transfer.resume': [{ args: { jobId: JOB_ID } }, { args: { all: true } }],
    'transfer.cancel': [{ args: { jobId: JOB_ID } }, { args: { all: true } }],
    'transfer.resolveConflict': [
      { args: { jobId: JOB_ID, choice: 'skip', applyToAll: false } },
      { args: { jobId: JOB_ID, choice: 'keepBoth', applyToAll: true } },
    ],
    'transfer.retry': [{ args: { jobId: JOB_ID } }],
    'transfer.clearFinished': [{ args: { jobId: JOB_ID } }, { args: { all: true } }],
    'transfer.unfinished': [{ args: {} }],
    'transfer.resumeUnfinished': [{ args: { workspaceId: WORKSPACE_ID, jobIds: [JOB_ID] }, optional: ['jobIds'] }],
    'transfer.discardUnfinished': [{ args: { jobIds: [JOB_ID] }, optional: ['jobIds'] }],
  },
  hostile(field, valid, common) {
    switch (field) {
      case 'jobId':
        return [...common, 'not-a-uuid', `${valid}x`, `${valid}/../x`, '..', '__proto__'];
      case 'choice':
        return [...common, 'Skip', 'OVERWRITE', 'keep-both', 'replace', 'rename', '__proto__', 'constructor'];
      case 'targetFolder':
        return [
          ...common,
          'relative',
          'Downloads',
          '.',
          '..',
          './x',
          '~',
          '~/Downloads',
          'C:',
          'C:relative',
          '\\single-backslash',
          `${valid}/../../etc`,
          '/home/../etc',
          'C:\\Users\\..\\Windows',
          'file:///etc/passwd',
          `/${'a'.repeat(4096)}`,
        ];
      default:
        return undefined;
    }
  },
};
