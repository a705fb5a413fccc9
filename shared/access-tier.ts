import { z } from 'zod';

// Azure Blob access tiers and the rehydration state machine out of Archive, shared by main (which
// reads the properties), the CLI and the renderer (which say what state a blob is in).

export const ACCESS_TIERS = ['Hot', 'Cool', 'Cold', 'Archive'] as const;
export const AccessTier = z.enum(ACCESS_TIERS);
export type AccessTier = z.infer<typeof AccessTier>;

/** The tiers a blob can be rehydrated to out of Archive. */
export const RehydrateTier = z.enum(['Hot', 'Cool']);
export type RehydrateTier = z.infer<typeof RehydrateTier>;

export const RehydratePriority = z.enum(['Standard', 'High']);
export type RehydratePriority = z.infer<typeof RehydratePriority>;

/** What the user trades when picking a priority (Azure's documented figures). */
export const REHYDRATE_TRADEOFF: Record<RehydratePriority, string> = {
  Standard: 'Standard: may take up to 15 hours; the cheaper rehydration.',
  High: 'High: usually under 1 hour for blobs under 10 GB; costs more per GB read and per operation.',
};

/** A blob's tier as the service reports it (Get Blob Properties' x-ms-access-tier and x-ms-archive-status). */
export const BlobTier = z.object({
  accessTier: z.string().max(32).nullable(),
  /** e.g. 'rehydrate-pending-to-hot' while a rehydration runs, else null. */
  archiveStatus: z.string().max(64).nullable(),
});
export type BlobTier = z.infer<typeof BlobTier>;

export type TierState =
  /** Readable: a tier other than Archive (or none reported: a local folder, an account default). */
  | { kind: 'online'; tier: string | null }
  /** In Archive, no rehydration asked for. */
  | { kind: 'archived' }
  /** In Archive with a rehydration running toward `target` (Hot, Cool or Cold). */
  | { kind: 'rehydrating'; target: string };

const PENDING = /^rehydrate-pending-to-(\w+)$/i;

/** Where a blob is in Archive → rehydrating → online, from its properties. */
export function tierState({ accessTier, archiveStatus }: BlobTier): TierState {
  const pending = archiveStatus === null ? null : PENDING.exec(archiveStatus);
  if (pending) return { kind: 'rehydrating', target: capitalise(pending[1]) };
  if (accessTier?.toLowerCase() === 'archive') return { kind: 'archived' };
  return { kind: 'online', tier: accessTier };
}

/** One line for a person: "archived", "rehydrating to Hot (rehydrate-pending-to-hot)", "Cool". */
export function describeTier(tier: BlobTier): string {
  const state = tierState(tier);
  if (state.kind === 'archived') return 'archived (tier Archive)';
  if (state.kind === 'rehydrating') return `archived, rehydrating to ${state.target} (${tier.archiveStatus ?? ''})`;
  return state.tier ?? 'tier unknown';
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}
