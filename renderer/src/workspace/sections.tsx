import type { ReactNode } from 'react';
import type { WorkspaceInfo } from '../../../shared/contract.js';
import { MetaflowBrowser } from '../browse/MetaflowBrowser.js';

export interface SectionProps {
  workspace: WorkspaceInfo;
  /** Opens the form that edits the saved workspace, when it is a saved one. */
  onEditWorkspace?: () => void;
}

/** One tab of an open workspace. Each domain adds its own entry here. */
export interface Section {
  id: string;
  label: string;
  render: (props: SectionProps) => ReactNode;
}

export const SECTIONS: Section[] = [
  { id: 'metaflow', label: 'Metaflow', render: (props) => <MetaflowBrowser {...props} /> },
];
