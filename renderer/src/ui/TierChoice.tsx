import type { AccessTier } from '../../../shared/access-tier.js';
import { TIER_EFFECT } from '../../../shared/schemas/blob-tier.js';
import { TextField } from './TextField.js';

interface Props<T extends AccessTier> {
  tiers: readonly T[];
  tier: T;
  onTier: (tier: T) => void;
  /** The container whose name is typed to confirm, as gc asks. */
  container: string;
  typed: string;
  onTyped: (value: string) => void;
  /** Prefix of the fields' ids and test ids (`<prefix>-pick`, `<prefix>-effect`, `<prefix>-confirm-name`). */
  idPrefix: string;
  /** The class that marks the effect as a warning when the tier is Archive. */
  warningClass: string;
}

/** A tier to move blobs to, what that tier costs in time and money, and the container's name typed to confirm. */
export function TierChoice<T extends AccessTier>({ tiers, tier, onTier, container, typed, onTyped, idPrefix, warningClass }: Props<T>) {
  return (
    <>
      <label className="field">
        Tier
        <select
          className="input"
          value={tier}
          onChange={(e) => {
            const chosen = tiers.find((t) => t === e.target.value);
            if (chosen !== undefined) onTier(chosen);
          }}
          data-testid={`${idPrefix}-pick`}
        >
          {tiers.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <p className={tier === 'Archive' ? warningClass : undefined} data-testid={`${idPrefix}-effect`}>
        {TIER_EFFECT[tier]}
      </p>
      <TextField id={`${idPrefix}-confirm-name`} label="Container name" value={typed} onChange={onTyped} placeholder={container} testId={`${idPrefix}-confirm-name`} />
    </>
  );
}
