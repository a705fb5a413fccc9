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
    'blobs.properties': (args) =>
      spy('blobs.properties', args, {
        name: args.blob,
        size: 1,
        contentType: null,
        contentEncoding: null,
        contentMd5: null,
        etag: null,
        blobType: null,
        accessTier: null,
        accessTierInferred: false,
        archiveStatus: null,
        leaseState: null,
        metadata: {},
        createdOn: null,
        lastModified: null,
      }),
    'blobs.preview': (args) => spy('blobs.preview', args, { kind: 'none', reason: 'x', bytesRead: 0, totalBytes: 0 }),
    'blobs.deletePolicy': (args) => spy('blobs.deletePolicy', args, { state: 'unknown', days: null, detail: null }),
    'blobs.delete': (args) => spy('blobs.delete', args, { deleted: [], kept: [] }),
    'blobs.setTier': (args) => spy('blobs.setTier', args, { changed: [], failed: [] }),
    'blobs.search': (args) => spy('blobs.search', args, { matches: [], scanned: 0, nextPageToken: null }),
  },
  baselines: {
    'blobs.containers': [{ args: { workspaceId: WORKSPACE_ID } }],
    'blobs.list': [
      { args: { workspaceId: WORKSPACE_ID, container: 'metaflow-fixture', prefix: 'datasets/2024/' } },
      { args: { workspaceId: WORKSPACE_ID, container: 'data', prefix: 'x/', pageToken: '2!96!MDAwMDI3IWRhdGFzZXRzLzIwMjQvIQ--' }, optional: ['pageToken'] },
    ],
    'blobs.properties': [{ args: { workspaceId: WORKSPACE_ID, container: 'data', blob: 'datasets/2024/part-0.parquet' } }],
    'blobs.preview': [{ args: { workspaceId: WORKSPACE_ID, container: 'data', blob: 'datasets/2024/part-0.parquet' } }],
    'blobs.deletePolicy': [{ args: { workspaceId: WORKSPACE_ID } }],
    'blobs.delete': [
      {
        args: { workspaceId: WORKSPACE_ID, container: 'data', blobs: [{ name: 'datasets/old.csv', etag: '"0x8DC"' }], typedContainer: 'data', folders: ['datasets/2023/'] },
        optional: ['folders'],
      },
    ],
    'blobs.setTier': [
      { args: { workspaceId: WORKSPACE_ID, container: 'data', blobs: ['datasets/old.csv'], newTier: 'Archive', typedContainer: 'data' } },
      { args: { workspaceId: WORKSPACE_ID, container: 'data', blobs: ['datasets/old.csv'], newTier: 'Hot', typedContainer: 'data', priority: 'High' }, optional: ['priority'] },
    ],
    'blobs.search': [
      { args: { workspaceId: WORKSPACE_ID, container: 'data', prefix: 'datasets/', query: 'part', pageToken: '2!96!MDAwMDI3IWRhdGFzZXRzLzIwMjQvIQ--' }, optional: ['pageToken'] },
    ],
  },
  hostile(field, valid, common) {
    switch (field) {
      case 'container':
        return [...common, 'ab', 'a'.repeat(64), 'UPPER', 'under_score', '-lead', 'trail-', 'dou--ble', 'has space', 'x/y', '..', '$root', 'ünïcode'];
      case 'prefix':
        // '' is the top of a container, so it is valid.
        return pathLike(valid, common);
      case 'blob':
        return [...common, '/', '/x', 'a//b', './x', '../x', 'x/../y', 'x/./y', 'x\\y', `x/${'y'.repeat(1030)}`];
      case 'typedContainer':
        return [...common, 'a'.repeat(64)];
      case 'query':
        return [...common, 'q'.repeat(257)];
      case 'newTier':
        // 'Premium' and 'P10' are page-blob tiers, not block-blob access tiers.
        return [...common, 'archive', 'HOT', 'Premium', 'P10', 'Archive ', '__proto__'];
      case 'pageToken':
        return [...common, 'x'.repeat(2049)];
      default:
        return undefined;
    }
  },
};
