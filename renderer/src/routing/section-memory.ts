import type { SectionId, SectionPlace } from '../../../shared/routing/route.js';

// Where each section of each workspace was last, for this window's life: switching to another
// section and back returns there rather than to the section's start.

const places = new Map<string, SectionPlace>();

const key = (workspaceRef: string, section: SectionId) => `${workspaceRef}\u0000${section}`;

export function rememberPlace(workspaceRef: string, at: SectionPlace): void {
  places.set(key(workspaceRef, at.section), at);
}

export function lastPlace(workspaceRef: string, section: SectionId): SectionPlace | undefined {
  return places.get(key(workspaceRef, section));
}
