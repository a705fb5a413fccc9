import type { ReactNode } from 'react';
import type { WorkspaceInfo } from '../../../shared/contract.js';

// Types only, apart from sections.tsx: each section's view imports these, and sections.tsx imports the views.

export interface SectionProps {
  workspace: WorkspaceInfo;
  /** Opens the form that edits the saved workspace, when it is a saved one. */
  onEditWorkspace?: () => void;
}

/** One tab of an open workspace. Each domain adds its own entry to SECTIONS. */
export interface Section {
  id: string;
  label: string;
  render: (props: SectionProps) => ReactNode;
}
