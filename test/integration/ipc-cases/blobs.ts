import type { BlobsChannel } from '../../../shared/channels/blobs.js';
import { spy, WORKSPACE_ID, type DomainCases } from './cases.js';

const LISTING = { container: 'data', prefix: '', prefixes: [], blobs: [], nextPageToken: null };

/** Names and prefixes that would escape a prefix, hide in a terminal, or are not blob names at all. */
function pathLike(valid: string, common: string[]): string[] {
  return [
    ...common.filter((s) => s !== ''),
    '/',
    '/x/',
    'a//b/',
    './',
    '../',
    'x/../',
    'x/./y/',
    '..\\x/',
    'x\\y/',
    `x/${'y'.repeat(1030)}/`,
    `${valid}\u0000/`,
  ];
}

export const blobsCases: DomainCases<BlobsChannel> = {
  spies: {
    'blobs.containers': (args) => spy('blobs.containers', args, { containers: ['data'], current: 'data', listProblem: null }),
    'blobs.list': (args) => spy('blobs.list', args, LISTING),
  },
  baselines: {
    'blobs.containers': [{ args: { workspaceId: WORKSPACE_ID } }],
    'blobs.list': [
      { args: { workspaceId: WORKSPACE_ID, container: 'metaflow-fixture', prefix: 'datasets/2024/' } },
      { args: { workspaceId: WORKSPACE_ID, container: 'data', prefix: 'x/', pageToken: '2!96!MDAwMDI3IWRhdGFzZXRzLzIwMjQvIQ--' }, optional: ['pageToken'] },
    ],
  },
  hostile(field, valid, common) {
    switch (field) {
      case 'container':
        return [...common, 'ab', 'a'.repeat(64), 'UPPER', 'under_score', '-lead', 'trail-', 'dou--ble', 'has space', 'x/y', '..', '$root', 'ünïcode'];
      case 'prefix':
        // '' is the top of a container, so it is valid.
        return pathLike(valid, common);
      case 'pageToken':
        return [...common, 'x'.repeat(2049)];
      default:
        return undefined;
    }
  },
};
