import type { MetaflowPath } from '../../../../shared/contract.js';

/** Where the browser is inside the datastore: each level is set only if the one above it is. */
export type MetaflowLocation = Omit<MetaflowPath, 'workspaceId'>;

const LEVELS = ['flow', 'run', 'step', 'task'] as const;
type Level = (typeof LEVELS)[number];

export const ROOT: MetaflowLocation = {};

export interface Crumb {
  label: string;
  /** What the crumb names, for screen readers ("run 1712345"). */
  kind: 'datastore' | Level;
  location: MetaflowLocation;
}

/** Flows › Flow › run › step › task, each crumb carrying the location it returns to. */
export function crumbs(location: MetaflowLocation): Crumb[] {
  const trail: Crumb[] = [{ label: 'Flows', kind: 'datastore', location: ROOT }];
  let at: MetaflowLocation = ROOT;
  for (const level of LEVELS) {
    const name = location[level];
    if (name === undefined) break;
    at = { ...at, [level]: name };
    trail.push({ label: name, kind: level, location: at });
  }
  return trail;
}
