import type { ReactNode } from 'react';
import type { WorkspaceInfo } from '../../../shared/contract.js';
import { MetaflowBrowser } from '../browse/MetaflowBrowser.js';
import { GcView } from '../gc/GcView.js';
import { BlobsView } from '../blobs/BlobsView.js';
import { MlflowBrowser } from '../mlflow/MlflowBrowser.js';

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
  { id: 'mlflow', label: 'MLflow', render: (props) => <MlflowBrowser {...props} /> },
  { id: 'blobs', label: 'Blobs', render: (props) => <BlobsView {...props} /> },
  { id: 'gc', label: 'Garbage collection', render: (props) => <GcView {...props} /> },
];
