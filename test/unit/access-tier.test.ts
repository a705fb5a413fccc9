import type { BlobGetPropertiesResponse } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { describeTier, tierState } from '../../shared/access-tier.js';

// The rehydration state machine, fed the SDK's property shapes: Azurite rehydrates at once, so the
// pending state Azure shows for hours is only reachable here.

type Props = Pick<BlobGetPropertiesResponse, 'accessTier' | 'archiveStatus'>;
const tier = (p: Props) => ({ accessTier: p.accessTier ?? null, archiveStatus: p.archiveStatus ?? null });

describe('tierState', () => {
  it('is archived in Archive with no rehydration asked for', () => {
    expect(tierState(tier({ accessTier: 'Archive' }))).toEqual({ kind: 'archived' });
    expect(describeTier(tier({ accessTier: 'Archive' }))).toBe('archived (tier Archive)');
  });

  it.each([
    ['rehydrate-pending-to-hot', 'Hot'],
    ['rehydrate-pending-to-cool', 'Cool'],
    ['rehydrate-pending-to-cold', 'Cold'],
  ] as const)('is rehydrating while archiveStatus is %s', (archiveStatus, target) => {
    const props = tier({ accessTier: 'Archive', archiveStatus });
    expect(tierState(props)).toEqual({ kind: 'rehydrating', target });
    expect(describeTier(props)).toContain(`rehydrating to ${target}`);
    expect(describeTier(props)).toContain(archiveStatus);
  });

  it('is online in any other tier, or when the service reports none', () => {
    expect(tierState(tier({ accessTier: 'Hot' }))).toEqual({ kind: 'online', tier: 'Hot' });
    expect(tierState(tier({ accessTier: 'Cold' }))).toEqual({ kind: 'online', tier: 'Cold' });
    expect(tierState(tier({}))).toEqual({ kind: 'online', tier: null });
  });
});
