// When the transfers panel opens and closes by itself, and how tall it may be: pure, so tests read it
// without a browser.

/** What the panel has to show. */
export interface PanelContent {
  jobs: number;
  conflicts: number;
  /** Unfinished transfers from an earlier session, waiting for a decision. */
  leftovers: number;
}

const isEmpty = (c: PanelContent) => c.jobs === 0 && c.leftovers === 0;

/**
 * Whether the panel is open once its content changed from `before` to `now`: new work, a question for
 * the user or work left from last time opens it; becoming empty (everything cleared) closes it;
 * otherwise opening and closing stay the user's call. `before` is null until the first listing: jobs
 * already there when the window opened (a reload, a second browser tab) are not new work.
 */
export function openAfter(open: boolean, before: PanelContent | null, now: PanelContent): boolean {
  if (now.conflicts > 0 || now.leftovers > 0) return true;
  if (before === null) return open;
  if (now.jobs > before.jobs) return true;
  if (isEmpty(now) && !isEmpty(before)) return false;
  return open;
}

/** The list's height never goes under about two rows, nor over most of the window. */
export const PANEL_MIN_HEIGHT = 96;
export const PANEL_DEFAULT_HEIGHT = 180;
const PANEL_MAX_SHARE = 0.6;

export function clampPanelHeight(height: number, windowHeight: number): number {
  const max = Math.max(PANEL_MIN_HEIGHT, Math.floor(windowHeight * PANEL_MAX_SHARE));
  if (!Number.isFinite(height)) return Math.min(PANEL_DEFAULT_HEIGHT, max);
  return Math.min(max, Math.max(PANEL_MIN_HEIGHT, Math.round(height)));
}

export function panelMaxHeight(windowHeight: number): number {
  return clampPanelHeight(Number.MAX_SAFE_INTEGER, windowHeight);
}
