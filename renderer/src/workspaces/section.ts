import type { ReactNode } from 'react';
import type { WorkspaceInfo } from '../../../shared/contract.js';
import type { SectionId, SectionPlace } from '../../../shared/routing/route.js';

// Types only, apart from sections.tsx: each section's view imports these, and sections.tsx imports the views.

export interface SectionProps {
  workspace: WorkspaceInfo;
  /** Opens the form that edits the saved workspace, when it is a saved one. */
  onEditWorkspace?: () => void;
}

/** Moves the open workspace to another place: a step in the window's history, or in place if `replace`. */
export type Go = (at: SectionPlace, options?: { replace?: boolean }) => void;

/** One tab of an open workspace. Each domain adds its own entry to SECTIONS. */
export interface Section {
  id: SectionId;
  label: string;
  /** The section at `at` (always a place of this section). */
  render: (props: SectionProps, at: SectionPlace, go: Go) => ReactNode;
}
