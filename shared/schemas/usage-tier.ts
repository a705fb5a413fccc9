import { z } from 'zod';
import { TypedContainer } from './blob-details.js';
import { Id, identifier, opaqueSegment } from './common.js';

// Moving a whole run's unique CAS blobs (those no other run of its flow names) to a cheaper tier,
// confirmed by typing the datastore's container name like gc. Hot is not offered: it is where
// blobs start, and rehydration has its own action.

export const RunTier = z.enum(['Cool', 'Cold', 'Archive']);
export type RunTier = z.infer<typeof RunTier>;

/** Failures one answer lists at most; `failedCount` says how many there were. */
export const MAX_RUN_TIER_FAILURES = 200;

export const UsageSetRunTierArgs = z
  .object({
    workspaceId: Id,
    flow: identifier('Flow'),
    run: opaqueSegment('Run id'),
    /** Named as in blobs.setTier; Hot is not offered (rehydration has its own action). */
    newTier: RunTier,
    /** The datastore container's name, typed by the user. */
    confirm: TypedContainer,
  })
  .strict();
export type UsageSetRunTierArgs = z.infer<typeof UsageSetRunTierArgs>;

export const UsageSetRunTierResult = z.object({
  /** Blobs moved to the tier. */
  changed: z.number().int().nonnegative(),
  /** Their bytes. */
  bytes: z.number().nonnegative(),
  failed: z.array(z.object({ name: z.string().max(2048), reason: z.string().max(4000) })).max(MAX_RUN_TIER_FAILURES),
  failedCount: z.number().int().nonnegative(),
});
export type UsageSetRunTierResult = z.infer<typeof UsageSetRunTierResult>;
