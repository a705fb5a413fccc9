import { z } from 'zod';
import { AccessTier, RehydratePriority } from '../access-tier.js';
import { TypedContainer } from './blob-details.js';
import { Id } from './common.js';
import { BlobName, ContainerName } from './transfer.js';

// Changing the access tier of blobs selected in the blob browser, confirmed by typing the
// container's name (Archive takes blobs offline for hours, so it is as deliberate as a delete).

/** Blobs whose tier one call changes at most. */
export const MAX_SET_TIER = 1000;

export const SetBlobTierRequest = z
  .object({
    workspaceId: Id,
    container: ContainerName,
    blobs: z.array(BlobName).min(1, 'Select blobs to change the tier of').max(MAX_SET_TIER, `At most ${MAX_SET_TIER} blobs per tier change`),
    /** The tier to move the blobs to. */
    newTier: AccessTier,
    /** The container's name, typed by the user. */
    typedContainer: TypedContainer,
    /** How fast an archived blob comes back (Standard when absent: the cheaper); ignored for blobs not in Archive. */
    priority: RehydratePriority.optional(),
  })
  .strict();
export type SetBlobTierRequest = z.infer<typeof SetBlobTierRequest>;

export const SetBlobTierResult = z.object({
  changed: z.array(z.string()),
  /** Blobs whose tier was not changed, each with why. */
  failed: z.array(z.object({ name: z.string(), reason: z.string() })),
});
export type SetBlobTierResult = z.infer<typeof SetBlobTierResult>;

/** What moving blobs to a tier means for a person, stated before they confirm. */
export const TIER_EFFECT: Record<AccessTier, string> = {
  Hot: 'Hot: the highest storage cost, the lowest cost to read. An archived blob is rehydrated (Standard priority, up to 15 hours).',
  Cool: 'Cool: cheaper storage, dearer reads; an early-deletion charge applies before 30 days. An archived blob is rehydrated (Standard priority, up to 15 hours).',
  Cold: 'Cold: cheaper storage still, dearer reads; an early-deletion charge applies before 90 days. An archived blob is rehydrated (Standard priority, up to 15 hours).',
  Archive:
    'Archive: the blobs go offline and cannot be read or previewed until rehydrated to Hot or Cool, which takes up to 15 hours (Standard) and costs per GB read; an early-deletion charge applies before 180 days.',
};
